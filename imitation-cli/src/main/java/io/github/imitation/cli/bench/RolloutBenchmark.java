package io.github.imitation.cli.bench;

import io.github.imitation.env.Box;
import io.github.imitation.env.Discrete;
import io.github.imitation.env.VectorEnv;
import io.github.imitation.messages.BinaryCodec;
import io.github.imitation.messages.RolloutBatch;
import io.github.imitation.onnx.OnnxPolicy;
import io.github.imitation.rollout.RolloutWorker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Throughput of the rollout-service's actor on one thread: {@link RolloutWorker#collect} with an ONNX
 * policy (one intra-op thread), for several numbers of envs per batch, with the parts of a step timed
 * apart so a shortfall can be placed: ONNX inference alone, the vector env alone (random actions), and
 * the wire encoding of a batch ({@link BinaryCodec}) and its decoding.
 *
 * <p>Every figure is measured after a warm-up, for a fixed time, {@code repeats} times. The repeats are
 * interleaved (repeat 1 of every case, then repeat 2, ...) so that a burst of load from other processes
 * on a shared machine spreads over all cases instead of spoiling one.
 */
public final class RolloutBenchmark {

    /**
     * @param envId    the env the workers act in
     * @param numEnvs  the numbers of envs per batch to measure
     * @param numSteps steps per env per batch
     * @param warmup   time each figure runs before it is measured (JIT compilation, ONNX Runtime's first runs)
     * @param measure  time of one measurement
     * @param repeats  measurements per figure
     * @param seed     the workers' seed
     */
    public record Settings(String envId, List<Integer> numEnvs, int numSteps, Duration warmup, Duration measure,
            int repeats, long seed) {

        public Settings {
            numEnvs = List.copyOf(numEnvs);
            if (numEnvs.isEmpty() || numEnvs.stream().anyMatch(n -> n < 1)) {
                throw new IllegalArgumentException("numbers of envs must be positive, got " + numEnvs);
            }
            if (numSteps < 1 || repeats < 1 || measure.isNegative() || measure.isZero() || warmup.isNegative()) {
                throw new IllegalArgumentException("steps and repeats must be positive and the measuring time more than 0");
            }
        }
    }

    /**
     * The figures for one number of envs. Steps are vector-env steps, {@code numEnvs} per call (what
     * Gymnasium and SB3 count as timesteps); transitions leave out the entries on which next-step
     * autoreset reset an env.
     *
     * @param bytesPerBatch            size of one encoded batch
     * @param stepsPerSecond           collect: env steps per second, inference and sampling included
     * @param transitionsPerSecond     collect: transitions per second
     * @param batchesPerSecond         collect: batches per second
     * @param inferenceStepsPerSecond  ONNX inference alone: observations per second
     * @param envStepsPerSecond        the vector env alone: env steps per second
     * @param encodeBytesPerSecond     {@link BinaryCodec#encode(RolloutBatch)}: bytes per second
     * @param decodeBytesPerSecond     {@link BinaryCodec#decodeRollout}: bytes per second
     */
    public record Row(int numEnvs, int numSteps, int bytesPerBatch, Spread stepsPerSecond, Spread transitionsPerSecond,
            Spread batchesPerSecond, Spread inferenceStepsPerSecond, Spread envStepsPerSecond,
            Spread encodeBytesPerSecond, Spread decodeBytesPerSecond) {
    }

    private RolloutBenchmark() {
    }

    /**
     * Measures every number of envs of {@code settings} with the ONNX policy {@code model} (bytes of a
     * model with {@code imitation.*} metadata for the env). {@code progress} gets a line per repeat.
     */
    public static List<Row> run(byte[] model, Settings settings, Consumer<String> progress) {
        List<Case> cases = new ArrayList<>();
        try {
            for (int numEnvs : settings.numEnvs()) {
                cases.add(new Case(model, settings, numEnvs));
            }
            for (Case c : cases) {
                c.measureAll(settings.warmup(), false);
            }
            for (int r = 0; r < settings.repeats(); r++) {
                for (Case c : cases) {
                    c.measureAll(settings.measure(), true);
                }
                progress.accept("bench rollout: repeat " + (r + 1) + "/" + settings.repeats() + " done");
            }
            return cases.stream().map(Case::row).toList();
        } finally {
            cases.forEach(Case::close);
        }
    }

    /** One number of envs: its own worker, policy (ONNX buffers are per batch size) and env, and its figures. */
    private static final class Case implements AutoCloseable {
        private static final int ACTION_ROWS = 64;

        private final int numEnvs;
        private final int numSteps;
        private final RolloutWorker worker;
        private final OnnxPolicy policy;
        private final VectorEnv env;
        private final int[][] discreteActions;
        private final float[][] boxActions;
        private final float[] observations;
        private final float[] outputs;
        private final float[] logStd;
        private final RolloutBatch sample;
        private final byte[] encoded;
        private int cursor;
        /** Folds results in so that the JIT cannot drop work whose result is unused. */
        private long sink;

        private final List<Double> steps = new ArrayList<>();
        private final List<Double> transitions = new ArrayList<>();
        private final List<Double> batches = new ArrayList<>();
        private final List<Double> inference = new ArrayList<>();
        private final List<Double> envSteps = new ArrayList<>();
        private final List<Double> encode = new ArrayList<>();
        private final List<Double> decode = new ArrayList<>();

        Case(byte[] model, Settings settings, int numEnvs) {
            this.numEnvs = numEnvs;
            this.numSteps = settings.numSteps();
            this.policy = OnnxPolicy.load(model, OnnxPolicy.Options.defaults().withIntraOpThreads(1)
                    .withSeed(settings.seed()));
            if (!policy.envId().equals(settings.envId())) {
                policy.close();
                throw new IllegalArgumentException("the policy is for " + policy.envId() + ", not " + settings.envId());
            }
            this.worker = new RolloutWorker("bench-run", "bench-worker", settings.envId(), numEnvs, numSteps,
                    settings.seed());
            // A realistic batch (what the worker really produces) for the codec figures and the inference input.
            this.sample = worker.collect(policy, 1);
            this.encoded = BinaryCodec.encode(sample);
            this.observations = sample.lastObservations().clone();

            this.env = VectorEnv.make(settings.envId(), numEnvs);
            env.reset(settings.seed());
            SplittableRandom random = new SplittableRandom(settings.seed());
            if (env.singleActionSpace() instanceof Discrete discrete) {
                discreteActions = new int[ACTION_ROWS][numEnvs];
                boxActions = null;
                for (int[] row : discreteActions) {
                    for (int i = 0; i < numEnvs; i++) {
                        row[i] = discrete.start() + random.nextInt(discrete.n());
                    }
                }
                outputs = new float[numEnvs * discrete.n()];
                logStd = null;
            } else {
                Box box = (Box) env.singleActionSpace();
                int size = box.flatSize();
                discreteActions = null;
                boxActions = new float[ACTION_ROWS][numEnvs * size];
                for (float[] row : boxActions) {
                    for (int k = 0; k < row.length; k++) {
                        int j = k % size;
                        row[k] = (float) (box.low(j) + (box.high(j) - (double) box.low(j)) * random.nextDouble());
                    }
                }
                outputs = new float[numEnvs * size];
                logStd = new float[size];
            }
        }

        /** Runs every figure for {@code time}; records them only if {@code record} (else it is the warm-up). */
        void measureAll(Duration time, boolean record) {
            long stepsBefore = worker.envSteps();
            Timed collect = Timed.run(time, () -> {
                RolloutBatch batch = worker.collect(policy, 1);
                sink += batch.flags()[batch.size() - 1];
                return (long) numEnvs * numSteps;
            });
            long transitionsDone = worker.envSteps() - stepsBefore;
            Timed infer = Timed.run(time, this::inferOnce);
            Timed stepped = Timed.run(time, this::stepOnce);
            Timed encoded = Timed.run(time, this::encodeOnce);
            Timed decoded = Timed.run(time, this::decodeOnce);
            if (record) {
                steps.add(collect.perSecond());
                transitions.add(transitionsDone * 1e9 / collect.nanos());
                batches.add(collect.perSecond() / ((double) numEnvs * numSteps));
                inference.add(infer.perSecond());
                envSteps.add(stepped.perSecond());
                encode.add(encoded.perSecond());
                decode.add(decoded.perSecond());
            }
        }

        private long inferOnce() {
            if (logStd == null) {
                policy.logitsInto(observations, numEnvs, outputs);
            } else {
                policy.gaussianInto(observations, numEnvs, outputs, logStd);
            }
            sink += Float.floatToRawIntBits(outputs[outputs.length - 1]);
            return numEnvs;
        }

        private long stepOnce() {
            int row = cursor++ & (ACTION_ROWS - 1);
            if (discreteActions != null) {
                env.step(discreteActions[row]);
            } else {
                env.step(boxActions[row]);
            }
            sink += Float.floatToRawIntBits(env.observations()[0]);
            return numEnvs;
        }

        private long encodeOnce() {
            byte[] bytes = BinaryCodec.encode(sample);
            sink += bytes[bytes.length - 1];
            return bytes.length;
        }

        private long decodeOnce() {
            RolloutBatch batch = BinaryCodec.decodeRollout(encoded);
            sink += batch.numEnvs();
            return encoded.length;
        }

        Row row() {
            return new Row(numEnvs, numSteps, encoded.length, Spread.of(steps), Spread.of(transitions), Spread.of(batches),
                    Spread.of(inference), Spread.of(envSteps), Spread.of(encode), Spread.of(decode));
        }

        @Override
        public void close() {
            policy.close();
        }
    }
}
