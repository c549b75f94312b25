package io.github.imitation.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.imitation.cli.up.PipelineClient;
import io.github.imitation.cli.up.PipelineServices;
import io.github.imitation.cli.up.ServiceProcesses;
import io.github.imitation.cli.up.Supervisor;
import io.github.imitation.data.DemonstrationsJsonl;
import io.github.imitation.data.Trajectory;
import io.github.imitation.env.EnvRegistry;
import io.github.imitation.eval.Evaluation;
import io.github.imitation.kafka.EmbeddedKafkaBroker;
import io.github.imitation.kafka.TopicLayout;
import io.github.imitation.onnx.OnnxPolicy;
import io.github.imitation.policy.RandomPolicy;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One GAIL run through the four services in which the discriminator-, rollout- and policy-service are each
 * SIGKILLed (and started again by {@code up}'s supervisor, as a Deployment would) and the broker is stopped
 * and started again on its data directory: the run completes and its policy clearly beats random.
 */
class RestartEverythingTest {

    @Test
    void aRunSurvivesTheRestartOfEveryServiceAndOfTheBroker(@TempDir Path dir) throws Exception {
        int kafkaPort = PipelineTesting.freePorts(1);
        Path kafkaData = dir.resolve("kafka");
        int base = PipelineTesting.freePorts(4);
        ByteArrayOutputStream said = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(said, true, StandardCharsets.UTF_8);
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(kafkaPort, kafkaData);
        Supervisor supervisor = null;
        try (ServiceProcesses processes = new ServiceProcesses(PipelineTesting.projectRoot(), dir.resolve("logs"))) {
            TopicLayout.ensureTopics(broker.bootstrapServers());
            Map<ServiceProcesses.Service, ServiceProcesses.Check> ready = new LinkedHashMap<>();
            PipelineServices.start(processes, broker.bootstrapServers(), base, dir.resolve("data"),
                    Map.of("imitation.policy.stall-after", "PT20S")).forEach(s -> ready.put(s, ServiceProcesses.Check.READY));
            processes.await(ready, Duration.ofSeconds(180));
            supervisor = Supervisor.start(processes, err);

            PipelineClient client = new PipelineClient("http://localhost:" + base, "http://localhost:" + (base + 3));
            StringBuilder ndjson = new StringBuilder();
            for (Trajectory t : PipelineTesting.demonstrations(2, 11)) {
                ndjson.append(DemonstrationsJsonl.toLine(t)).append('\n');
            }
            client.uploadDemonstrations("restart-demos", ndjson.toString());
            String run = "restart-everything";
            ObjectNode spec = new JsonMapper().createObjectNode().put("run_id", run).put("env", PipelineTesting.CARTPOLE)
                    .put("algo", "gail").put("dataset", "restart-demos").put("max_env_steps", 40_000)
                    .put("max_policy_lag", 0).put("seed", 3);
            client.createRun(spec);

            // One fault every 7k env steps: discriminator, rollout, policy (SIGKILL; the supervisor restarts them), broker.
            String[] faults = {"discriminator-service", "rollout-service", "policy-service", "broker"};
            int next = 0;
            long deadline = System.currentTimeMillis() + Duration.ofMinutes(8).toMillis();
            JsonNode record = null;
            while (System.currentTimeMillis() < deadline) {
                try {
                    record = client.run(run);
                } catch (java.io.IOException restarting) {
                    Thread.sleep(500);
                    continue;
                }
                String phase = record.path("status").path("phase").asText();
                if (!phase.equals("RUNNING")) {
                    break;
                }
                long steps = record.path("status").path("env_steps").asLong();
                if (next < faults.length && steps >= 7_000L * (next + 1)) {
                    String fault = faults[next++];
                    if (fault.equals("broker")) {
                        broker.close();
                        Thread.sleep(2_000);
                        broker = EmbeddedKafkaBroker.start(kafkaPort, kafkaData);
                    } else {
                        ServiceProcesses.Service victim = processes.services().stream()
                                .filter(s -> s.name().equals(fault)).findFirst().orElseThrow();
                        victim.process().destroyForcibly().waitFor();
                    }
                    err.println("test: " + fault + " restarted at " + steps + " env steps");
                }
                Thread.sleep(500);
            }
            String log = said.toString(StandardCharsets.UTF_8);
            assertEquals(faults.length, next, "every fault was injected: " + record + "\n" + log);
            assertEquals("COMPLETED", record.path("status").path("phase").asText(), record + "\n" + log);
            for (String service : List.of("discriminator-service", "rollout-service", "policy-service")) {
                assertTrue(log.contains("up: " + service + " exited with code 137; starting it again"), log);
            }
            var env = EnvRegistry.make(PipelineTesting.CARTPOLE);
            double random = Evaluation.evaluate(new RandomPolicy(env.observationSpace(), env.actionSpace(), 1),
                    PipelineTesting.CARTPOLE, 50, 1_000_000, true).meanReturn();
            double learned;
            try (OnnxPolicy policy = OnnxPolicy.load(client.policy(run), OnnxPolicy.Options.defaults())) {
                learned = Evaluation.evaluate(policy, PipelineTesting.CARTPOLE, 50, 1_000_000, true).meanReturn();
            }
            assertTrue(learned > random + 100, "GAIL through four restarts " + learned + " vs random " + random + "\n" + log);
        } finally {
            if (supervisor != null) {
                supervisor.stop();
            }
            broker.close();
        }
    }
}
