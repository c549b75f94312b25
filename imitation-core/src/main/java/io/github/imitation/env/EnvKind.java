package io.github.imitation.env;

/** Where an environment's code runs; reported to users, never branched on above the env interface. */
public enum EnvKind {
    /** Gymnasium's classic-control tasks, re-implemented bit-exactly in this library. */
    BUILT_IN,
    /** A Java plug-in found on the plug-in path ({@link EnvPlugins}). */
    PLUGIN,
    /** A simulator behind a dm_env_rpc server ({@code dm-env-rpc://HOST:PORT}). */
    REMOTE
}
