package io.github.imitation.algo.ppo;

import static io.github.imitation.testing.FastPathChecks.withLearner;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Times the PPO update alone (advantages, epochs of minibatch steps) with the DJL and the plain-Java learner on
 * the same rollout, in alternating rounds so that a noisy machine affects both alike. Not a test: run it with
 * {@code java -cp <test classpath> io.github.imitation.algo.ppo.PpoUpdateBenchmark [envId] [rounds] [hidden sizes]},
 * e.g. {@code Acrobot-v1 3 256,256} for GAIL's Acrobot generator.
 */
public final class PpoUpdateBenchmark {

    private PpoUpdateBenchmark() {
    }

    public static void main(String[] args) {
        String envId = args.length > 0 ? args[0] : "CartPole-v1";
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        PpoConfig defaults = PpoDefaults.forEnv(envId);
        PpoConfig config = args.length > 2
                ? defaults.withHiddenSizes(Arrays.stream(args[2].split(",")).mapToInt(Integer::parseInt).toArray())
                : defaults;
        Ppo collector = withLearner("fast", () -> new Ppo(envId, config, 1));
        // A rollout from a policy that has learnt something (the data of a typical update).
        for (int u = 0; u < 20; u++) {
            collector.update(collector.collect());
        }
        Rollout rollout = collector.collect();
        int valid = 0;
        for (boolean v : rollout.valid) {
            valid += v ? 1 : 0;
        }
        Ppo djl = withLearner("djl", () -> new Ppo(envId, config, 2));
        Ppo fast = withLearner("fast", () -> new Ppo(envId, config, 2));
        int updatesPerRound = Math.max(3, (int) (200_000 / ((long) config.updateEpochs() * valid)));
        List<Double> djlRates = new ArrayList<>();
        List<Double> fastRates = new ArrayList<>();
        for (int warm = 0; warm < 2; warm++) {
            time(djl, rollout, updatesPerRound);
            time(fast, rollout, updatesPerRound);
        }
        for (int round = 0; round < rounds; round++) {
            djlRates.add(valid * updatesPerRound / time(djl, rollout, updatesPerRound));
            fastRates.add(valid * updatesPerRound / time(fast, rollout, updatesPerRound));
        }
        double djlMedian = median(djlRates);
        double fastMedian = median(fastRates);
        System.out.printf(Locale.ROOT, "%s PPO update alone, hidden %s (%d env steps per update, %d epochs x %d minibatches):%n",
                envId, Arrays.toString(config.hiddenSizes()), valid, config.updateEpochs(), config.numMinibatches());
        System.out.printf(Locale.ROOT, "  djl : %,.0f env steps/s (median of %d rounds; all %s)%n", djlMedian, rounds,
                format(djlRates));
        System.out.printf(Locale.ROOT, "  fast: %,.0f env steps/s (median of %d rounds; all %s)%n", fastMedian, rounds,
                format(fastRates));
        System.out.printf(Locale.ROOT, "  speed-up %.1fx%n", fastMedian / djlMedian);
        collector.close();
        djl.close();
        fast.close();
    }

    private static double time(Ppo ppo, Rollout rollout, int updates) {
        long start = System.nanoTime();
        for (int u = 0; u < updates; u++) {
            ppo.update(rollout);
        }
        return (System.nanoTime() - start) / 1e9;
    }

    private static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return sorted[sorted.length / 2];
    }

    private static String format(List<Double> values) {
        return Arrays.toString(values.stream().mapToLong(Math::round).toArray());
    }

}
