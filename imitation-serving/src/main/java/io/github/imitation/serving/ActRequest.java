package io.github.imitation.serving;

/**
 * A request of the simple JSON API: {@code {"observations": [[...], ...], "deterministic": true}}.
 *
 * @param rows          number of observations
 * @param columns       values per observation
 * @param observations  {@code rows * columns} finite floats, row-major
 * @param deterministic greedy actions (true, the default) or sampled ones
 */
record ActRequest(int rows, int columns, float[] observations, boolean deterministic) {
}
