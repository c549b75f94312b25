package io.github.imitation.env;

import io.github.imitation.random.Pcg64;
import java.util.Arrays;

/**
 * Shared plumbing of the classic-control environments: seeding, order enforcement, action checks and
 * the allocation-free step protocol. Subclasses hold the physics.
 *
 * <p>Unlike Gymnasium's raw envs, every action is checked against the action space (Gymnasium's Acrobot
 * would silently index its torque list with -1), and Box actions must be finite; out-of-bounds finite
 * Box actions are allowed and clipped by the physics exactly as Gymnasium does.
 */
public abstract class ClassicControlEnv implements Env {

    private final String id;
    private final Space observationSpace;
    private final Space actionSpace;
    private Pcg64 generator;
    private boolean hasBeenReset;

    protected double reward;
    protected boolean terminated;

    protected ClassicControlEnv(String id, Space observationSpace, Space actionSpace) {
        this.id = id;
        this.observationSpace = observationSpace;
        this.actionSpace = actionSpace;
    }

    /** Draws the initial physical state, exactly as Gymnasium's {@code reset} does. */
    protected abstract void sampleInitialState(Pcg64 generator);

    /**
     * Applies one validated action to the physical state, setting {@link #reward} and {@link #terminated}:
     * a Discrete action index (counted from the space's start), or a Box action at
     * {@code boxActions[boxOffset ...]}.
     */
    protected abstract void advance(int discreteAction, float[] boxActions, int boxOffset);

    /** Writes the observation of the current physical state to {@code observations[offset ...]}. */
    protected abstract void observe(float[] observations, int offset);

    /** The internal state vector in Gymnasium's order and meaning (see each env's class comment). */
    public abstract double[] state();

    /** Hook for per-episode bookkeeping that a reset or a state override clears. */
    protected void onEpisodeStart() {
    }

    /**
     * Overwrites the internal state, as {@code env.unwrapped.state = np.array(state, dtype=float64)} in
     * Gymnasium. Allowed only after a reset; the episode bookkeeping restarts as after a reset.
     */
    public final void setState(double[] newState) {
        requireReset();
        int expected = state().length;
        if (newState == null || newState.length != expected) {
            throw new IllegalArgumentException(id + ": state must have " + expected + " entries, got "
                    + (newState == null ? "null" : Arrays.toString(newState)));
        }
        for (double v : newState) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException(id + ": state must be finite, got " + Arrays.toString(newState));
            }
        }
        assignState(newState);
        onStateOverride();
        onEpisodeStart();
    }

    /**
     * Overwrites the state values in place and keeps everything else: the episode bookkeeping and, for
     * the envs whose state Gymnasium holds as float32 at times (Acrobot after a reset,
     * MountainCarContinuous after a step), the current precision. This is the "teacher-forced" step of
     * a comparison with recorded episodes: load the recorded previous state, then step.
     */
    public final void overwriteStateValues(double[] values) {
        requireReset();
        if (values == null || values.length != state().length) {
            throw new IllegalArgumentException(id + ": state must have " + state().length + " entries");
        }
        assignState(values);
    }

    /** Stores state values; called with validated input. */
    protected abstract void assignState(double[] newState);

    /** Hook for envs whose state precision changes: a user-set state is a float64 array in Gymnasium. */
    protected void onStateOverride() {
    }

    /** Writes the observation of the current state (after a reset or {@link #setState}). */
    public final void observeInto(float[] observation) {
        requireReset();
        checkBuffer(observation, 0);
        observe(observation, 0);
    }

    @Override
    public final String id() {
        return id;
    }

    @Override
    public final Space observationSpace() {
        return observationSpace;
    }

    @Override
    public final Space actionSpace() {
        return actionSpace;
    }

    @Override
    public final void resetInto(Long seed, float[] observations, int offset) {
        checkBuffer(observations, offset);
        if (seed != null) {
            if (seed < 0) {
                throw new IllegalArgumentException(id + ": seed must be a non-negative integer, got " + seed);
            }
            generator = new Pcg64(seed);
        } else if (generator == null) {
            generator = Pcg64.fromEntropy();
        }
        sampleInitialState(generator);
        onEpisodeStart();
        hasBeenReset = true;
        reward = 0.0;
        terminated = false;
        observe(observations, offset);
    }

    @Override
    public final void stepInto(int action, float[] observations, int offset) {
        requireReset();
        if (!(actionSpace instanceof Discrete discrete)) {
            throw new IllegalArgumentException(id + ": action space is " + actionSpace + ", got the integer action " + action);
        }
        if (!discrete.contains(action)) {
            throw new IllegalArgumentException(id + ": action " + action + " is not in " + discrete);
        }
        checkBuffer(observations, offset);
        advance(action - discrete.start(), null, 0);
        observe(observations, offset);
    }

    @Override
    public final void stepInto(float[] actions, int actionOffset, float[] observations, int offset) {
        requireReset();
        if (!(actionSpace instanceof Box box)) {
            throw new IllegalArgumentException(id + ": action space is " + actionSpace + ", got an array action");
        }
        int size = box.flatSize();
        if (actions == null || actionOffset < 0 || actionOffset + size > actions.length) {
            throw new IllegalArgumentException(id + ": action must have " + size + " entries, got "
                    + (actions == null ? "null" : (actions.length - actionOffset) + " at offset " + actionOffset));
        }
        for (int i = actionOffset; i < actionOffset + size; i++) {
            if (!Float.isFinite(actions[i])) {
                throw new IllegalArgumentException(id + ": action must be finite, got "
                        + Arrays.toString(Arrays.copyOfRange(actions, actionOffset, actionOffset + size)));
            }
        }
        checkBuffer(observations, offset);
        advance(0, actions, actionOffset);
        observe(observations, offset);
    }

    @Override
    public final double reward() {
        return reward;
    }

    @Override
    public final boolean terminated() {
        return terminated;
    }

    @Override
    public final boolean truncated() {
        return false;
    }

    @Override
    public final Env unwrapped() {
        return this;
    }

    private void requireReset() {
        if (!hasBeenReset) {
            throw new IllegalStateException(id + ": cannot call step() before reset()");
        }
    }

    private void checkBuffer(float[] observations, int offset) {
        if (observations == null || offset < 0 || offset + observationSpace.flatSize() > observations.length) {
            throw new IllegalArgumentException(id + ": observation buffer needs " + observationSpace.flatSize()
                    + " entries from offset " + offset + ", got "
                    + (observations == null ? "null" : observations.length + " in all"));
        }
    }

    @Override
    public String toString() {
        return id;
    }
}
