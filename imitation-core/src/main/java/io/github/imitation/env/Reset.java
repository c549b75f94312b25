package io.github.imitation.env;

import java.util.Map;

/** What {@code reset} returns: the first observation and an info map (empty for classic control). */
public record Reset(float[] observation, Map<String, Object> info) {
}
