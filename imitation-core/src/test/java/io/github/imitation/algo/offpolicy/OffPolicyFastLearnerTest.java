package io.github.imitation.algo.offpolicy;

import static io.github.imitation.testing.FastPathChecks.assertClose;
import static io.github.imitation.testing.FastPathChecks.withLearner;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.imitation.algo.Checkpoints;
import io.github.imitation.algo.ConfigOverrides;
import io.github.imitation.data.DemonstrationCollector;
import io.github.imitation.data.Trajectory;
import io.github.imitation.env.Discrete;
import io.github.imitation.env.EnvRegistry;
import io.github.imitation.env.Space;
import io.github.imitation.env.VectorEnv;
import io.github.imitation.nn.ObservationNormalizer;
import io.github.imitation.onnx.OnnxPolicyExporter;
import io.github.imitation.testing.Controllers;
import io.github.imitation.testing.FastPathChecks;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The plain-Java soft-Q networks ({@link FastSoftQNetworks}) against the DJL ones ({@link DjlSoftQNetworks}): the
 * same initial weights and exported policy for a seed; on the same minibatch the same Q-values, loss, diagnostics
 * and gradients, and the same parameters after Adam steps and target copies, for IQ-Learn in every value-term ×
 * χ² × target-network variant (online and offline) and for SQIL; checkpoints that restore in the other
 * implementation; and the same numbers from the same seed on the fast path.
 */
class OffPolicyFastLearnerTest {

    private static final String CARTPOLE = "CartPole-v1";

    static Stream<Arguments> iqLearnVariants() {
        List<Arguments> cases = new ArrayList<>();
        for (String envId : List.of(CARTPOLE, "Acrobot-v1")) {
            for (IqLearnObjective.ValueLoss valueLoss : IqLearnObjective.ValueLoss.values()) {
                for (IqLearnObjective.Chi2 chi2 : IqLearnObjective.Chi2.values()) {
                    for (boolean useTarget : new boolean[] {true, false}) {
                        cases.add(Arguments.of(envId, valueLoss, chi2, useTarget));
                    }
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest
    @MethodSource("iqLearnVariants")
    void iqLearnStepsEqualDjls(String envId, IqLearnObjective.ValueLoss valueLoss, IqLearnObjective.Chi2 chi2,
            boolean useTarget) {
        OffPolicyConfig config = ConfigOverrides.apply(OffPolicyDefaults.forEnv(envId, OffPolicyConfig.Algorithm.IQ_LEARN, false),
                Map.of("valueLoss", valueLoss.name(), "chi2", chi2.name(), "useTarget", Boolean.toString(useTarget)));
        assertStepsEqual(envId, config);
    }

    @ParameterizedTest
    @MethodSource("envs")
    void offlineIqLearnStepsEqualDjls(String envId) {
        assertStepsEqual(envId, OffPolicyDefaults.forEnv(envId, OffPolicyConfig.Algorithm.IQ_LEARN, true));
    }

    @ParameterizedTest
    @MethodSource("envs")
    void sqilStepsEqualDjls(String envId) {
        assertStepsEqual(envId, OffPolicyDefaults.forEnv(envId, OffPolicyConfig.Algorithm.SQIL, false));
    }

    static Stream<String> envs() {
        return Stream.of(CARTPOLE, "Acrobot-v1");
    }

    /**
     * From the same seed: the same initial parameters and ONNX policy; then four updates on random minibatches
     * (the target copied after the second), each compared in Q-values, loss values and gradients, and the
     * parameters after the Adam step.
     */
    private static void assertStepsEqual(String envId, OffPolicyConfig config) {
        var spec = EnvRegistry.spec(envId);
        Space obsSpace = spec.observationSpace();
        Discrete actSpace = (Discrete) spec.actionSpace();
        SplittableRandom fastRandom = new SplittableRandom(5);
        SplittableRandom djlRandom = new SplittableRandom(5);
        try (var fast = new FastSoftQNetworks(obsSpace, actSpace, config, fastRandom);
                var djl = new DjlSoftQNetworks(obsSpace, actSpace, config, djlRandom)) {
            assertEquals(djlRandom.nextLong(), fastRandom.nextLong(), "both draw the same from the seed");
            assertParametersEqual(djl.readParameters(), fast.readParameters(), 0f, "initial parameters");
            ObservationNormalizer normalizer = ObservationNormalizer.identity(obsSpace.flatSize());
            assertArrayEquals(OnnxPolicyExporter.toBytes(djl.snapshot(envId, normalizer, "iq-learn", 1)),
                    OnnxPolicyExporter.toBytes(fast.snapshot(envId, normalizer, "iq-learn", 1)), "the same ONNX policy");
            SplittableRandom random = new SplittableRandom(obsSpace.flatSize());
            int obsSize = obsSpace.flatSize();
            QBatch batch = QBatch.allocate(config.batchSize(), config.offline() ? 0 : config.batchSize(), obsSize);
            float learningRate = (float) config.learningRate();
            for (int step = 0; step < 4; step++) {
                String at = " at step " + step + " of " + config.objective().name();
                float[] obs = FastPathChecks.gaussian(random, batch.rows() * obsSize, 1.0, 0);
                float[] next = FastPathChecks.gaussian(random, batch.rows() * obsSize, 1.0, 0);
                for (int r = 0; r < batch.rows(); r++) {
                    batch.actions()[r] = random.nextInt(actSpace.n());
                    batch.notDone()[r] = random.nextInt(8) == 0 ? 0f : 1f;
                }
                assertClose(djl.qValues(obs, batch.rows()), fast.qValues(obs, batch.rows()), "Q-values" + at);
                ImitationObjective.LossValues expected = djl.backward(batch, obs, next, true);
                ImitationObjective.LossValues actual = fast.backward(batch, obs, next, true);
                assertEquals(expected.total(), actual.total(), 1e-5 * Math.max(1, Math.abs(expected.total())), "loss" + at);
                assertEquals(expected.expert(), actual.expert(), 1e-5 * Math.max(1, Math.abs(expected.expert())),
                        "expert diagnostic" + at);
                if (config.offline()) {
                    assertEquals(Double.NaN, actual.learner(), "no learner diagnostic offline");
                } else {
                    assertEquals(expected.learner(), actual.learner(), 1e-5 * Math.max(1, Math.abs(expected.learner())),
                            "learner diagnostic" + at);
                }
                assertParametersEqual(djl.gradients(), fast.gradients(), -1f, "gradients" + at);
                djl.step(learningRate);
                fast.step(learningRate);
                assertParametersEqual(djl.readParameters(), fast.readParameters(), 1e-5f, "parameters after the step" + at);
                if (step == 1) {
                    djl.syncTarget();
                    fast.syncTarget();
                }
            }
        }
    }

    /**
     * Per parameter array: exactly equal ({@code tolerance} 0), within an absolute {@code tolerance}, or (negative)
     * by {@link FastPathChecks#assertClose}.
     */
    private static void assertParametersEqual(float[][] expected, float[][] actual, float tolerance, String what) {
        assertEquals(expected.length, actual.length, what + ": arrays");
        for (int i = 0; i < expected.length; i++) {
            if (tolerance < 0) {
                assertClose(expected[i], actual[i], what + ", parameter " + i);
            } else {
                assertArrayEquals(expected[i], actual[i], tolerance, what + ", parameter " + i);
            }
        }
    }

    private static List<Trajectory> demonstrations() {
        return DemonstrationCollector.collect(VectorEnv.make(CARTPOLE, 1), new Controllers.CartPole(CARTPOLE), 1, 3, true);
    }

    private static OffPolicyConfig shortRun() {
        return ConfigOverrides.apply(OffPolicyDefaults.forEnv(CARTPOLE, OffPolicyConfig.Algorithm.IQ_LEARN, false),
                Map.of("totalEnvSteps", "400", "learningStarts", "200", "evalInterval", "400", "evalEpisodes", "1"));
    }

    /** A short run on one path, checkpointed, restored on the other: the same Q-values and exported policy. */
    @ParameterizedTest
    @MethodSource("directions")
    void checkpointsRestoreOnTheOtherPath(String writer, String reader, @TempDir Path dir) {
        List<Trajectory> demos = demonstrations();
        Path file = dir.resolve("offpolicy.ckpt");
        float[] observations = FastPathChecks.gaussian(new SplittableRandom(3), 64 * 4, 1.0, 0);
        float[] written = withLearner(writer, () -> {
            try (OffPolicyImitation trainer = new OffPolicyImitation(CARTPOLE, demos, shortRun(), 2)) {
                assertEquals(writer, trainer.learnerName());
                trainer.train(p -> { });
                Checkpoints.writeOffPolicy(file, new OffPolicyBatchLearner.Checkpoint(trainer.parameters(), 1,
                        trainer.envSteps(), trainer.updates(), 0));
                return trainer.qValues(observations, 64);
            }
        });
        float[] restored = withLearner(reader, () -> {
            try (OffPolicyImitation trainer = new OffPolicyImitation(CARTPOLE, demos, shortRun(), 9)) {
                assertEquals(reader, trainer.learnerName());
                var checkpoint = Checkpoints.readOffPolicy(file);
                trainer.restore(checkpoint.parameters(), checkpoint.envSteps(), checkpoint.updates());
                assertEquals(400, trainer.envSteps());
                return trainer.qValues(observations, 64);
            }
        });
        assertClose(written, restored, "Q-values restored from a " + writer + " checkpoint on " + reader);
    }

    static Stream<Arguments> directions() {
        return Stream.of(Arguments.of("fast", "djl"), Arguments.of("djl", "fast"));
    }

    @Test
    void theSameSeedGivesTheSameNumbersOnTheFastPath() {
        List<Trajectory> demos = demonstrations();
        SameSeedRuns.assertSameNumbers(() -> new OffPolicyImitation(CARTPOLE, demos, shortRun(), 4));
    }
}
