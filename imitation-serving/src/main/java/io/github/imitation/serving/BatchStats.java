package io.github.imitation.serving;

/**
 * Counters of one model's batcher since start.
 *
 * @param batches      ONNX Runtime calls made
 * @param requests     requests they served
 * @param rows         observation rows they served
 * @param largestBatch the most rows one call took
 */
public record BatchStats(long batches, long requests, long rows, long largestBatch) {

    /** Requests per ONNX Runtime call: above 1 when concurrent requests were merged. */
    public double requestsPerBatch() {
        return batches == 0 ? 0 : (double) requests / batches;
    }
}
