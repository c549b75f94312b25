package io.github.imitation.service.expert;

/**
 * Demonstrations that would be dead-lettered because they conflict with their dataset (another env, or
 * other declared spaces than the dataset's first record): refused before anything is published (HTTP 409).
 */
public class DatasetConflictException extends RuntimeException {

    private final String dataset;
    private final String datasetEnv;
    private final String env;

    public DatasetConflictException(String dataset, String datasetEnv, String env, String reason) {
        super(reason);
        this.dataset = dataset;
        this.datasetEnv = datasetEnv;
        this.env = env;
    }

    public String dataset() {
        return dataset;
    }

    /** The env of the dataset's trajectories. */
    public String datasetEnv() {
        return datasetEnv;
    }

    /** The env of the refused trajectories. */
    public String env() {
        return env;
    }
}
