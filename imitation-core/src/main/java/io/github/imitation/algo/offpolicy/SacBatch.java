package io.github.imitation.algo.offpolicy;

/**
 * One SAC update's inputs as flat row-major arrays, reused across updates: a minibatch whose first
 * {@code expertRows} rows come from the expert and the rest from the learner's replay (observations already
 * normalized, actions in [−1, 1], {@code notDone} 0 for a terminal transition), and the standard normal noise
 * {@code [rows, actionSize]} of the three actor samples: at the next observations ({@code nextNoise}), at the
 * observations for IQ-Learn's value term ({@code currentNoise}, unused by SQIL), and at the observations for the
 * actor's loss ({@code actorNoise}).
 */
record SacBatch(int rows, int expertRows, int observationSize, int actionSize, float[] observations,
        float[] nextObservations, float[] actions, float[] notDone, float[] expertMask, float[] nextNoise,
        float[] currentNoise, float[] actorNoise) {

    static SacBatch allocate(int expertRows, int learnerRows, int observationSize, int actionSize) {
        int rows = expertRows + learnerRows;
        float[] mask = new float[rows];
        java.util.Arrays.fill(mask, 0, expertRows, 1f);
        return new SacBatch(rows, expertRows, observationSize, actionSize, new float[rows * observationSize],
                new float[rows * observationSize], new float[rows * actionSize], new float[rows], mask,
                new float[rows * actionSize], new float[rows * actionSize], new float[rows * actionSize]);
    }
}
