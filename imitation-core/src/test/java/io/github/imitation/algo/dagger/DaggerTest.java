package io.github.imitation.algo.dagger;

import io.github.imitation.testing.Controllers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.imitation.algo.bc.BcConfig;
import io.github.imitation.data.DemonstrationCollector;
import io.github.imitation.data.DiscreteActions;
import io.github.imitation.data.Trajectory;
import io.github.imitation.env.VectorEnv;
import io.github.imitation.eval.Evaluation;
import io.github.imitation.nn.DenseLayer;
import io.github.imitation.nn.PolicySnapshot;
import io.github.imitation.policy.RandomPolicy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** DAgger end to end with a hand-written expert and a small BC budget. */
class DaggerTest {

    private static final String CARTPOLE = "CartPole-v1";

    /** A small BC budget: enough for CartPole, fast in a test. */
    private static BcConfig smallBc() {
        BcConfig d = BcConfig.defaults();
        return new BcConfig(d.hiddenSizes(), d.activation(), d.batchSize(), d.learningRate(), 30, 8,
                d.validationFraction(), d.entropyWeight(), d.l2Weight(), d.boxLoss(), d.initialLogStd());
    }

    private static DaggerConfig smallConfig() {
        return DaggerConfig.defaults().withIterations(3).withStepsPerIteration(500).withNumEnvs(2)
                .withEvaluationEpisodes(10).withBc(smallBc());
    }

    /** A poor demonstration: the first 40 steps of one of the controller's episodes. */
    private static Trajectory shortDemonstration() {
        Trajectory full = DemonstrationCollector.collect(VectorEnv.make(CARTPOLE, 1), new Controllers.CartPole(CARTPOLE),
                1, 100, true).get(0);
        int length = 40;
        return new Trajectory(CARTPOLE, Arrays.copyOf(full.obs(), length + 1), full.acts().slice(0, length),
                Arrays.copyOf(full.rews(), length), false);
    }

    private static List<DaggerIteration> run(DaggerConfig config, long seed, List<Trajectory> demos, String env,
            io.github.imitation.policy.Policy expert) {
        List<DaggerIteration> iterations = new ArrayList<>();
        PolicySnapshot last = Dagger.train(env, expert, demos, config, seed, iterations::add);
        assertEquals(config.iterations(), iterations.size());
        assertTrue(last == iterations.get(iterations.size() - 1).policy(), "returns the last iteration's learner");
        return iterations;
    }

    @Test
    void learnerClearlyBeatsRandomAndTheDatasetGrowsByTheVisitedStates() {
        DaggerConfig config = smallConfig();
        List<DaggerIteration> iterations = run(config, 1, List.of(shortDemonstration()), CARTPOLE,
                new Controllers.CartPole(CARTPOLE));
        DaggerIteration first = iterations.get(0);
        assertEquals(1.0, first.beta());
        assertEquals(0, first.rolloutSteps(), "iteration 0 is plain BC on the demonstrations");
        assertEquals(40, first.datasetSize());
        for (int i = 1; i < iterations.size(); i++) {
            DaggerIteration it = iterations.get(i);
            assertEquals(i, it.iteration());
            assertEquals(Math.pow(0.5, i), it.beta());
            assertEquals(500, it.rolloutSteps());
            assertEquals(500L * i, it.envSteps());
            assertEquals(iterations.get(i - 1).datasetSize() + 500, it.datasetSize(), "grows by the visited states");
            assertEquals("dagger", it.policy().algorithm());
            assertEquals(i, it.policy().version());
            assertTrue(it.bcEpochs() >= 1);
        }
        var space = new Controllers.CartPole(CARTPOLE);
        double random = Evaluation.evaluate(new RandomPolicy(space.observationSpace(), space.actionSpace(), 1), CARTPOLE,
                10, 500, true).meanReturn();
        double learned = iterations.get(iterations.size() - 1).meanReturn();
        assertTrue(learned > random + 150, "DAgger " + learned + " vs random " + random);
    }

    @Test
    void sameSeedSameRunAnotherSeedAnotherRun() {
        DaggerConfig config = smallConfig().withIterations(2).withStepsPerIteration(300).withEvaluationEpisodes(3);
        List<DaggerIteration> first = run(config, 42, List.of(shortDemonstration()), CARTPOLE,
                new Controllers.CartPole(CARTPOLE));
        List<DaggerIteration> second = run(config, 42, List.of(shortDemonstration()), CARTPOLE,
                new Controllers.CartPole(CARTPOLE));
        for (int i = 0; i < first.size(); i++) {
            DaggerIteration a = first.get(i);
            DaggerIteration b = second.get(i);
            assertEquals(a.toString(), b.toString(), "iteration " + i + " figures");
            assertSameWeights(a.policy(), b.policy());
        }
        List<DaggerIteration> other = run(config, 43, List.of(shortDemonstration()), CARTPOLE,
                new Controllers.CartPole(CARTPOLE));
        assertFalse(Arrays.equals(first.get(1).policy().network().layers().get(0).weight(),
                other.get(1).policy().network().layers().get(0).weight()), "another seed gives another learner");
    }

    private static void assertSameWeights(PolicySnapshot a, PolicySnapshot b) {
        for (int l = 0; l < a.network().layers().size(); l++) {
            DenseLayer x = a.network().layers().get(l);
            DenseLayer y = b.network().layers().get(l);
            assertArrayEquals(x.weight(), y.weight(), "layer " + l + " weights");
            assertArrayEquals(x.bias(), y.bias(), "layer " + l + " biases");
        }
        assertArrayEquals(a.normalizer().mean(), b.normalizer().mean());
    }

    /** Box actions end to end, and no initial demonstrations: iteration 0 rolls out the expert itself. */
    @Test
    void boxActionsWithoutInitialDemonstrations() {
        DaggerConfig config = smallConfig().withIterations(2).withStepsPerIteration(200).withEvaluationEpisodes(0)
                .withBetaDecay(0.0);
        List<DaggerIteration> iterations = run(config, 3, List.of(), "Pendulum-v1", new Controllers.Pendulum());
        assertEquals(1.0, iterations.get(0).beta());
        assertEquals(200, iterations.get(0).rolloutSteps());
        assertEquals(200, iterations.get(0).datasetSize());
        assertEquals(0.0, iterations.get(1).beta(), "β_i = 0^i: the learner alone from iteration 1");
        assertEquals(400, iterations.get(1).datasetSize());
        assertEquals(400, iterations.get(1).envSteps());
        assertTrue(Double.isNaN(iterations.get(1).meanReturn()), "evaluation off");
    }

    @Test
    void betaScheduleAndConfigErrors() {
        DaggerConfig config = DaggerConfig.defaults();
        assertEquals(5, config.iterations());
        assertEquals(1.0, config.beta(0));
        assertEquals(0.5, config.beta(1));
        assertEquals(0.125, config.beta(3));
        assertEquals(1.0, config.withBetaDecay(0).beta(0));
        assertEquals(0.0, config.withBetaDecay(0).beta(2));
        assertThrows(IllegalArgumentException.class, () -> config.withBetaDecay(1.1));
        assertThrows(IllegalArgumentException.class, () -> config.withIterations(0));
        assertThrows(IllegalArgumentException.class, () -> config.withNumEnvs(0));
        assertThrows(IllegalArgumentException.class, () -> config.withStepsPerIteration(0));
        assertThrows(IllegalArgumentException.class, () -> config.withEvaluationEpisodes(-1));
    }

    @Test
    void mismatchedExpertOrDemonstrationsAreRejected() {
        DaggerConfig config = smallConfig();
        assertThrows(IllegalArgumentException.class, () -> Dagger.train(CARTPOLE, new Controllers.Pendulum(), List.of(),
                config, 0, it -> { }));
        // demonstrations of an env with other spaces (a CartPole-v0 dataset would do: same spaces)
        assertThrows(IllegalArgumentException.class, () -> Dagger.train("Pendulum-v1", new Controllers.Pendulum(),
                List.of(shortDemonstration()), config, 0, it -> { }));
        assertTrue(shortDemonstration().acts() instanceof DiscreteActions);
    }
}
