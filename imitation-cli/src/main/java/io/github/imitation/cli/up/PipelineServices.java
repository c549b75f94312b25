package io.github.imitation.cli.up;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pipeline's four services started the way {@code up} starts them: one process each on consecutive
 * ports from a base (expert, rollout, discriminator, policy), all on one Kafka, each with its own data
 * directory, the rollout-service as worker {@code rollout-0}. One place for it, shared by {@code up}, the
 * restart benchmark and the end-to-end tests.
 */
public final class PipelineServices {

    /** The services, in port order: expert base+0, rollout +1, discriminator +2, policy +3. */
    public static final List<String> NAMES = List.of("expert-service", "rollout-service", "discriminator-service",
            "policy-service");

    private PipelineServices() {
    }

    /** The URL of the service {@code offset} ports above {@code portBase} on this machine. */
    public static String url(int portBase, int offset) {
        return "http://localhost:" + (portBase + offset);
    }

    /**
     * Starts the four services (not waiting for them). {@code extra} settings go to every one of them
     * (e.g. {@code imitation.policy.stall-after}).
     */
    public static List<ServiceProcesses.Service> start(ServiceProcesses processes, String kafka, int portBase,
            Path dataRoot, Map<String, String> extra) throws IOException {
        List<ServiceProcesses.Service> started = new ArrayList<>();
        for (int i = 0; i < NAMES.size(); i++) {
            String name = NAMES.get(i);
            Map<String, String> properties = new LinkedHashMap<>();
            properties.put("kafka.bootstrap.servers", kafka);
            properties.put("imitation.data-dir", dataRoot.resolve(name).toAbsolutePath().toString());
            properties.put("imitation.expert-service.url", url(portBase, 0));
            if (name.equals("rollout-service")) {
                properties.put("imitation.rollout.worker-id", "rollout-0");
            }
            properties.putAll(extra);
            started.add(processes.start(name, name, portBase + i, properties));
        }
        return started;
    }
}
