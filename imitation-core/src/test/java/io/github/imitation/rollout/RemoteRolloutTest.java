package io.github.imitation.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.imitation.algo.adversarial.AdversarialConfig;
import io.github.imitation.algo.adversarial.AdversarialDefaults;
import io.github.imitation.algo.ppo.BatchLearner;
import io.github.imitation.env.EnvRegistry;
import io.github.imitation.env.remote.DmEnvRpcServer;
import io.github.imitation.env.remote.RemoteEnvs;
import io.github.imitation.messages.RolloutBatch;
import io.github.imitation.onnx.OnnxPolicy;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** A rollout worker whose simulator dies mid-batch drops that batch whole, reconnects and goes on. */
class RemoteRolloutTest {

    @AfterAll
    static void closeChannels() {
        RemoteEnvs.shutdownChannels();
    }

    @Test
    void aServerThatDiesMidBatchCostsTheBatchInFlightAndNothingElse() throws Exception {
        AtomicReference<DmEnvRpcServer> server = new AtomicReference<>(
                DmEnvRpcServer.start(EnvRegistry.spec("CartPole-v1"), "127.0.0.1", 0, line -> { }));
        int port = server.get().port();
        String env = "dm-env-rpc://127.0.0.1:" + port + "?timeout=5";
        AdversarialConfig config = AdversarialDefaults.forEnv("CartPole-v1", AdversarialConfig.Kind.GAIL);
        try (BatchLearner learner = new BatchLearner("run", env, "ppo", config.ppo(), 1, 1_000, 1_000_000);
                RolloutWorker worker = new RolloutWorker("run", "w", env, 4, 2_000, 7);
                OnnxPolicy policy = OnnxPolicy.load(learner.latest().onnx())) {
            RolloutBatch before = worker.collect(policy, 0);
            assertEquals(4 * 2_000, before.envSteps() + resets(before));
            // kill the server while the next batch is being collected, bring it back 1.5 s later
            Thread killer = new Thread(() -> {
                try {
                    Thread.sleep(30);
                    server.get().close();
                    Thread.sleep(1_500);
                    server.set(DmEnvRpcServer.start(EnvRegistry.spec("CartPole-v1"), "127.0.0.1", port, line -> { }));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            killer.start();
            RolloutBatch after = worker.collect(policy, 0);
            killer.join();
            assertTrue(worker.reconnects() >= 1, "reconnects: " + worker.reconnects());
            assertTrue(worker.droppedEpisodes() >= 4, "dropped: " + worker.droppedEpisodes());
            // the batch is whole: every entry a transition or an autoreset, from fresh episodes after the reconnect
            assertEquals(4 * 2_000, after.envSteps() + resets(after));
            assertEquals(1, after.sequence());
            assertEquals(BatchLearner.Outcome.APPLIED, learner.offer(before, null, 0).outcome());
        } finally {
            server.get().close();
        }
    }

    private static long resets(RolloutBatch batch) {
        long resets = 0;
        for (byte flag : batch.flags()) {
            resets += (flag & RolloutBatch.VALID) == 0 ? 1 : 0;
        }
        return resets;
    }
}
