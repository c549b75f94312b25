package io.github.imitation.env;

/**
 * Gymnasium's {@code TimeLimit}: counts steps since the last reset and sets {@code truncated} once the
 * count reaches the limit. Like Gymnasium, it does not stop further steps; the count keeps going.
 */
public final class TimeLimit implements Env {

    private final Env inner;
    private final int maxEpisodeSteps;
    private int elapsedSteps;
    private boolean truncated;

    public TimeLimit(Env inner, int maxEpisodeSteps) {
        if (maxEpisodeSteps <= 0) {
            throw new IllegalArgumentException(inner.id() + ": max episode steps must be positive, got " + maxEpisodeSteps);
        }
        this.inner = inner;
        this.maxEpisodeSteps = maxEpisodeSteps;
    }

    public int maxEpisodeSteps() {
        return maxEpisodeSteps;
    }

    /** Steps taken since the last reset. */
    public int elapsedSteps() {
        return elapsedSteps;
    }

    @Override
    public String id() {
        return inner.id();
    }

    @Override
    public Space observationSpace() {
        return inner.observationSpace();
    }

    @Override
    public Space actionSpace() {
        return inner.actionSpace();
    }

    @Override
    public void resetInto(Long seed, float[] observations, int offset) {
        inner.resetInto(seed, observations, offset);
        elapsedSteps = 0;
        truncated = false;
    }

    @Override
    public void stepInto(int action, float[] observations, int offset) {
        inner.stepInto(action, observations, offset);
        countStep();
    }

    @Override
    public void stepInto(float[] actions, int actionOffset, float[] observations, int offset) {
        inner.stepInto(actions, actionOffset, observations, offset);
        countStep();
    }

    private void countStep() {
        elapsedSteps++;
        truncated = inner.truncated() || elapsedSteps >= maxEpisodeSteps;
    }

    @Override
    public double reward() {
        return inner.reward();
    }

    @Override
    public boolean terminated() {
        return inner.terminated();
    }

    @Override
    public boolean truncated() {
        return truncated;
    }

    @Override
    public Env unwrapped() {
        return inner.unwrapped();
    }

    @Override
    public String toString() {
        return "TimeLimit(" + inner + ", " + maxEpisodeSteps + ")";
    }

    @Override
    public void close() {
        inner.close();
    }
}
