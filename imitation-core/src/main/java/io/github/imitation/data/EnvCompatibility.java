package io.github.imitation.data;

import io.github.imitation.env.EnvRegistry;
import io.github.imitation.env.EnvSpec;
import io.github.imitation.env.Space;
import io.github.imitation.env.remote.RemoteEnvs;
import java.util.List;

/**
 * The one rule for which demonstrations may train for which env: a dataset recorded in env D trains for
 * env E when D is E, or when D's spaces equal E's exactly (a dataset of the built-in CartPole-v1 trains a
 * policy for a Gymnasium CartPole-v1 behind a dm_env_rpc server; a dataset without a simulator declares
 * its spaces and trains for any env that has them). Everything that pairs a dataset with an env (BC,
 * GAIL/AIRL, DAgger, the run API, {@code up}) asks here.
 */
public final class EnvCompatibility {

    /** A dataset's spaces: declared by its records, or those of its env. */
    public record Spaces(Space observation, Space action) {
    }

    private EnvCompatibility() {
    }

    /**
     * The spaces of the dataset {@code sample} belongs to: the ones its record declares, else those of its
     * built-in or plug-in env. A record of a remote or unknown env that declares none has no known spaces
     * ({@link IllegalArgumentException}).
     */
    public static Spaces spacesOf(Trajectory sample) {
        if (sample.declaresSpaces()) {
            return new Spaces(sample.observationSpace(), sample.actionSpace());
        }
        if (RemoteEnvs.isRemote(sample.env())) {
            throw new IllegalArgumentException("the demonstrations of " + sample.env() + " declare no spaces");
        }
        EnvSpec spec = EnvRegistry.spec(sample.env());
        return new Spaces(spec.observationSpace(), spec.actionSpace());
    }

    /**
     * Whether {@code id} names an env this process has without contacting anything: a built-in or plug-in
     * id (a remote URI is not, and neither is an unknown name). BC without an env trains and evaluates on
     * such a dataset's own env, and on the declared spaces otherwise.
     */
    public static boolean isLocal(String id) {
        if (RemoteEnvs.isRemote(id)) {
            return false;
        }
        try {
            EnvRegistry.spec(id);
            return true;
        } catch (IllegalArgumentException unknown) { // an unknown id, or plug-ins that failed to load
            return false;
        }
    }

    /** Whether demonstrations like {@code sample} may train for {@code env}. */
    public static boolean fits(Trajectory sample, String env) {
        if (sample.env().equals(env) && !sample.declaresSpaces()) {
            return true;
        }
        Spaces dataset = spacesOf(sample);
        EnvSpec target = EnvRegistry.spec(env);
        return dataset.observation().equals(target.observationSpace()) && dataset.action().equals(target.actionSpace());
    }

    /**
     * Throws an {@link IllegalArgumentException} naming both envs and both spaces unless the demonstrations
     * ({@code trajectories}, one env) may train for {@code env}; {@code what} names them ("dataset d").
     */
    public static void require(List<Trajectory> trajectories, String env, String what) {
        if (trajectories.isEmpty()) {
            throw new IllegalArgumentException(what + " holds no demonstrations");
        }
        Trajectory sample = trajectories.get(0);
        if (fits(sample, env)) {
            return;
        }
        Spaces dataset = spacesOf(sample);
        EnvSpec target = EnvRegistry.spec(env);
        throw new IllegalArgumentException(what + " holds " + sample.env() + " demonstrations (observations "
                + dataset.observation() + ", actions " + dataset.action() + "), which cannot train for " + env
                + " (observations " + target.observationSpace() + ", actions " + target.actionSpace()
                + "): the spaces must be the same");
    }
}
