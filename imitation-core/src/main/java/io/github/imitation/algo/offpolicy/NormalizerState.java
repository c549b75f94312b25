package io.github.imitation.algo.offpolicy;

import io.github.imitation.nn.ObservationNormalizer;
import java.util.Arrays;

/**
 * The observation scaling inside an off-policy learner's checkpoint: after the networks' parameter arrays come the
 * normalizer's mean, its std and one flag array ({@code [1]} while the scaling still waits for the learner's
 * exploration transitions, else {@code [0]}), so a restarted learner acts and learns in the same units.
 *
 * @param parameters the networks' arrays alone
 * @param normalizer the scaling
 * @param pending    whether the scaling is still to be computed from exploration transitions
 */
record NormalizerState(float[][] parameters, ObservationNormalizer normalizer, boolean pending) {

    private static final int EXTRA = 3;

    static float[][] append(float[][] parameters, ObservationNormalizer normalizer, boolean pending) {
        float[][] all = Arrays.copyOf(parameters, parameters.length + EXTRA);
        all[parameters.length] = normalizer.mean();
        all[parameters.length + 1] = normalizer.std();
        all[parameters.length + 2] = new float[] {pending ? 1f : 0f, normalizer.clip()};
        return all;
    }

    static NormalizerState split(float[][] all, int networkArrays, String envId) {
        if (all.length != networkArrays + EXTRA) {
            throw new IllegalArgumentException("a checkpoint of an off-policy learner for " + envId + " holds " + all.length
                    + " arrays; this learner needs " + (networkArrays + EXTRA) + " (its networks' and the observation scaling)");
        }
        float[] flags = all[networkArrays + 2];
        ObservationNormalizer normalizer = new ObservationNormalizer(all[networkArrays], all[networkArrays + 1], flags[1]);
        return new NormalizerState(Arrays.copyOf(all, networkArrays), normalizer, flags[0] != 0f);
    }
}
