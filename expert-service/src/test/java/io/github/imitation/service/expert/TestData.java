package io.github.imitation.service.expert;

import io.github.imitation.algo.ppo.Ppo;
import io.github.imitation.algo.ppo.PpoDefaults;
import io.github.imitation.data.DemonstrationCollector;
import io.github.imitation.data.DemonstrationsJsonl;
import io.github.imitation.data.DiscreteActions;
import io.github.imitation.data.Trajectory;
import io.github.imitation.env.Env;
import io.github.imitation.env.EnvRegistry;
import io.github.imitation.env.VectorEnv;
import io.github.imitation.onnx.OnnxPolicyExporter;
import io.github.imitation.policy.RandomPolicy;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;

/** Trajectories, policies and Kafka clients for the tests. */
final class TestData {

    static final String ENV = "CartPole-v1";

    private TestData() {
    }

    static String bootstrap() {
        return ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    }

    static KafkaProducer<String, byte[]> producer() {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000,
                ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new ByteArraySerializer());
    }

    /** Complete CartPole-v1 episodes of a random policy: valid demonstrations. */
    static List<Trajectory> cartPole(int episodes, long seed) {
        Env env = EnvRegistry.make(ENV);
        RandomPolicy policy = new RandomPolicy(env.observationSpace(), env.actionSpace(), seed);
        return DemonstrationCollector.collect(VectorEnv.make(ENV, episodes), policy, episodes, seed, true);
    }

    /** A CartPole-v1 trajectory of {@code steps} steps (the validator checks shapes and numbers, not dynamics). */
    static Trajectory cartPoleOfLength(int steps) {
        float[][] obs = new float[steps + 1][4];
        for (int t = 0; t <= steps; t++) {
            obs[t] = new float[] {0.01f * (t % 7), 0f, -0.02f, 0.5f};
        }
        int[] acts = new int[steps];
        double[] rews = new double[steps];
        Arrays.fill(rews, 1.0);
        return new Trajectory(ENV, obs, new DiscreteActions(acts), rews, false);
    }

    static byte[] json(Trajectory t) {
        return DemonstrationsJsonl.toLine(t).getBytes(StandardCharsets.UTF_8);
    }

    /** An untrained CartPole-v1 PPO policy as ONNX. */
    static byte[] untrainedPolicy(long seed) {
        try (Ppo ppo = Ppo.learner(ENV, PpoDefaults.forEnv(ENV), seed)) {
            return OnnxPolicyExporter.toBytes(ppo.snapshot("ppo"));
        }
    }
}
