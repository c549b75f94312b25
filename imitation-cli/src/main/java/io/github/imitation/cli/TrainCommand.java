package io.github.imitation.cli;

import io.github.imitation.data.DemonstrationPairs;
import io.github.imitation.data.DemonstrationValidator;
import io.github.imitation.data.DemonstrationsJsonl;
import io.github.imitation.data.NpzDemonstrations;
import io.github.imitation.data.ObservationActionPairs;
import io.github.imitation.data.Trajectory;
import io.github.imitation.algo.adversarial.AdversarialConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code imitation train}: trains a policy with one algorithm. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train a policy: ppo (env reward, or a learned --reward), bc, gail, airl, iq-learn, sqil (on --demos), dagger (--demos and --expert).",
                "Writes DIR/policy.onnx, metrics.jsonl, learning-curve.png and summary.json."})
final class TrainCommand implements Callable<Integer> {

    enum Algorithm {
        ppo, bc, gail, airl, dagger, iq_learn("iq-learn"), sqil;

        private final String id;

        Algorithm() {
            this.id = name();
        }

        Algorithm(String id) {
            this.id = id;
        }

        @Override
        public String toString() {
            return id;
        }

        /** Parses the command-line spelling ({@code iq-learn}). */
        static Algorithm of(String text) {
            for (Algorithm a : values()) {
                if (a.id.equals(text)) {
                    return a;
                }
            }
            throw new IllegalArgumentException("unknown --algo " + text + "; one of "
                    + java.util.Arrays.toString(values()));
        }
    }

    /** picocli's converter for {@link Algorithm}'s command-line spelling. */
    static final class AlgorithmConverter implements picocli.CommandLine.ITypeConverter<Algorithm> {
        @Override
        public Algorithm convert(String value) {
            return Algorithm.of(value);
        }
    }

    @Option(names = "--algo", required = true, converter = AlgorithmConverter.class,
            description = "algorithm: ${COMPLETION-CANDIDATES}")
    Algorithm algo;

    @Option(names = "--env", description = "environment: a built-in id, a plug-in id (IMITATION_ENV_PATH) or "
            + "dm-env-rpc://HOST:PORT. Only --algo bc may leave it out: it then trains on the demonstrations' own env, "
            + "or on the spaces they declare when that env is not available here (no evaluation)")
    String env;

    @Option(names = "--demos", description = "expert demonstrations (.jsonl, or .npz in HumanCompatibleAI/imitation's format)")
    Path demos;

    @Option(names = "--expert", description = "DAgger: the expert policy that labels visited states (ONNX, docs/onnx-policy.md)")
    Path expert;

    @Option(names = "--reward", description = "PPO: train on this learned reward (reward.onnx from AIRL) instead of the env's")
    Path reward;

    @Option(names = "--subsample", defaultValue = "1",
            description = "bc, gail, airl, iq-learn, sqil: keep every k-th (obs, action) pair from a random offset, as the GAIL paper (default: ${DEFAULT-VALUE})")
    int subsample;

    @Option(names = "--offline", description = "iq-learn: learn from the demonstrations alone, no env step "
            + "(gradient steps: --set offlineUpdates=N; the env only evaluates the result)")
    boolean offline;

    @Option(names = "--max-env-steps", description = "env-step budget (ppo, gail, airl: default the env's tuned budget; dagger: shared by its rollout iterations)")
    Long maxEnvSteps;

    @Mixin
    SeedOption seedOption = new SeedOption();

    @Mixin
    RunOutputOptions run = new RunOutputOptions();

    @Override
    public Integer call() throws Exception {
        CliChecks.positiveMaxEnvSteps(maxEnvSteps);
        if (subsample < 1) {
            throw new IllegalArgumentException("--subsample must be at least 1, got " + subsample);
        }
        if (reward != null && algo != Algorithm.ppo) {
            throw new IllegalArgumentException("--reward is for --algo ppo");
        }
        if (offline && algo != Algorithm.iq_learn) {
            throw new IllegalArgumentException("--offline is for --algo iq-learn"
                    + (algo == Algorithm.sqil ? " (SQIL needs the learner's own transitions)" : ""));
        }
        if (expert != null && algo != Algorithm.dagger) {
            throw new IllegalArgumentException("--expert is for --algo dagger");
        }
        long seed = seedOption.seed;
        if (env == null) {
            if (algo != Algorithm.bc) {
                throw new IllegalArgumentException("--env is required for --algo " + algo
                        + " (only bc trains without an env, on demonstrations that declare their spaces)");
            }
            System.out.println(Json.mapper().writeValueAsString(bcWithoutEnv(seed)));
            return 0;
        }
        Path out = run.out;
        boolean quiet = run.quiet;
        var settings = run.settings();
        var summary = switch (algo) {
            case ppo -> reward == null ? TrainingRuns.ppo(env, out, seed, maxEnvSteps, quiet, "ppo", settings)
                    : TrainingRuns.ppoOnLearnedReward(env, out, seed, maxEnvSteps, CliChecks.existingFile(reward, "reward"), quiet, settings);
            case bc -> {
                List<Trajectory> trajectories = requireDemonstrations();
                ObservationActionPairs pairs = DemonstrationPairs.subsample(trajectories, subsample, seed);
                yield TrainingRuns.bc(env, out, seed, pairs, quiet, settings);
            }
            case gail, airl -> TrainingRuns.adversarial(env, out, seed, requireDemonstrations(), subsample, maxEnvSteps,
                    algo == Algorithm.gail ? AdversarialConfig.Kind.GAIL : AdversarialConfig.Kind.AIRL, quiet, settings);
            case iq_learn, sqil -> TrainingRuns.offPolicy(env, out, seed, requireDemonstrations(), subsample, maxEnvSteps,
                    algo == Algorithm.sqil ? io.github.imitation.algo.offpolicy.OffPolicyConfig.Algorithm.SQIL
                            : io.github.imitation.algo.offpolicy.OffPolicyConfig.Algorithm.IQ_LEARN, offline, quiet, settings);
            case dagger -> {
                if (expert == null) {
                    throw new IllegalArgumentException("--algo dagger needs --expert FILE.onnx");
                }
                yield TrainingRuns.dagger(env, out, seed, requireDemonstrations(), CliChecks.existingFile(expert, "expert"),
                        maxEnvSteps, quiet, settings);
            }
        };
        System.out.println(Json.mapper().writeValueAsString(summary));
        return 0;
    }

    private List<Trajectory> requireDemonstrations() throws java.io.IOException {
        if (demos == null) {
            throw new IllegalArgumentException("--algo " + algo + " needs --demos FILE");
        }
        return readDemonstrations(demos, env);
    }

    /**
     * BC with no --env: on the demonstrations' env where this process has it (built-in or plug-in, and
     * evaluated there), else on the spaces the records declare, with nothing to evaluate on.
     */
    private com.fasterxml.jackson.databind.node.ObjectNode bcWithoutEnv(long seed) throws java.io.IOException {
        if (demos == null) {
            throw new IllegalArgumentException("--algo bc needs --demos FILE");
        }
        if (demos.getFileName().toString().endsWith(".npz")) {
            throw new IllegalArgumentException("an .npz file names no env: give --env");
        }
        List<Trajectory> trajectories = readDemonstrations(demos, null);
        ObservationActionPairs pairs = DemonstrationPairs.subsample(trajectories, subsample, seed);
        Trajectory first = trajectories.get(0);
        String datasetEnv = first.env();
        if (io.github.imitation.data.EnvCompatibility.isLocal(datasetEnv)) {
            return TrainingRuns.bc(datasetEnv, run.out, seed, pairs, run.quiet, run.settings());
        }
        io.github.imitation.data.EnvCompatibility.Spaces spaces = io.github.imitation.data.EnvCompatibility.spacesOf(first);
        System.err.println("train: no --env; " + datasetEnv + " is not an env of this process, so bc trains on the "
                + "declared spaces (observations " + spaces.observation() + ", actions " + spaces.action()
                + ") and nothing is evaluated");
        return TrainingRuns.bc(datasetEnv, spaces.observation(), spaces.action(), false, run.out, seed, pairs,
                run.quiet, run.settings());
    }

    /**
     * Reads and validates a demonstrations file for {@code env} (null: any env, records of an env not known
     * here declaring their spaces); any problem is an IllegalArgumentException.
     */
    static List<Trajectory> readDemonstrations(Path file, String env) throws java.io.IOException {
        CliChecks.existingFile(file, "demonstrations");
        DemonstrationValidator validator = env == null ? new DemonstrationValidator() : DemonstrationValidator.forEnv(env);
        List<Trajectory> trajectories = file.getFileName().toString().endsWith(".npz")
                ? NpzDemonstrations.read(file, env, validator).trajectories()
                : DemonstrationsJsonl.read(file, validator);
        if (trajectories.isEmpty()) {
            throw new IllegalArgumentException(file + " holds no trajectories");
        }
        return trajectories;
    }
}
