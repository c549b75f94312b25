package io.github.imitation.nn.fast;

import java.util.Optional;

/**
 * Networks whose Adam can be saved and continued: what a checkpoint needs so that a restarted learner takes the
 * same steps as the one it replaces. The plain-Java learners keep a {@link FastAdam} and give its state; DJL keeps
 * its Adam private, so its networks give none and a restore leaves their Adam as it is (it starts afresh).
 */
public interface AdamCheckpointing {

    /** Adam's state, for checkpoints; empty where the implementation keeps it private (DJL's Adam). */
    Optional<FastAdam.State> optimizerState();

    /**
     * Continues Adam from {@code state} (of networks of the same shapes); where Adam is private (DJL) it starts
     * afresh instead.
     */
    void restoreOptimizer(FastAdam.State state);
}
