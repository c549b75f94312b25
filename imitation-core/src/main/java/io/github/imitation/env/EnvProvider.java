package io.github.imitation.env;

import java.util.List;

/**
 * The service interface of environment plug-ins: a jar on the plug-in path ({@code IMITATION_ENV_PATH},
 * see {@link EnvPlugins}) lists its implementation in
 * {@code META-INF/services/io.github.imitation.env.EnvProvider}, and every environment it returns can be
 * named by its id wherever a built-in id is accepted (CLI, run API, services, demonstrations).
 *
 * <p>An environment is an {@link Env}: Gymnasium's {@code reset(seed)} / {@code step(action)} with
 * {@link Box} or {@link Discrete} spaces. {@link ClassicControlEnv} is a convenient base class (seeding,
 * order and action checks). Ids must not collide with the built-in ones or with another plug-in's.
 */
public interface EnvProvider {

    /** The environments of this plug-in: id, time limit (0 for none), reward threshold (NaN if none), factory. */
    List<EnvSpec> environments();
}
