package io.github.imitation.examples.envplugin;

import io.github.imitation.env.Env;
import io.github.imitation.env.Step;
import java.util.SplittableRandom;

/**
 * Hand-written controllers for {@code Thermostat-v0} and a runner for whole episodes. They see only the
 * {@link Env} interface, so the plug-in test (which loads the env from the jar) uses them too.
 */
final class Controllers {

    /** A controller: the heater action (0 off, 1 half, 2 full) for an observation. */
    interface Controller {
        int act(float[] observation, SplittableRandom random);
    }

    static final int OFF = 0;
    static final int HALF = 1;
    static final int FULL = 2;

    /** Uniformly random actions (from the runner's own generator, seeded per episode). */
    static final Controller RANDOM = (obs, random) -> random.nextInt(3);
    static final Controller ALWAYS_OFF = (obs, random) -> OFF;
    static final Controller ALWAYS_FULL = (obs, random) -> FULL;
    /** On/off: full power below the set point, off above it. */
    static final Controller BANG_BANG = (obs, random) -> obs[0] < 0f ? FULL : OFF;
    /** Three levels: full below −0.1 °C, off above +0.1 °C, half in between. */
    static final Controller THREE_LEVEL = (obs, random) -> obs[0] < -0.1f ? FULL : obs[0] > 0.1f ? OFF : HALF;

    /**
     * The return of {@link #BANG_BANG} from {@code reset(0)}, to the last bit: the plug-in test checks that
     * the env loaded from the jar is this env.
     */
    static final double BANG_BANG_RETURN_SEED_0 = -41.317229536197516;

    private Controllers() {
    }

    /** The return of one episode of {@code env} (with its time limit) from {@code reset(seed)}. */
    static double episodeReturn(Env env, long seed, Controller controller) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] observation = env.reset(seed).observation();
        double episodeReturn = 0.0;
        for (int steps = 0; ; steps++) {
            if (steps > 10_000) {
                throw new AssertionError(env.id() + ": the episode did not end (is the time limit missing?)");
            }
            Step step = env.step(controller.act(observation, random));
            episodeReturn += step.reward();
            observation = step.observation();
            if (step.terminated() || step.truncated()) {
                return episodeReturn;
            }
        }
    }

    /** The mean return over the episodes seeded {@code 0 .. episodes − 1}. */
    static double meanReturn(Env env, int episodes, Controller controller) {
        double sum = 0.0;
        for (long seed = 0; seed < episodes; seed++) {
            sum += episodeReturn(env, seed, controller);
        }
        return sum / episodes;
    }
}
