package io.github.imitation.algo.offpolicy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * A {@link QBatch} as arrays of one update's scope: normalized observations and next observations
 * {@code [rows, obs]}, int32 actions, {@code notDone} and the expert mask {@code [rows]}.
 */
public record QTensors(NDArray observations, NDArray nextObservations, NDArray actions, NDArray notDone,
        NDArray expertMask, int expertRows, int learnerRows) {

    static QTensors of(NDManager scope, QBatch batch, float[] normalizedObs, float[] normalizedNextObs, float[] expertMask) {
        Shape shape = new Shape(batch.rows(), batch.observationSize());
        return new QTensors(scope.create(normalizedObs, shape), scope.create(normalizedNextObs, shape),
                scope.create(batch.actions()), scope.create(batch.notDone()), scope.create(expertMask),
                batch.expertRows(), batch.rows() - batch.expertRows());
    }
}
