package io.github.imitation.env;

/** An observation or action space, as Gymnasium's {@code spaces.Box} and {@code spaces.Discrete}. */
public sealed interface Space permits Box, Discrete {

    /** Number of scalars in one flattened element (Box: product of the shape; Discrete: 1). */
    int flatSize();
}
