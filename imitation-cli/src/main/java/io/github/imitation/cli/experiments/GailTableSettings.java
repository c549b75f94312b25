package io.github.imitation.cli.experiments;

import io.github.imitation.cli.Json;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.imitation.algo.ConfigOverrides;
import io.github.imitation.algo.adversarial.AdversarialConfig;
import io.github.imitation.algo.adversarial.AdversarialDefaults;
import io.github.imitation.algo.bc.BcConfig;
import io.github.imitation.algo.dagger.DaggerConfig;
import io.github.imitation.eval.PublishedResults;
import java.util.Arrays;
import io.github.imitation.algo.offpolicy.OffPolicyConfig;
import io.github.imitation.algo.offpolicy.OffPolicyDefaults;
import java.util.List;
import java.util.Map;

/**
 * What every cell of {@code experiments gail-table} runs with, for the full run and for {@code --quick}.
 * One place for the budgets, so the command, results.json and docs/results/gail-table.md agree.
 *
 * <p>Full run: the four envs × {expert, random, BC, GAIL, AIRL, DAgger} × 1, 4, 7 and 10 trajectories ×
 * 5 seeds × 50 evaluation episodes, two cells at a time (one per core; each learner uses one thread), sized
 * to finish in 90 minutes on the 2-core development machine with the experts cached. GAIL and AIRL use the
 * tuned per-env defaults ({@link AdversarialDefaults}) with the env-step budgets (and, on Acrobot, GAIL's
 * narrower generator from 4 trajectories) of {@link #full}: GAIL gets what its paper row needs (more with one
 * trajectory), AIRL what is left; the learning curves in the output
 * show whether a budget suffices. Quick: CartPole-v1 only, one seed, a few thousand env steps per
 * adversarial run and five evaluation episodes, a smoke test of the whole command (its numbers mean nothing).
 *
 * @param quick                   whether these are the quick settings
 * @param seeds                   seeds per cell
 * @param episodes                evaluation episodes per seed
 * @param jobs                    cells trained at once
 * @param envs                    envs, in table order
 * @param trajectories            expert trajectory counts (the paper's columns)
 * @param algos                   what runs, in {@link #ALGOS} order: expert and random (they set each env's level)
 *                                and the chosen {@link #LEARNERS}
 */
record GailTableSettings(boolean quick, int seeds, int episodes, int jobs, List<String> envs, List<Integer> trajectories,
        List<String> algos) {

    static final List<String> ENVS = List.of("CartPole-v0", "CartPole-v1", "Acrobot-v1", "MountainCar-v0");
    static final List<String> QUICK_ENVS = List.of("CartPole-v1");
    static final List<String> ALGOS = List.of("expert", "random", "bc", "gail", "airl", "dagger", "iq-learn", "sqil");
    /** The learners, the table's rows. */
    static final List<String> LEARNERS = List.of("bc", "gail", "airl", "dagger", "iq-learn", "sqil");

    GailTableSettings {
        envs = List.copyOf(envs);
        trajectories = List.copyOf(trajectories);
        algos = List.copyOf(algos);
    }

    /**
     * The runs' algorithms for these learners: expert and random first (every env's level and the table's
     * reference rows come from them), then the learners in table order.
     *
     * @throws IllegalArgumentException for an unknown learner or one named twice
     */
    static List<String> algosFor(List<String> learners) {
        for (String learner : learners) {
            if (!LEARNERS.contains(learner)) {
                throw new IllegalArgumentException("--algos: unknown learner '" + learner + "' (one of "
                        + String.join(", ", LEARNERS) + ")");
            }
        }
        if (learners.stream().distinct().count() != learners.size()) {
            throw new IllegalArgumentException("--algos lists a learner twice");
        }
        return ALGOS.stream().filter(a -> !LEARNERS.contains(a) || learners.contains(a)).toList();
    }

    /**
     * "Env steps to expert level": the level is the expert's mean minus this fraction of the expert–random gap
     * (CartPole-v1: 500 − 0.05 × 478 ≈ 476), so that a learner at the expert's level up to evaluation noise counts.
     */
    static final double LEVEL_TOLERANCE = 0.05;

    static final int SEEDS = 5;
    static final int QUICK_SEEDS = 1;
    static final int EPISODES = 50;
    static final int QUICK_EPISODES = 5;
    static final int JOBS = 2;

    /**
     * Per-env budgets of the learners.
     *
     * @param gailSteps               env steps of each GAIL run (the generator's PPO budget) with 4 or more
     *                                trajectories
     * @param gailOneTrajectorySteps  the same with one trajectory: a dozen or two expert pairs give the
     *                                discriminator the least to go on, and those cells take longest to settle
     * @param airlSteps               env steps of each AIRL run (AIRL has no paper row to meet; what is left of
     *                                the 90 minutes after GAIL)
     * @param daggerIterations        DAgger iterations, iteration 0 (BC on the demonstrations) included
     * @param daggerStepsPerIteration env steps of the β-mixture rollouts in each later DAgger iteration
     * @param bcMaxEpochs             BC's epoch cap (early stopping usually ends it sooner)
     * @param daggerBcMaxEpochs       the epoch cap of DAgger's BC retraining, which fits the whole (not subsampled)
     *                                and growing dataset each iteration and so costs far more per epoch
     * @param gailGeneratorWidth      GAIL's generator with 4 or more trajectories: the width of its two hidden
     *                                layers, or 0 for the defaults' generator (one trajectory always has the
     *                                defaults'); a narrower one where it meets the paper's row in less time
     * @param offPolicySteps          env steps of each IQ-Learn and SQIL run (the off-policy issue's budgets)
     */
    record Budget(long gailSteps, long gailOneTrajectorySteps, long airlSteps, int daggerIterations,
            int daggerStepsPerIteration, int bcMaxEpochs, int daggerBcMaxEpochs, int gailGeneratorWidth,
            long offPolicySteps) {

        long adversarialStepsFor(AdversarialConfig.Kind kind, int trajectories) {
            if (kind == AdversarialConfig.Kind.AIRL) {
                return airlSteps;
            }
            return trajectories == 1 ? gailOneTrajectorySteps : gailSteps;
        }

        /** The generator width this budget sets for a cell, or 0 where the cell keeps the defaults' generator. */
        int generatorWidthFor(AdversarialConfig.Kind kind, int trajectories) {
            return kind == AdversarialConfig.Kind.GAIL && trajectories > 1 ? gailGeneratorWidth : 0;
        }
    }

    /** The full run's budgets (docs/results/gail-table.md tables them with the expected wall time). */
    static Budget full(String env) {
        return switch (env) {
            case "CartPole-v0" -> new Budget(100_000, 300_000, 100_000, 3, 1_000, BC_EPOCHS, 50, 0, 20_000);
            case "CartPole-v1" -> new Budget(100_000, 100_000, 100_000, 3, 1_000, BC_EPOCHS, 50, 0, 20_000);
            // Acrobot's GAIL: the defaults' 256×256 generator with one trajectory, 128×128 (half the cost per env
            // step) with more, where it meets the paper's row too (docs/results/gail-table.md has the probes).
            case "Acrobot-v1" -> new Budget(1_000_000, 1_000_000, 300_000, 3, 1_000, BC_EPOCHS, 50, 128, 50_000);
            case "MountainCar-v0" -> new Budget(1_000_000, 1_000_000, 500_000, 3, 1_000, BC_EPOCHS, 50, 0, 100_000);
            default -> new Budget(300_000, 300_000, 300_000, 3, 1_000, BC_EPOCHS, 50, 0, 50_000);
        };
    }

    /** Quick budgets: two PPO rollouts or 4,096 env steps, whichever is more; a short DAgger and BC. */
    static Budget quick(String env) {
        int rollout = AdversarialDefaults.forEnv(env, AdversarialConfig.Kind.GAIL).ppo().rolloutSize();
        long steps = Math.max(4_096, 2L * rollout);
        return new Budget(steps, steps, steps, 2, 256, 20, 10, 0, 3_000);
    }

    private static final int BC_EPOCHS = PaperProtocol.bcConfig().maxEpochs();

    Budget budget(String env) {
        return quick ? quick(env) : full(env);
    }

    int subsample(String env) {
        return PublishedResults.paperSubsampling(env);
    }

    BcConfig bc(String env) {
        return ConfigOverrides.apply(PaperProtocol.bcConfig(), Map.of("maxEpochs", Integer.toString(budget(env).bcMaxEpochs())));
    }

    /** DAgger's BC fits whole trajectories plus its own labels, enough pairs for the usual early stopping. */
    private static BcConfig daggerBc(int maxEpochs) {
        return ConfigOverrides.apply(BcConfig.defaults(), Map.of("maxEpochs", Integer.toString(maxEpochs)));
    }

    AdversarialConfig adversarial(String env, AdversarialConfig.Kind kind, int trajectories) {
        Budget budget = budget(env);
        AdversarialConfig config = AdversarialDefaults.forEnv(env, kind).withPpoBudget(budget.adversarialStepsFor(kind, trajectories));
        int width = budget.generatorWidthFor(kind, trajectories);
        return width == 0 ? config : config.withGeneratorHiddenSizes(width, width);
    }

    /** Greedy evaluations while GAIL and AIRL train, for "env steps to expert level": about 25 per run. */
    long adversarialEvaluationInterval(String env, AdversarialConfig.Kind kind, int trajectories) {
        return Math.max(1, budget(env).adversarialStepsFor(kind, trajectories) / 25);
    }

    /** IQ-Learn or SQIL online with their defaults for the env, the table's budget and the paper's subsampling. */
    OffPolicyConfig offPolicy(String env, String algo) {
        OffPolicyConfig.Algorithm a = algo.equals("sqil") ? OffPolicyConfig.Algorithm.SQIL : OffPolicyConfig.Algorithm.IQ_LEARN;
        return OffPolicyDefaults.forEnv(env, a, false).withTotalEnvSteps(budget(env).offPolicySteps())
                .withSubsample(subsample(env));
    }

    /** DAgger without its per-iteration evaluation: the cell's own evaluation of the last learner is the result. */
    DaggerConfig dagger(String env) {
        Budget budget = budget(env);
        return DaggerConfig.defaults().withIterations(budget.daggerIterations())
                .withStepsPerIteration(budget.daggerStepsPerIteration()).withBc(daggerBc(budget.daggerBcMaxEpochs()))
                .withEvaluationEpisodes(0);
    }

    /** The settings of one (env, algorithm) cell as results.json records them. */
    ObjectNode describe(String env, String algo) {
        ObjectNode node = Json.mapper().createObjectNode();
        node.put("evaluation_episodes_per_seed", episodes);
        switch (algo) {
            case "expert" -> node.put("policy", "cached PPO expert (best of " + io.github.imitation.algo.ppo.BestPolicyTracker.EXPERT_EVALUATIONS
                    + " evaluations during training), greedy");
            case "random" -> node.put("policy", "uniformly random actions");
            case "bc" -> {
                BcConfig bc = bc(env);
                node.put("subsample", subsample(env));
                node.put("max_epochs", bc.maxEpochs());
                node.put("validation_fraction", bc.validationFraction());
                node.put("patience", bc.patience());
                node.put("batch_size", bc.batchSize());
                node.put("learning_rate", bc.learningRate());
            }
            case "gail", "airl" -> {
                AdversarialConfig.Kind kind = AdversarialConfig.Kind.valueOf(algo.toUpperCase());
                AdversarialConfig config = adversarial(env, kind, 4);
                node.put("subsample", subsample(env));
                node.put("env_step_budget", config.ppo().totalTimesteps());
                node.put("env_step_budget_1_trajectory", budget(env).adversarialStepsFor(kind, 1));
                node.put("ppo_envs", config.ppo().numEnvs());
                node.put("ppo_steps_per_env", config.ppo().numSteps());
                node.put("discriminator_steps_per_rollout", config.discriminatorSteps());
                node.put("expert_pairs_per_discriminator_step", config.expertPairsPerStep());
                node.put("ppo_minibatches", config.ppo().numMinibatches());
                node.put("ppo_epochs", config.ppo().updateEpochs());
                node.put("ppo_hidden_sizes", Arrays.toString(config.ppo().hiddenSizes()));
                node.put("ppo_hidden_sizes_1_trajectory", Arrays.toString(adversarial(env, kind, 1).ppo().hiddenSizes()));
                node.put("discriminator_warmup_steps", config.warmupSteps());
                if (kind == AdversarialConfig.Kind.GAIL) {
                    node.put("reward_form", config.rewardForm().formula());
                }
            }
            case "dagger" -> {
                DaggerConfig config = dagger(env);
                node.put("demonstrations", "the n trajectories, not subsampled (iteration 0 is BC on them)");
                node.put("iterations", config.iterations());
                node.put("steps_per_iteration", config.stepsPerIteration());
                node.put("beta_decay", config.betaDecay());
                node.put("bc_max_epochs", config.bc().maxEpochs());
            }
            case "iq-learn", "sqil" -> {
                OffPolicyConfig config = offPolicy(env, algo);
                node.put("subsample", subsample(env));
                node.put("env_step_budget", config.totalEnvSteps());
                node.put("objective", algo.equals("sqil") ? "SQIL (soft Q-learning, expert reward 1, learner 0)"
                        : "IQ-Learn (inverse soft-Q, chi-squared regularizer)");
                node.put("defaults", "OffPolicyDefaults for the env (online)");
                node.put("evaluation_interval", config.evalInterval());
            }
            default -> throw new IllegalArgumentException("unknown algorithm " + algo);
        }
        return node;
    }
}
