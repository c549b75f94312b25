package io.github.imitation.algo.offpolicy;

import static io.github.imitation.testing.FastPathChecks.withLearner;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.imitation.algo.Checkpoints;
import io.github.imitation.algo.ConfigOverrides;
import io.github.imitation.data.DemonstrationCollector;
import io.github.imitation.data.Trajectory;
import io.github.imitation.env.Box;
import io.github.imitation.env.EnvRegistry;
import io.github.imitation.env.VectorEnv;
import io.github.imitation.eval.Evaluation;
import io.github.imitation.nn.ObservationNormalizer;
import io.github.imitation.nn.PolicySnapshot;
import io.github.imitation.onnx.OnnxPolicyExporter;
import io.github.imitation.policy.RandomPolicy;
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
 * The plain-Java SAC networks ({@link FastSacNetworks}) against the DJL ones ({@link DjlSacNetworks}): the same
 * initial weights and exported policy for a seed; on the same minibatches and noise the same critic and actor losses,
 * diagnostics and gradients, and the same parameters after each Adam step and Polyak update, for IQ-Learn (value
 * term and χ² over all rows, both over the expert's, no χ², the {@code V0} value term) and SQIL, on Pendulum-v1, MountainCarContinuous-v0 and
 * a two-dimensional action; checkpoints that restore on the other path; the same numbers from the same seed on the
 * fast path; and that SQIL learns on the fast path ({@link SacImitationTest} asks IQ-Learn on the default path).
 */
class SacFastLearnerTest {

    private static final String PENDULUM = "Pendulum-v1";
    /** Relative to the largest DJL magnitude: losses, gradients and parameters agree this closely. */
    private static final double TOLERANCE = 1e-5;

    static Stream<Arguments> variants() {
        List<Arguments> cases = new ArrayList<>();
        for (String envId : List.of(PENDULUM, "MountainCarContinuous-v0")) {
            cases.add(Arguments.of(envId, OffPolicyConfig.Algorithm.IQ_LEARN, "VALUE", "ALL"));
            cases.add(Arguments.of(envId, OffPolicyConfig.Algorithm.IQ_LEARN, "VALUE_EXPERT", "EXPERT"));
            cases.add(Arguments.of(envId, OffPolicyConfig.Algorithm.IQ_LEARN, "VALUE", "NONE"));
            cases.add(Arguments.of(envId, OffPolicyConfig.Algorithm.IQ_LEARN, "V0", "ALL"));
            cases.add(Arguments.of(envId, OffPolicyConfig.Algorithm.SQIL, "VALUE", "ALL"));
        }
        return cases.stream();
    }

    @ParameterizedTest
    @MethodSource("variants")
    void updatesEqualDjls(String envId, OffPolicyConfig.Algorithm algorithm, String valueLoss, String chi2) {
        Box actions = (Box) EnvRegistry.spec(envId).actionSpace();
        int observationSize = EnvRegistry.spec(envId).observationSpace().flatSize();
        assertUpdatesEqual(config(envId, algorithm, valueLoss, chi2), observationSize, actions.flatSize());
    }

    /** The per-dimension sums of the log-probability and the critics' action inputs, with two action dimensions. */
    @ParameterizedTest
    @MethodSource("algorithms")
    void updatesEqualDjlsWithTwoActionDimensions(OffPolicyConfig.Algorithm algorithm) {
        assertUpdatesEqual(config(PENDULUM, algorithm, "VALUE", "ALL"), 5, 2);
    }

    static Stream<OffPolicyConfig.Algorithm> algorithms() {
        return Stream.of(OffPolicyConfig.Algorithm.IQ_LEARN, OffPolicyConfig.Algorithm.SQIL);
    }

    private static OffPolicyConfig config(String envId, OffPolicyConfig.Algorithm algorithm, String valueLoss, String chi2) {
        return ConfigOverrides.apply(OffPolicyDefaults.forEnv(envId, algorithm, false),
                Map.of("valueLoss", valueLoss, "chi2", chi2));
    }

    /**
     * From the same seed: the same initial parameters and greedy network; then five updates on random minibatches
     * and noise, each compared in the critics' loss, diagnostics and gradients, the parameters after their step,
     * the actor's loss and gradients, and the parameters after its step; the targets move by Polyak averaging in
     * between, which the next updates' losses see.
     */
    private static void assertUpdatesEqual(OffPolicyConfig config, int observationSize, int actionSize) {
        SplittableRandom fastRandom = new SplittableRandom(5);
        SplittableRandom djlRandom = new SplittableRandom(5);
        try (var fast = new FastSacNetworks(observationSize, actionSize, config, fastRandom);
                var djl = new DjlSacNetworks(observationSize, actionSize, config, djlRandom)) {
            assertEquals(djlRandom.nextLong(), fastRandom.nextLong(), "both draw the same from the seed");
            assertEquals(djl.parameterArrays(), fast.parameterArrays(), "parameter arrays");
            assertParametersEqual(djl.readParameters(), fast.readParameters(), 0, "initial parameters");
            assertArrayEquals(greedyOnnx(djl, observationSize, actionSize), greedyOnnx(fast, observationSize, actionSize),
                    "the same exported policy");
            SplittableRandom random = new SplittableRandom(observationSize + 31L * actionSize);
            SacBatch batch = SacBatch.allocate(config.batchSize(), config.batchSize(), observationSize, actionSize);
            float criticRate = (float) config.learningRate();
            float actorRate = (float) config.actorLearningRate();
            for (int step = 0; step < 5; step++) {
                String at = " at step " + step + " of " + config.algorithm() + " " + config.valueLoss() + "/" + config.chi2();
                fill(batch, random);
                ImitationObjective.LossValues expected = djl.criticBackward(batch, true);
                ImitationObjective.LossValues actual = fast.criticBackward(batch, true);
                assertNear(expected.total(), actual.total(), "critic loss" + at);
                assertNear(expected.expert(), actual.expert(), "expert diagnostic" + at);
                assertNear(expected.learner(), actual.learner(), "learner diagnostic" + at);
                assertParametersEqual(djl.criticGradients(), fast.criticGradients(), TOLERANCE, "critic gradients" + at);
                djl.criticStep(criticRate);
                fast.criticStep(criticRate);
                assertParametersNear(djl.readParameters(), fast.readParameters(), "parameters after the critic step" + at);
                assertNear(djl.actorBackward(batch, true), fast.actorBackward(batch, true), "actor loss" + at);
                assertParametersEqual(djl.actorGradients(), fast.actorGradients(), TOLERANCE, "actor gradients" + at);
                djl.actorStep(actorRate);
                fast.actorStep(actorRate);
                assertParametersNear(djl.readParameters(), fast.readParameters(), "parameters after the actor step" + at);
                djl.polyak();
                fast.polyak();
            }
        }
    }

    /** Observations ~ N(0, 1), actions uniform in (−1, 1), one transition in eight terminal, standard normal noise. */
    private static void fill(SacBatch batch, SplittableRandom random) {
        copy(FastPathChecks.gaussian(random, batch.observations().length, 1.0, 0), batch.observations());
        copy(FastPathChecks.gaussian(random, batch.nextObservations().length, 1.0, 0), batch.nextObservations());
        for (int i = 0; i < batch.actions().length; i++) {
            batch.actions()[i] = (float) random.nextDouble(-1, 1);
        }
        for (int r = 0; r < batch.rows(); r++) {
            batch.notDone()[r] = random.nextInt(8) == 0 ? 0f : 1f;
        }
        copy(FastPathChecks.gaussian(random, batch.nextNoise().length, 1.0, 0), batch.nextNoise());
        copy(FastPathChecks.gaussian(random, batch.currentNoise().length, 1.0, 0), batch.currentNoise());
        copy(FastPathChecks.gaussian(random, batch.actorNoise().length, 1.0, 0), batch.actorNoise());
    }

    private static void copy(float[] from, float[] to) {
        System.arraycopy(from, 0, to, 0, to.length);
    }

    private static byte[] greedyOnnx(SacNetworks networks, int observationSize, int actionSize) {
        float[] observationBounds = new float[observationSize];
        float[] actionBounds = new float[actionSize];
        java.util.Arrays.fill(observationBounds, 10f);
        java.util.Arrays.fill(actionBounds, 2f);
        Box actions = Box.symmetric(actionBounds);
        return OnnxPolicyExporter.toBytes(new PolicySnapshot(PENDULUM, Box.symmetric(observationBounds), actions,
                ObservationNormalizer.identity(observationSize), networks.meanNetwork(),
                SquashedGaussianActor.head(actions.low(), actions.high(), 0.1f), "iq-learn", 1));
    }

    private static void assertNear(double expected, double actual, String what) {
        assertEquals(expected, actual, TOLERANCE * Math.max(1, Math.abs(expected)), what);
    }

    /**
     * Gradients: per parameter array, within {@code tolerance} of the array's largest DJL magnitude. (Exactly equal
     * when {@code tolerance} is 0.)
     */
    private static void assertParametersEqual(float[][] expected, float[][] actual, double tolerance, String what) {
        assertEquals(expected.length, actual.length, what + ": arrays");
        for (int i = 0; i < expected.length; i++) {
            assertWithin(expected[i], actual[i], tolerance * largest(expected[i]), what + ", parameter " + i);
        }
    }

    /**
     * Parameters after Adam steps: within {@code TOLERANCE} of the networks' largest DJL magnitude. Not per array: Adam
     * divides each gradient by its own running magnitude, so where a gradient is as small as the rounding of the
     * others (a bias of a unit that is almost never active) its step differs by more, relative to the few steps a
     * bias that starts at 0 has taken.
     */
    private static void assertParametersNear(float[][] expected, float[][] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": arrays");
        double scale = 0;
        for (float[] p : expected) {
            scale = Math.max(scale, largest(p));
        }
        for (int i = 0; i < expected.length; i++) {
            assertWithin(expected[i], actual[i], TOLERANCE * scale, what + ", parameter " + i);
        }
    }

    private static double largest(float[] values) {
        double scale = 0;
        for (float v : values) {
            scale = Math.max(scale, Math.abs(v));
        }
        return scale;
    }

    private static void assertWithin(float[] expected, float[] actual, double bound, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int k = 0; k < expected.length; k++) {
            double error = Math.abs(expected[k] - actual[k]);
            if (error > bound) {
                throw new AssertionError(what + "[" + k + "]: expected " + expected[k] + ", got " + actual[k] + " (error "
                        + error + ", allowed " + bound + ")");
            }
        }
    }

    private static List<Trajectory> demonstrations() {
        return DemonstrationCollector.collect(VectorEnv.make(PENDULUM, 2), new Controllers.Pendulum(), 2, 3, true);
    }

    private static OffPolicyConfig shortRun() {
        return ConfigOverrides.apply(OffPolicyDefaults.forEnv(PENDULUM, OffPolicyConfig.Algorithm.IQ_LEARN, false),
                Map.of("totalEnvSteps", "400", "learningStarts", "200", "evalInterval", "400", "evalEpisodes", "1"));
    }

    /** A short run on one path, checkpointed, restored on the other: the same parameters and greedy actions. */
    @ParameterizedTest
    @MethodSource("directions")
    void checkpointsRestoreOnTheOtherPath(String writer, String reader, @TempDir Path dir) {
        List<Trajectory> demos = demonstrations();
        Path file = dir.resolve("sac.ckpt");
        float[] observations = FastPathChecks.gaussian(new SplittableRandom(3), 3, 1.0, 0);
        List<Object> written = withLearner(writer, () -> {
            try (SacImitation trainer = new SacImitation(PENDULUM, demos, shortRun(), 2)) {
                assertEquals(writer, trainer.learnerName());
                trainer.train(p -> { });
                Checkpoints.writeOffPolicy(file, new OffPolicyBatchLearner.Checkpoint(trainer.parameters(), 1,
                        trainer.envSteps(), trainer.updates(), 0));
                return List.of(trainer.parameters(), trainer.policy().forward(observations));
            }
        });
        List<Object> restored = withLearner(reader, () -> {
            try (SacImitation trainer = new SacImitation(PENDULUM, demos, shortRun(), 9)) {
                assertEquals(reader, trainer.learnerName());
                var checkpoint = Checkpoints.readOffPolicy(file);
                trainer.restore(checkpoint.parameters(), checkpoint.envSteps(), checkpoint.updates());
                assertEquals(400, trainer.envSteps());
                return List.of(trainer.parameters(), trainer.policy().forward(observations));
            }
        });
        assertParametersEqual((float[][]) written.get(0), (float[][]) restored.get(0), 0, "restored parameters");
        assertArrayEquals((float[]) written.get(1), (float[]) restored.get(1), "greedy action restored from a " + writer
                + " checkpoint on " + reader);
    }

    static Stream<Arguments> directions() {
        return Stream.of(Arguments.of("fast", "djl"), Arguments.of("djl", "fast"));
    }

    /**
     * SQIL on the fast path from five swing-up demonstrations, 5k env steps (4k updates): the greedy policy beats a
     * random one by a wide margin, as {@link SacImitationTest} asks of IQ-Learn at 10k on the default path.
     */
    @Test
    void sqilLearnsOnTheFastPath() {
        List<Trajectory> demos = DemonstrationCollector.collect(VectorEnv.make(PENDULUM, 5), new Controllers.PendulumSwingUp(),
                5, 3, true);
        OffPolicyConfig config = ConfigOverrides.apply(OffPolicyDefaults.forEnv(PENDULUM, OffPolicyConfig.Algorithm.SQIL, false),
                Map.of("totalEnvSteps", "5000", "evalInterval", "5000", "evalEpisodes", "1"));
        PolicySnapshot policy = withLearner("fast", () -> {
            try (SacImitation trainer = new SacImitation(PENDULUM, demos, config, 0)) {
                assertEquals("fast", trainer.learnerName());
                return trainer.train(p -> { });
            }
        });
        var env = EnvRegistry.make(PENDULUM);
        double random = Evaluation.evaluate(new RandomPolicy(env.observationSpace(), env.actionSpace(), 1), PENDULUM, 20, 500,
                true).meanReturn();
        double learned = OffPolicyTrainer.evaluateGreedy(policy, PENDULUM, 20, 77).meanReturn();
        assertTrue(learned > random + 500, "SQIL " + learned + " vs random " + random);
    }

    @Test
    void theSameSeedGivesTheSameNumbersOnTheFastPath() {
        List<Trajectory> demos = demonstrations();
        SameSeedRuns.assertSameNumbers(() -> new SacImitation(PENDULUM, demos, shortRun(), 4));
    }
}
