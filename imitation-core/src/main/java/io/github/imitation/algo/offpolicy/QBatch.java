package io.github.imitation.algo.offpolicy;

/**
 * One minibatch of transitions as flat arrays, reused across updates: the first {@code expertRows} rows come
 * from the expert, the rest from the learner's own replay (none when offline). {@code notDone} is 0 for a
 * terminal transition, 1 otherwise; {@code rewards} are the env's and unused by the imitation objectives.
 */
public record QBatch(int rows, int expertRows, int observationSize, float[] observations, float[] nextObservations,
        int[] actions, float[] rewards, float[] notDone) {

    public static QBatch allocate(int expertRows, int learnerRows, int observationSize) {
        int rows = expertRows + learnerRows;
        return new QBatch(rows, expertRows, observationSize, new float[rows * observationSize],
                new float[rows * observationSize], new int[rows], new float[rows], new float[rows]);
    }

    /** 1 for the expert's rows, 0 for the learner's: the mask the objectives average with. */
    public float[] expertMask() {
        float[] mask = new float[rows];
        java.util.Arrays.fill(mask, 0, expertRows, 1f);
        return mask;
    }
}
