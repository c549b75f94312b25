package io.github.imitation.env;

import java.util.Map;

/**
 * What {@code step} returns, with Gymnasium's meaning: {@code terminated} when the MDP reached a
 * terminal state (do not bootstrap), {@code truncated} when the episode was cut short, e.g. by the
 * time limit (bootstrap from the final observation).
 */
public record Step(float[] observation, double reward, boolean terminated, boolean truncated, Map<String, Object> info) {
}
