package io.github.imitation.cli.bench;

import io.github.imitation.env.Box;
import io.github.imitation.env.Discrete;
import io.github.imitation.env.Env;
import io.github.imitation.env.EnvRegistry;
import io.github.imitation.env.VectorEnv;
import java.util.SplittableRandom;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

import java.util.concurrent.TimeUnit;

/**
 * Environment step throughput on one thread: a single time-limited env (reset on episode end, as a
 * Gymnasium loop does) and a {@link VectorEnv} of {@value #VECTOR_SIZE} copies with autoreset. Actions are
 * uniformly random, drawn from a fixed seed before the measurement so the RNG is not what is timed.
 * {@link GymnasiumStepTiming} times Gymnasium's own env with the loop of {@link #singleEnv}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class EnvStepBenchmark {

    public static final int VECTOR_SIZE = 64;
    /** Rows of pre-drawn actions, used in turn (also by {@link GymnasiumStepTiming}, Gymnasium's loop). */
    static final int ACTION_ROWS = 1024;
    private static final long ACTION_SEED = 0;

    @Param({"CartPole-v1"})
    public String envId;

    private Env env;
    private VectorEnv vectorEnv;
    private float[] observation;
    private boolean discrete;
    private int[] discreteActions;
    private float[][] boxActions;
    private int[][] vectorDiscreteActions;
    private float[][] vectorBoxActions;
    private int cursor;

    @Setup
    public void setUp() {
        env = EnvRegistry.make(envId);
        observation = new float[env.observationSize()];
        env.resetInto(0L, observation);
        vectorEnv = VectorEnv.make(envId, VECTOR_SIZE);
        vectorEnv.reset(0L);
        SplittableRandom random = new SplittableRandom(ACTION_SEED);
        discrete = env.actionSpace() instanceof Discrete;
        if (discrete) {
            int n = ((Discrete) env.actionSpace()).n();
            discreteActions = new int[ACTION_ROWS];
            vectorDiscreteActions = new int[ACTION_ROWS][VECTOR_SIZE];
            for (int r = 0; r < ACTION_ROWS; r++) {
                discreteActions[r] = random.nextInt(n);
                for (int i = 0; i < VECTOR_SIZE; i++) {
                    vectorDiscreteActions[r][i] = random.nextInt(n);
                }
            }
        } else {
            Box box = (Box) env.actionSpace();
            int size = box.flatSize();
            boxActions = new float[ACTION_ROWS][size];
            vectorBoxActions = new float[ACTION_ROWS][VECTOR_SIZE * size];
            for (int r = 0; r < ACTION_ROWS; r++) {
                for (int j = 0; j < size; j++) {
                    boxActions[r][j] = uniform(random, box, j);
                }
                for (int k = 0; k < VECTOR_SIZE * size; k++) {
                    vectorBoxActions[r][k] = uniform(random, box, k % size);
                }
            }
        }
    }

    private static float uniform(SplittableRandom random, Box box, int j) {
        return (float) (box.low(j) + (box.high(j) - (double) box.low(j)) * random.nextDouble());
    }

    @Benchmark
    public void singleEnv(Blackhole blackhole) {
        int row = cursor++ & (ACTION_ROWS - 1);
        if (discrete) {
            env.stepInto(discreteActions[row], observation);
        } else {
            env.stepInto(boxActions[row], observation);
        }
        blackhole.consume(env.reward());
        if (env.terminated() || env.truncated()) {
            env.resetInto(null, observation);
        }
        blackhole.consume(observation[0]);
    }

    @Benchmark
    @OperationsPerInvocation(VECTOR_SIZE)
    public void vectorEnv(Blackhole blackhole) {
        int row = cursor++ & (ACTION_ROWS - 1);
        if (discrete) {
            vectorEnv.step(vectorDiscreteActions[row]);
        } else {
            vectorEnv.step(vectorBoxActions[row]);
        }
        blackhole.consume(vectorEnv.observations()[0]);
        blackhole.consume(vectorEnv.rewards()[VECTOR_SIZE - 1]);
    }
}
