package io.github.imitation.nn;

import java.util.Locale;

/**
 * Where the learners' small-network arithmetic runs: {@link #FAST}, plain Java on flat buffers ({@code nn.fast}, the
 * default: several times faster than DJL for the small MLPs of PPO, the discriminators, BC and the off-policy
 * learners), or {@link #DJL} (DJL/PyTorch). Chosen for the whole JVM by the system property {@value #PROPERTY}
 * ({@code fast} or {@code djl}); both compute the same losses from the same initial weights and export the same
 * models.
 */
public enum Learner {
    FAST, DJL;

    /** The system property that chooses: {@code -Dimitation.learner=fast|djl}. */
    public static final String PROPERTY = "imitation.learner";

    /** The choice of {@value #PROPERTY} (unset: {@link #FAST}); anything else is refused with what is allowed. */
    public static Learner current() {
        String value = System.getProperty(PROPERTY, "fast").trim().toLowerCase(Locale.ROOT);
        return switch (value) {
            case "fast", "" -> FAST;
            case "djl" -> DJL;
            default -> throw new IllegalArgumentException(PROPERTY + " must be 'fast' or 'djl', got '" + value + "'");
        };
    }

    /** The property's value for this choice: {@code fast} or {@code djl}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
