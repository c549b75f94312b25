package io.github.imitation.data;

import io.github.imitation.env.Box;
import io.github.imitation.env.Discrete;
import io.github.imitation.env.EnvRegistry;
import io.github.imitation.env.EnvSpec;
import io.github.imitation.env.Space;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import io.github.imitation.env.remote.RemoteEnvs;

/**
 * The validation rules for demonstrations, in one place: the JSON Lines and NPZ readers apply them to
 * every trajectory they return, and the services apply them to records they receive. The rules are listed
 * in {@code docs/demonstrations.md}; each failure is an {@link InvalidDemonstrationException} that says
 * exactly what is wrong (the readers add the file and line).
 *
 * <p>Immutable and thread-safe: the spaces of the registered environments are looked up once, here.
 */
public final class DemonstrationValidator {

    /**
     * The default cap on a trajectory's length. Far above every registered time limit (the longest is
     * 999 steps) so that demonstrations recorded without a time limit still pass, but low enough that one
     * record stays a few megabytes of JSON instead of exhausting the reader's memory.
     */
    public static final int DEFAULT_MAX_STEPS = 100_000;

    /** What the validator needs to know about an environment: its spaces, from the env or from the record. */
    public record EnvSpaces(String id, Space observationSpace, Space actionSpace) {
        public int observationSize() {
            return observationSpace.flatSize();
        }
    }

    private final int maxSteps;
    private final String expectedEnv;
    private final Map<String, EnvSpaces> spacesById;
    /** The spaces of the expected env (the run's), for records of another env with the same spaces. */
    private final EnvSpaces expectedSpaces;
    /** Plug-in envs met so far (built-in ones are in spacesById from the start). */
    private final Map<String, EnvSpaces> pluginSpaces = new java.util.concurrent.ConcurrentHashMap<>();

    /** Any registered environment, at most {@link #DEFAULT_MAX_STEPS} steps. */
    public DemonstrationValidator() {
        this(DEFAULT_MAX_STEPS, null);
    }

    /**
     * @param maxSteps    the longest trajectory accepted, at least 1
     * @param expectedEnv the only environment id accepted, or null for any registered one
     */
    public DemonstrationValidator(int maxSteps, String expectedEnv) {
        if (maxSteps < 1) {
            throw new IllegalArgumentException("maxSteps must be at least 1, got " + maxSteps);
        }
        Map<String, EnvSpaces> spaces = new LinkedHashMap<>();
        for (EnvSpec spec : EnvRegistry.specs()) {
            spaces.put(spec.id(), new EnvSpaces(spec.id(), spec.observationSpace(), spec.actionSpace()));
        }
        this.spacesById = Collections.unmodifiableMap(spaces);
        this.maxSteps = maxSteps;
        this.expectedEnv = expectedEnv;
        if (expectedEnv != null) {
            EnvSpec spec = EnvRegistry.spec(expectedEnv); // unknown ids fail here, a remote env's server is asked
            this.expectedSpaces = new EnvSpaces(expectedEnv, spec.observationSpace(), spec.actionSpace());
        } else {
            this.expectedSpaces = null;
        }
    }

    /** Only {@code env} is accepted (e.g. the environment a training run is for). */
    public static DemonstrationValidator forEnv(String env) {
        return new DemonstrationValidator(DEFAULT_MAX_STEPS, env);
    }

    public int maxSteps() {
        return maxSteps;
    }

    public Optional<String> expectedEnv() {
        return Optional.ofNullable(expectedEnv);
    }

    /** The spaces of a record of {@code env} that declares none; see {@link #spaces(String, Space, Space)}. */
    public EnvSpaces spaces(String env) {
        return spaces(env, null, null);
    }

    /**
     * The spaces a record of {@code env} is validated against, by one rule:
     * <ul>
     *   <li>an env this process knows (built-in or plug-in): its spaces; spaces the record declares must
     *       equal them;</li>
     *   <li>any other env (a remote env's URI, or a name for logged data without a simulator): the spaces
     *       the record declares ({@code "observation_space"}, {@code "action_space"}); a record that
     *       declares none is refused. A simulator is never contacted to validate a record.</li>
     * </ul>
     * A validator for one env ({@link #forEnv}) accepts records of that env, or of another env with
     * exactly the same spaces. Every failure is an {@link InvalidDemonstrationException}. Readers call this
     * before parsing the actions, whose shape depends on the action space.
     */
    public EnvSpaces spaces(String env, Space declaredObservation, Space declaredAction) {
        if ((declaredObservation == null) != (declaredAction == null)) {
            throw new InvalidDemonstrationException("a record declares both \"observation_space\" and "
                    + "\"action_space\", or neither");
        }
        EnvSpaces known = knownSpaces(env);
        EnvSpaces spaces;
        if (known != null) {
            if (declaredObservation != null && (!declaredObservation.equals(known.observationSpace())
                    || !declaredAction.equals(known.actionSpace()))) {
                throw new InvalidDemonstrationException("the record declares observation_space " + declaredObservation
                        + " and action_space " + declaredAction + ", but " + env + "'s are " + known.observationSpace()
                        + " and " + known.actionSpace());
            }
            spaces = known;
        } else if (declaredObservation != null) {
            if (!(declaredObservation instanceof Box)) {
                throw new InvalidDemonstrationException("\"observation_space\" must be a Box, got " + declaredObservation);
            }
            spaces = new EnvSpaces(env, declaredObservation, declaredAction);
        } else {
            throw new InvalidDemonstrationException("unknown environment \"" + env + "\"; known ids: "
                    + String.join(", ", knownIds()) + ". A dataset of another env, or without a simulator, declares "
                    + "its spaces in every record: \"observation_space\" and \"action_space\" (docs/demonstrations.md)");
        }
        if (expectedSpaces != null && !expectedEnv.equals(env)
                && !(expectedSpaces.observationSpace().equals(spaces.observationSpace())
                        && expectedSpaces.actionSpace().equals(spaces.actionSpace()))) {
            throw new InvalidDemonstrationException("\"env\" is \"" + env + "\" (observations "
                    + spaces.observationSpace() + ", actions " + spaces.actionSpace() + ") but only demonstrations "
                    + "with the spaces of \"" + expectedEnv + "\" (observations " + expectedSpaces.observationSpace()
                    + ", actions " + expectedSpaces.actionSpace() + ") are accepted here");
        }
        return spaces;
    }

    /** The spaces of a built-in or plug-in env, or null for any other id (remote, unknown). */
    private EnvSpaces knownSpaces(String env) {
        EnvSpaces builtIn = spacesById.get(env);
        if (builtIn != null || RemoteEnvs.isRemote(env)) {
            return builtIn;
        }
        EnvSpaces plugin = pluginSpaces.get(env);
        if (plugin != null) {
            return plugin;
        }
        EnvSpec spec;
        try {
            spec = EnvRegistry.spec(env);
        } catch (IllegalArgumentException unknown) { // unknown id, or plug-ins that failed to load
            return null;
        }
        EnvSpaces spaces = new EnvSpaces(env, spec.observationSpace(), spec.actionSpace());
        pluginSpaces.put(env, spaces);
        return spaces;
    }

    private List<String> knownIds() {
        try {
            return List.copyOf(EnvRegistry.ids());
        } catch (IllegalArgumentException e) {
            return List.copyOf(spacesById.keySet());
        }
    }

    /**
     * Checks every rule of {@code docs/demonstrations.md}; throws an {@link InvalidDemonstrationException}
     * without a location for the first one broken.
     */
    public void validate(Trajectory trajectory) {
        EnvSpaces spaces = spaces(trajectory.env(), trajectory.observationSpace(), trajectory.actionSpace());
        int steps = trajectory.length();
        if (steps == 0) {
            throw new InvalidDemonstrationException("\"acts\" is empty: a trajectory needs at least one step");
        }
        if (steps > maxSteps) {
            throw new InvalidDemonstrationException("the trajectory has " + count(steps, "step")
                    + ", more than the limit of " + maxSteps);
        }
        if (trajectory.observationCount() != steps + 1) {
            throw new InvalidDemonstrationException("\"obs\" has " + count(trajectory.observationCount(), "row")
                    + " but \"acts\" has " + steps + " (need acts + 1)");
        }
        double[] rews = trajectory.rewsNoCopy();
        if (rews.length != steps) {
            throw new InvalidDemonstrationException("\"rews\" has " + count(rews.length, "entry")
                    + " but \"acts\" has " + steps + " (need one per action)");
        }
        if (trajectory.hasInfos() && trajectory.infoCount() != steps) {
            throw new InvalidDemonstrationException("\"infos\" has " + count(trajectory.infoCount(), "entry")
                    + " but \"acts\" has " + steps + " (need one per action, or no \"infos\")");
        }
        validateObservations(trajectory, spaces);
        validateActions(trajectory.acts(), spaces);
        for (int t = 0; t < steps; t++) {
            requireFinite(rews[t], "\"rews\"[" + t + "]");
        }
    }

    private static void validateObservations(Trajectory trajectory, EnvSpaces spaces) {
        float[][] obs = trajectory.obsNoCopy();
        for (int t = 0; t < obs.length; t++) {
            if (obs[t].length != spaces.observationSize()) {
                throw new InvalidDemonstrationException("\"obs\"[" + t + "] has " + count(obs[t].length, "value")
                        + " but "
                        + spaces.id() + " observations have " + spaces.observationSize());
            }
            for (int j = 0; j < obs[t].length; j++) {
                requireFinite(obs[t][j], "\"obs\"[" + t + "][" + j + "]");
            }
        }
    }

    private static void validateActions(Actions acts, EnvSpaces spaces) {
        Space space = spaces.actionSpace();
        if (space instanceof Discrete discrete) {
            if (!(acts instanceof DiscreteActions indices)) {
                throw new InvalidDemonstrationException(spaces.id() + " has " + discrete
                        + " actions, so \"acts\" must hold integer indices, not vectors");
            }
            for (int t = 0; t < indices.length(); t++) {
                if (!discrete.contains(indices.get(t))) {
                    throw new InvalidDemonstrationException("\"acts\"[" + t + "] is " + indices.get(t) + ", outside "
                            + spaces.id() + "'s action space " + discrete + " (" + discrete.start() + " to "
                            + (discrete.start() + discrete.n() - 1) + ")");
                }
            }
        } else if (space instanceof Box box) {
            if (!(acts instanceof BoxActions vectors)) {
                throw new InvalidDemonstrationException(spaces.id()
                        + " has Box actions, so \"acts\" must hold arrays of "
                        + count(box.flatSize(), "number") + ", not integer indices");
            }
            for (int t = 0; t < vectors.length(); t++) {
                if (vectors.width(t) != box.flatSize()) {
                    throw new InvalidDemonstrationException("\"acts\"[" + t + "] has "
                            + count(vectors.width(t), "value") + " but "
                            + spaces.id() + " actions have " + box.flatSize());
                }
                for (int j = 0; j < box.flatSize(); j++) {
                    requireFinite(vectors.get(t, j), "\"acts\"[" + t + "][" + j + "]");
                }
            }
        }
    }

    /**
     * The dataset rule next to "one env per dataset": records of one dataset (a file, one upload, one
     * dataset id on Kafka) that declare spaces declare the same ones, since learners take a dataset's spaces
     * from its first record. Returns null when {@code other} may join the dataset of {@code first}, else
     * what differs, for a message; {@code firstName} names the first record (e.g. {@code line 1}). Only the
     * case where both declare can differ: a record of a known env that declares spaces declares the env's
     * own, and a record of an unknown env that declares none is invalid anyway.
     */
    public static String spacesConflict(Trajectory first, Trajectory other, String firstName) {
        if (!first.declaresSpaces() || !other.declaresSpaces()
                || (first.observationSpace().equals(other.observationSpace())
                        && first.actionSpace().equals(other.actionSpace()))) {
            return null;
        }
        return "it declares observation_space " + other.observationSpace() + " and action_space " + other.actionSpace()
                + " but " + firstName + " declares " + first.observationSpace() + " and " + first.actionSpace()
                + " (a dataset has one pair of spaces)";
    }

    /** "1 row", "2 rows", "1 entry", "0 entries": messages are read by people. */
    static String count(long n, String singular) {
        String plural = singular.endsWith("y") ? singular.substring(0, singular.length() - 1) + "ies" : singular + "s";
        return n + " " + (n == 1 ? singular : plural);
    }

    private static void requireFinite(double value, String where) {
        if (!Double.isFinite(value)) {
            throw new InvalidDemonstrationException(where + " is " + value + " (every number must be finite)");
        }
    }

    /**
     * A Discrete action read as a number (JSON allows 1.0, NPZ files may store actions as floats): must be
     * a finite integer that fits an {@code int}. The range of the action space is checked by
     * {@link #validate}.
     *
     * @param where names the value in the message, e.g. {@code "acts"[4]}
     */
    public static int discreteActionIndex(double value, String where) {
        if (!Double.isFinite(value) || value != Math.rint(value)) {
            throw new InvalidDemonstrationException(where + " is " + value
                    + ": a Discrete action must be an integer index");
        }
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw new InvalidDemonstrationException(where + " is " + value + ": far outside any Discrete action space");
        }
        return (int) value;
    }

    /** An integer-typed Discrete action: must fit an {@code int} (the range is checked by {@link #validate}). */
    public static int discreteActionIndex(long value, String where) {
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw new InvalidDemonstrationException(where + " is " + value + ": far outside any Discrete action space");
        }
        return (int) value;
    }

    /**
     * A number read for a float32 field (observations, Box actions), rounded to the nearest float32; a
     * finite number beyond the float32 range is rejected here rather than turning into an infinity.
     */
    public static float float32(double value, String where) {
        float rounded = (float) value;
        if (Double.isFinite(value) && Float.isInfinite(rounded)) {
            throw new InvalidDemonstrationException(where + " is " + value
                    + ", beyond the float32 range (about 3.4e38)");
        }
        return rounded;
    }
}
