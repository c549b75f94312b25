package io.github.imitation.rollout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.imitation.env.Box;
import io.github.imitation.env.Discrete;
import io.github.imitation.env.VectorEnv;
import io.github.imitation.messages.RolloutBatch;
import io.github.imitation.nn.Activation;
import io.github.imitation.onnx.OnnxPolicy;
import io.github.imitation.onnx.OnnxPolicyExporter;
import io.github.imitation.onnx.TestSnapshots;
import io.github.imitation.policy.ActionSampling;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Pins what a {@link RolloutWorker} produces, so its hot path can be optimized without changing results:
 * the same seed gives the same batches, and they equal those of a plain reference loop written here the
 * straightforward way (fresh arrays every step, the policy's allocating {@code logits}/{@code gaussian}).
 */
class RolloutWorkerDeterminismTest {

    private static final int NUM_ENVS = 5;
    private static final int NUM_STEPS = 40;
    private static final int BATCHES = 3;
    private static final long SEED = 11;

    @ParameterizedTest
    @ValueSource(strings = {"CartPole-v1", "Acrobot-v1", "Pendulum-v1", "MountainCarContinuous-v0"})
    void sameSeedSameBatchesAsTheReferenceLoop(String envId) {
        byte[] model = OnnxPolicyExporter.toBytes(TestSnapshots.random(envId, Activation.TANH, new int[] {16, 16},
                null, 1f, 3));
        try (OnnxPolicy first = OnnxPolicy.load(model); OnnxPolicy second = OnnxPolicy.load(model);
                OnnxPolicy reference = OnnxPolicy.load(model)) {
            RolloutWorker a = new RolloutWorker("run", "w", envId, NUM_ENVS, NUM_STEPS, SEED);
            RolloutWorker b = new RolloutWorker("run", "w", envId, NUM_ENVS, NUM_STEPS, SEED);
            ReferenceWorker expected = new ReferenceWorker(envId, SEED);
            for (int batch = 0; batch < BATCHES; batch++) {
                RolloutBatch fromA = a.collect(first, 4);
                RolloutBatch fromB = b.collect(second, 4);
                assertSameContent(fromA, fromB);
                expected.collectInto(reference);
                expected.assertMatches(fromA);
            }
            assertEquals(a.envSteps(), b.envSteps());
        }
    }

    private static void assertSameContent(RolloutBatch x, RolloutBatch y) {
        assertEquals(x.sequence(), y.sequence());
        assertArrayEquals(x.observations(), y.observations());
        assertArrayEquals(x.discreteActions(), y.discreteActions());
        assertArrayEquals(x.boxActions(), y.boxActions());
        assertArrayEquals(x.logProbs(), y.logProbs());
        assertArrayEquals(x.envRewards(), y.envRewards());
        assertArrayEquals(x.flags(), y.flags());
        assertArrayEquals(x.lastObservations(), y.lastObservations());
        assertArrayEquals(x.episodeReturns(), y.episodeReturns());
        assertArrayEquals(x.episodeLengths(), y.episodeLengths());
    }

    /** The rollout loop as first written: the semantics the worker must keep, step for step. */
    private static final class ReferenceWorker {
        private final VectorEnv envs;
        private final SplittableRandom random;
        private final boolean discrete;
        private final int actionSize;
        private final double[] returns = new double[NUM_ENVS];
        private final int[] lengths = new int[NUM_ENVS];
        private final List<Float> observations = new ArrayList<>();
        private final List<Float> actions = new ArrayList<>();
        private final List<Float> logProbs = new ArrayList<>();
        private final List<Float> rewards = new ArrayList<>();
        private final List<Byte> flags = new ArrayList<>();
        private final List<Double> finishedReturns = new ArrayList<>();
        private final List<Integer> finishedLengths = new ArrayList<>();

        ReferenceWorker(String envId, long seed) {
            envs = VectorEnv.make(envId, NUM_ENVS);
            SplittableRandom seeds = new SplittableRandom(seed);
            random = seeds.split();
            discrete = envs.singleActionSpace() instanceof Discrete;
            actionSize = discrete ? 1 : envs.singleActionSpace().flatSize();
            envs.reset(seeds.nextLong() >>> 1);
        }

        void collectInto(OnnxPolicy policy) {
            observations.clear();
            actions.clear();
            logProbs.clear();
            rewards.clear();
            flags.clear();
            finishedReturns.clear();
            finishedLengths.clear();
            for (int t = 0; t < NUM_STEPS; t++) {
                float[] obs = envs.observations().clone();
                for (float v : obs) {
                    observations.add(v);
                }
                if (discrete) {
                    Discrete space = (Discrete) envs.singleActionSpace();
                    float[] logits = policy.logits(obs, NUM_ENVS);
                    int[] step = new int[NUM_ENVS];
                    for (int i = 0; i < NUM_ENVS; i++) {
                        int a = ActionSampling.sampleCategorical(logits, i * space.n(), space.n(), random);
                        actions.add((float) a);
                        logProbs.add((float) ActionSampling.categoricalLogProb(logits, i * space.n(), space.n(), a));
                        step[i] = space.start() + a;
                    }
                    envs.step(step);
                } else {
                    Box box = (Box) envs.singleActionSpace();
                    OnnxPolicy.GaussianOutputs gaussian = policy.gaussian(obs, NUM_ENVS);
                    float[] logStd = Arrays.copyOf(gaussian.logStd(), actionSize);
                    float[] step = new float[NUM_ENVS * actionSize];
                    for (int i = 0; i < NUM_ENVS; i++) {
                        float[] sampled = new float[actionSize];
                        logProbs.add((float) ActionSampling.sampleGaussian(gaussian.mean(), i * actionSize, logStd,
                                random, sampled, 0));
                        for (float v : sampled) {
                            actions.add(v);
                        }
                        ActionSampling.clip(sampled, 0, box.low(), box.high(), step, i * actionSize);
                    }
                    envs.step(step);
                }
                for (int i = 0; i < NUM_ENVS; i++) {
                    if (envs.wasReset(i)) {
                        rewards.add(0f);
                        flags.add((byte) 0);
                        continue;
                    }
                    boolean terminated = envs.terminated()[i];
                    boolean truncated = envs.truncated()[i];
                    flags.add((byte) (RolloutBatch.VALID | (terminated ? RolloutBatch.TERMINATED : 0)
                            | (truncated ? RolloutBatch.TRUNCATED : 0)));
                    rewards.add((float) envs.rewards()[i]);
                    returns[i] += envs.rewards()[i];
                    lengths[i]++;
                    if (terminated || truncated) {
                        finishedReturns.add(returns[i]);
                        finishedLengths.add(lengths[i]);
                        returns[i] = 0;
                        lengths[i] = 0;
                    }
                }
            }
        }

        void assertMatches(RolloutBatch batch) {
            assertArrayEquals(floats(observations), batch.observations());
            if (discrete) {
                int[] expected = new int[actions.size()];
                for (int k = 0; k < expected.length; k++) {
                    expected[k] = (int) (float) actions.get(k);
                }
                assertArrayEquals(expected, batch.discreteActions());
            } else {
                assertArrayEquals(floats(actions), batch.boxActions());
            }
            assertArrayEquals(floats(logProbs), batch.logProbs());
            assertArrayEquals(floats(rewards), batch.envRewards());
            byte[] expectedFlags = new byte[flags.size()];
            for (int k = 0; k < expectedFlags.length; k++) {
                expectedFlags[k] = flags.get(k);
            }
            assertArrayEquals(expectedFlags, batch.flags());
            assertArrayEquals(envs.observations(), batch.lastObservations());
            assertArrayEquals(finishedReturns.stream().mapToDouble(Double::doubleValue).toArray(), batch.episodeReturns());
            assertArrayEquals(finishedLengths.stream().mapToInt(Integer::intValue).toArray(), batch.episodeLengths());
        }

        private static float[] floats(List<Float> values) {
            float[] out = new float[values.size()];
            for (int k = 0; k < out.length; k++) {
                out[k] = values.get(k);
            }
            return out;
        }
    }
}
