package io.github.imitation.messages;

import io.github.imitation.algo.offpolicy.OffPolicyConfig;
import io.github.imitation.algo.offpolicy.OffPolicyDefaults;

import io.github.imitation.algo.ConfigOverrides;
import io.github.imitation.algo.adversarial.AdversarialConfig;
import io.github.imitation.algo.adversarial.AdversarialDefaults;
import io.github.imitation.algo.ppo.PpoConfig;
import io.github.imitation.algo.ppo.PpoDefaults;
import io.github.imitation.env.EnvConnectionException;
import io.github.imitation.env.EnvRegistry;
import io.github.imitation.env.remote.RemoteEnvs;
import java.util.Map;
import java.util.Set;

/**
 * What a user asks for with {@code POST /api/v1/runs}; published on {@code il.runs} so that every
 * service derives the same settings from it. The hyperparameters are the per-env defaults of
 * {@link PpoDefaults} / {@link AdversarialDefaults} with {@code overrides} applied, computed here and
 * nowhere else.
 *
 * @param runId          unique run id
 * @param env            environment id; null only for {@code bc} on a dataset whose records declare their
 *                       spaces and whose env this process does not have (a dataset without a simulator):
 *                       the policy is trained on those spaces and not evaluated
 * @param algo           ppo, gail, airl, bc, dagger, iq-learn or sqil
 * @param dataset        demonstrations dataset id (the key on {@code il.demonstrations}); required except for ppo
 * @param expert         expert id in expert-service (dagger's labeller)
 * @param maxEnvSteps    env-step budget (null: the algorithm's default for the env)
 * @param seed           seed of every random choice of the run
 * @param subsample      keep every k-th expert transition from a random offset, as in the GAIL paper
 * @param maxDemonstrations use at most this many trajectories of the dataset (null: all)
 * @param maxPolicyLag   versions a rollout batch's policy may lag behind the learner's
 * @param evaluationEpisodes episodes of each periodic evaluation
 * @param overrides      hyperparameter overrides, {@code field=value} as {@link ConfigOverrides} reads them
 */
public record RunSpec(String runId, String env, String algo, String dataset, String expert, Long maxEnvSteps, long seed,
        int subsample, Integer maxDemonstrations, int maxPolicyLag, int evaluationEpisodes, Map<String, String> overrides) {

    public static final Set<String> ALGORITHMS = Set.of("ppo", "gail", "airl", "bc", "dagger", "iq-learn", "sqil");

    public RunSpec {
        if (runId == null || runId.isBlank() || !runId.matches("[A-Za-z0-9._-]{1,100}")) {
            throw new IllegalArgumentException("run id must be 1-100 letters, digits, '.', '_' or '-', got " + runId);
        }
        if (algo == null || !ALGORITHMS.contains(algo)) {
            throw new IllegalArgumentException("algo must be one of " + ALGORITHMS + ", got " + algo);
        }
        if (env == null && !algo.equals("bc")) {
            throw new IllegalArgumentException("env is required for algo " + algo + " (one of " + EnvRegistry.ids()
                    + ", or dm-env-rpc://HOST:PORT); only bc trains without an env, on a dataset whose records declare"
                    + " their spaces");
        }
        if (env != null) {
            EnvRegistry.spec(env);
        }
        if (!algo.equals("ppo") && (dataset == null || dataset.isBlank())) {
            throw new IllegalArgumentException(algo + " needs a demonstrations dataset");
        }
        if (algo.equals("dagger") && (expert == null || expert.isBlank())) {
            throw new IllegalArgumentException("dagger needs an expert (an expert id of expert-service)");
        }
        if (maxEnvSteps != null && maxEnvSteps <= 0) {
            throw new IllegalArgumentException("max_env_steps must be positive, got " + maxEnvSteps);
        }
        if (subsample < 1) {
            throw new IllegalArgumentException("subsample must be at least 1, got " + subsample);
        }
        if (maxDemonstrations != null && maxDemonstrations < 1) {
            throw new IllegalArgumentException("max_demonstrations must be at least 1, got " + maxDemonstrations);
        }
        if (maxPolicyLag < 0) {
            throw new IllegalArgumentException("max_policy_lag must be >= 0, got " + maxPolicyLag);
        }
        if (evaluationEpisodes < 1) {
            throw new IllegalArgumentException("evaluation_episodes must be at least 1, got " + evaluationEpisodes);
        }
        overrides = overrides == null ? Map.of() : Map.copyOf(overrides);
        // Fail at creation, not later in a service, on an unknown or malformed override. A remote env's
        // defaults depend on its spaces, which only its server knows: checkEnv() does it for those.
        if (env == null || !RemoteEnvs.isRemote(env)) {
            checkOverrides(algo, env, overrides);
        }
    }

    /** This spec for {@code newEnv} (the run API fills in a BC run's env from its dataset). */
    public RunSpec withEnv(String newEnv) {
        return new RunSpec(runId, newEnv, algo, dataset, expert, maxEnvSteps, seed, subsample, maxDemonstrations,
                maxPolicyLag, evaluationEpisodes, overrides);
    }

    /** Whether the run has an env to evaluate on (false: BC on a dataset's declared spaces). */
    public boolean hasEnv() {
        return env != null;
    }

    private static void checkOverrides(String algo, String env, Map<String, String> overrides) {
        if (algo.equals("gail") || algo.equals("airl")) {
            ConfigOverrides.apply(AdversarialDefaults.forEnv(env, AdversarialConfig.Kind.GAIL), overrides);
        } else if (algo.equals("ppo")) {
            ConfigOverrides.apply(PpoDefaults.forEnv(env), overrides);
        } else if (algo.equals("bc")) {
            ConfigOverrides.apply(io.github.imitation.algo.bc.BcConfig.defaults(), overrides);
        } else if (algo.equals("iq-learn") || algo.equals("sqil")) {
            ConfigOverrides.apply(OffPolicyDefaults.forEnv(env, offPolicyAlgorithm(algo), false), overrides);
        }
    }

    private static OffPolicyConfig.Algorithm offPolicyAlgorithm(String algo) {
        return algo.equals("sqil") ? OffPolicyConfig.Algorithm.SQIL : OffPolicyConfig.Algorithm.IQ_LEARN;
    }

    /**
     * Where the run is created (the run API, {@code up}): makes sure the env can be used now — a remote
     * env's server is reached for its spaces (kept for the rest of the process) and the overrides are
     * checked against its defaults. An unreachable server is an {@link IllegalArgumentException} naming
     * it and why, so the run is refused at creation instead of failing later.
     */
    public void checkEnv() {
        if (env == null) {
            return;
        }
        try {
            EnvRegistry.spec(env).observationSpace();
        } catch (EnvConnectionException e) {
            throw new IllegalArgumentException("the env " + env + " cannot be used: " + e.getMessage(), e);
        }
        checkOverrides(algo, env, overrides);
    }

    /** Whether a discriminator scores the run's rollouts (GAIL, AIRL). */
    public boolean adversarial() {
        return algo.equals("gail") || algo.equals("airl");
    }

    /** Whether the run learns off-policy from rollouts kept in a replay buffer (IQ-Learn, SQIL). */
    public boolean offPolicy() {
        return algo.equals("iq-learn") || algo.equals("sqil");
    }

    /** Whether the run learns from rollouts (PPO, GAIL, AIRL, IQ-Learn, SQIL), as opposed to BC and DAgger. */
    public boolean usesRollouts() {
        return adversarial() || offPolicy() || algo.equals("ppo");
    }

    /** IQ-Learn / SQIL settings: the env's defaults, the overrides, the budget. */
    public OffPolicyConfig offPolicyConfig() {
        OffPolicyConfig config = ConfigOverrides.apply(OffPolicyDefaults.forEnv(env, offPolicyAlgorithm(algo), false), overrides);
        return maxEnvSteps == null ? config : config.withTotalEnvSteps(maxEnvSteps);
    }

    /** Parallel envs of each rollout batch (off-policy runs: a few, so that batches are small and versions frequent). */
    public int rolloutEnvs() {
        return offPolicy() ? OFF_POLICY_ROLLOUT_ENVS : ppoConfig().numEnvs();
    }

    /** Steps per env of each rollout batch. */
    public int rolloutSteps() {
        return offPolicy() ? OFF_POLICY_ROLLOUT_STEPS : ppoConfig().numSteps();
    }

    /** The run's env-step budget (0 for runs without rollouts). */
    public long envStepBudget() {
        if (offPolicy()) {
            return offPolicyConfig().totalEnvSteps();
        }
        return usesRollouts() ? ppoConfig().totalTimesteps() : 0;
    }

    /**
     * An off-policy run's rollout batches: 4 envs × 16 steps, so that the policy acting is at most 64 updates
     * behind (one update per env step) and each batch is a few kilobytes.
     */
    static final int OFF_POLICY_ROLLOUT_ENVS = 4;
    static final int OFF_POLICY_ROLLOUT_STEPS = 16;

    /** GAIL / AIRL settings: the env's defaults, the overrides, the budget. */
    public AdversarialConfig adversarialConfig() {
        AdversarialConfig.Kind kind = algo.equals("airl") ? AdversarialConfig.Kind.AIRL : AdversarialConfig.Kind.GAIL;
        AdversarialConfig config = ConfigOverrides.apply(AdversarialDefaults.forEnv(env, kind), overrides);
        return maxEnvSteps == null ? config : config.withPpoBudget(maxEnvSteps);
    }

    /** The PPO settings of the learner and the rollout workers (the generator's for GAIL / AIRL). */
    public PpoConfig ppoConfig() {
        if (offPolicy()) {
            throw new IllegalStateException("run " + runId + " (" + algo + ") has no PPO settings: see offPolicyConfig()");
        }
        if (adversarial()) {
            return adversarialConfig().ppo();
        }
        PpoConfig config = ConfigOverrides.apply(PpoDefaults.forEnv(env), overrides);
        return maxEnvSteps == null ? config : config.withTotalTimesteps(maxEnvSteps);
    }
}
