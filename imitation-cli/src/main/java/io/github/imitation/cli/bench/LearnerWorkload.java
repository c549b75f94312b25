package io.github.imitation.cli.bench;

import io.github.imitation.algo.adversarial.AdversarialConfig;
import io.github.imitation.algo.adversarial.AdversarialDefaults;
import io.github.imitation.algo.adversarial.Discriminator;
import io.github.imitation.algo.bc.BcConfig;
import io.github.imitation.algo.bc.BehaviorCloning;
import io.github.imitation.algo.ppo.Ppo;
import io.github.imitation.algo.ppo.PpoConfig;
import io.github.imitation.algo.ppo.PpoDefaults;
import io.github.imitation.algo.ppo.PpoUpdate;
import io.github.imitation.data.DemonstrationPairs;
import io.github.imitation.data.DemonstrationsJsonl;
import io.github.imitation.data.ObservationActionPairs;
import io.github.imitation.data.Trajectory;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * One learner workload of {@code bench learner}, run in a JVM of its own and timed there: PPO, GAIL or AIRL for a
 * fixed env-step budget with the env's default hyperparameters, or BC for a fixed number of epochs. Prints one
 * line of JSON with the whole run's wall time and the time spent in updates.
 *
 * <p>It uses only public API that the code had when issue 19 was filed (commit 2d9f79b), so {@code bench learner}
 * compiles this very file against an older build of the project and runs it there too: "before" and "after" run
 * the same workload. Keep it so (only imitation-core and the JDK; no API newer than that commit).
 *
 * <p>What "update" means: for PPO, the PPO update of each rollout; for GAIL and AIRL, the discriminator round
 * (training and relabelling) plus the PPO update; what remains of a whole run is collecting the rollouts. For
 * BC, the whole training call (there are no env steps); its figures are expert pairs per second.
 *
 * <p>Usage: {@code LearnerWorkload ALGO ENV STEPS_OR_EPOCHS SEED [DEMOS.jsonl]}.
 */
public final class LearnerWorkload {

    private LearnerWorkload() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            throw new IllegalArgumentException("usage: LearnerWorkload ppo|gail|airl|bc ENV STEPS_OR_EPOCHS SEED [DEMOS.jsonl]");
        }
        String algo = args[0];
        String env = args[1];
        long budget = Long.parseLong(args[2]);
        long seed = Long.parseLong(args[3]);
        List<Trajectory> demos = args.length > 4 ? DemonstrationsJsonl.read(Path.of(args[4])) : List.of();
        long[] updateNanos = {0};
        long[] mark = {0};
        double[] lastReturn = {Double.NaN};
        long envSteps;
        long samples = 0;
        long start = System.nanoTime();
        switch (algo) {
            case "ppo" -> {
                PpoConfig config = PpoDefaults.forEnv(env).withTotalTimesteps(budget);
                try (Ppo ppo = new Ppo(env, config, seed)) {
                    // the relabeler is called between collecting a rollout and updating on it: it only marks the time
                    ppo.train(rollout -> mark[0] = System.nanoTime(), update -> {
                        updateNanos[0] += System.nanoTime() - mark[0];
                        lastReturn[0] = update.recentReturn();
                    });
                    envSteps = ppo.envSteps();
                }
            }
            case "gail", "airl" -> {
                AdversarialConfig.Kind kind = algo.equals("gail") ? AdversarialConfig.Kind.GAIL : AdversarialConfig.Kind.AIRL;
                AdversarialConfig config = AdversarialDefaults.forEnv(env, kind).withPpoBudget(budget);
                // As AdversarialImitation builds and runs them, with the time of each round taken apart.
                SplittableRandom random = new SplittableRandom(seed);
                try (Ppo ppo = new Ppo(env, config.ppo(), random.nextLong() >>> 1);
                        Discriminator discriminator = new Discriminator(env, demos, 1, config, seed, random)) {
                    ppo.train(rollout -> {
                        mark[0] = System.nanoTime();
                        discriminator.trainAndRelabel(rollout, ppo::logProbabilities);
                    }, (PpoUpdate update) -> {
                        updateNanos[0] += System.nanoTime() - mark[0];
                        lastReturn[0] = update.recentReturn();
                    });
                    envSteps = ppo.envSteps();
                }
            }
            case "bc" -> {
                ObservationActionPairs pairs = DemonstrationPairs.all(demos);
                BcConfig d = BcConfig.defaults();
                int epochs = (int) budget;
                // a fixed amount of work: no early stopping
                BcConfig config = new BcConfig(d.hiddenSizes(), d.activation(), d.batchSize(), d.learningRate(), epochs,
                        epochs, d.validationFraction(), d.entropyWeight(), d.l2Weight(), d.boxLoss(), d.initialLogStd());
                long t0 = System.nanoTime();
                BehaviorCloning.train(env, pairs, config, seed, epoch -> lastReturn[0] = epoch.validationLoss());
                updateNanos[0] = System.nanoTime() - t0;
                envSteps = 0;
                samples = (long) pairs.size() * epochs;
            }
            default -> throw new IllegalArgumentException("algo must be ppo, gail, airl or bc, got " + algo);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.println(String.format(Locale.ROOT,
                "{\"algo\":\"%s\",\"env\":\"%s\",\"env_steps\":%d,\"samples\":%d,\"seconds\":%.4f,\"update_seconds\":%.4f,"
                        + "\"last\":%s}",
                algo, env, envSteps, samples, seconds, updateNanos[0] / 1e9,
                Double.isFinite(lastReturn[0]) ? String.format(Locale.ROOT, "%.3f", lastReturn[0]) : "null"));
    }
}
