package io.github.imitation.messages;

import io.github.imitation.data.DemonstrationValidator;
import io.github.imitation.data.InvalidDemonstrationException;
import io.github.imitation.data.Trajectory;

/**
 * Where a record of {@code il.demonstrations} ends: the one rule every reader of the topic applies
 * (expert-service's dead-lettering consumer through its catalog, the catalogs of expert-, discriminator-
 * and policy-service, and the REST upload before it publishes). A record ends in exactly one of:
 * <ul>
 *   <li>{@link Outcome#VALID}: its dataset;</li>
 *   <li>{@link Outcome#DEAD_LETTERED}: malformed ({@link DemonstrationRecords#decode} refuses it), or in
 *       conflict with its dataset: another env than the dataset's first record, or declared spaces that
 *       differ from the first record's;</li>
 *   <li>{@link Outcome#DUPLICATE}: a redelivery of a record the dataset already holds (same record id).</li>
 * </ul>
 * A pure function of (the dataset so far, the record): every reader reads the topic in offset order, so
 * the first valid record of a dataset fixes its env and spaces for everyone, and every reader places
 * every record the same way.
 */
public final class DatasetRule {

    /** The three places a record can end in. */
    public enum Outcome {
        VALID, DEAD_LETTERED, DUPLICATE
    }

    /**
     * The placement of one record: the decoded trajectory for {@link Outcome#VALID} (and
     * {@link Outcome#DUPLICATE}), the reason for {@link Outcome#DEAD_LETTERED}.
     */
    public record Placement(Outcome outcome, Trajectory trajectory, String reason) {

        public static Placement valid(Trajectory trajectory) {
            return new Placement(Outcome.VALID, trajectory, null);
        }

        public static Placement duplicate(Trajectory trajectory) {
            return new Placement(Outcome.DUPLICATE, trajectory, null);
        }

        public static Placement deadLettered(String reason) {
            return new Placement(Outcome.DEAD_LETTERED, null, reason);
        }
    }

    private DatasetRule() {
    }

    /**
     * Places one record.
     *
     * @param datasetId the record's key (checked here: no key or a bad id is malformed)
     * @param value     the record's value
     * @param first     the dataset's first valid trajectory so far, null while it has none
     * @param idHeld    whether the dataset's readers already hold a record with this record's id
     */
    public static Placement place(String datasetId, byte[] value, Trajectory first, boolean idHeld,
            DemonstrationValidator validator) {
        Trajectory trajectory;
        try {
            trajectory = DemonstrationRecords.decode(datasetId, value, validator);
        } catch (InvalidDemonstrationException e) {
            return Placement.deadLettered(e.getMessage());
        }
        if (idHeld) {
            return Placement.duplicate(trajectory);
        }
        String conflict = conflict(datasetId, first, trajectory, validator);
        return conflict == null ? Placement.valid(trajectory) : Placement.deadLettered(conflict);
    }

    /**
     * Why a valid trajectory cannot join a dataset whose first trajectory is {@code first} (null: any
     * can), naming the dataset's env and spaces and the trajectory's; null if it can. Also what a REST
     * upload or a command answers before publishing what would be dead-lettered.
     */
    public static String conflict(String datasetId, Trajectory first, Trajectory trajectory, DemonstrationValidator validator) {
        if (first == null) {
            return null;
        }
        if (!first.env().equals(trajectory.env())) {
            return "dataset " + datasetId + " holds " + first.env() + " demonstrations (" + spaces(first, validator)
                    + "), this one is for " + trajectory.env() + " (" + spaces(trajectory, validator)
                    + "): a dataset holds one env";
        }
        return DemonstrationValidator.spacesConflict(first, trajectory, "dataset " + datasetId + "'s first record");
    }

    /** "observation_space Box(...), action_space Discrete(2)": the spaces a valid trajectory is checked against. */
    public static String spaces(Trajectory trajectory, DemonstrationValidator validator) {
        DemonstrationValidator.EnvSpaces s;
        try {
            s = validator.spaces(trajectory.env(), trajectory.observationSpace(), trajectory.actionSpace());
        } catch (InvalidDemonstrationException e) { // not for a valid trajectory; named as declared
            return "observation_space " + trajectory.observationSpace() + ", action_space " + trajectory.actionSpace();
        }
        return "observation_space " + s.observationSpace() + ", action_space " + s.actionSpace();
    }
}
