package io.github.imitation.data;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.imitation.env.Discrete;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipException;

/**
 * HumanCompatibleAI/imitation's legacy {@code .npz} demonstrations ({@code imitation.data.types.save},
 * June 2022 to April 2023, still read by {@code imitation.data.serialize.load}): the trajectories'
 * arrays concatenated and split at {@code indices}.
 *
 * <table>
 * <caption>members</caption>
 * <tr><th>key</th><th>shape, dtype</th><th>what</th></tr>
 * <tr><td>obs</td><td>(Σ(T+1), obs...), float</td><td>each trajectory's T + 1 observations in turn</td></tr>
 * <tr><td>acts</td><td>(ΣT,) int or (ΣT, k) float</td><td>the actions</td></tr>
 * <tr><td>infos</td><td>(ΣT,) object</td><td>info dicts, pickled: skipped on reading, written as dicts</td></tr>
 * <tr><td>terminal</td><td>(n,) bool</td><td>one flag per trajectory</td></tr>
 * <tr><td>indices</td><td>(n-1,) int</td><td>cumulative lengths of all but the last trajectory</td></tr>
 * <tr><td>rews</td><td>(ΣT,) float</td><td>the rewards (only in files of {@code TrajectoryWithRew})</td></tr>
 * </table>
 *
 * <p>Trajectory k has actions {@code indices[k-1]} to {@code indices[k]} and observations
 * {@code indices[k-1] + k} to {@code indices[k] + k + 1}. The file holds no environment id, so the
 * reader takes one.
 */
public final class NpzDemonstrations {

    /** What reading gave: the trajectories, and notes on what was skipped or converted (for the user). */
    public record Loaded(List<Trajectory> trajectories, List<String> notes) {

        public Loaded {
            trajectories = List.copyOf(trajectories);
            notes = List.copyOf(notes);
        }
    }

    private static final Set<String> KNOWN_KEYS = Set.of("obs", "acts", "infos", "terminal", "indices", "rews");

    private NpzDemonstrations() {
    }

    /** Reads {@code path} as demonstrations in {@code env}, validated with the default validator. */
    public static Loaded read(Path path, String env) throws IOException {
        return read(path, env, new DemonstrationValidator());
    }

    /**
     * Reads every trajectory of {@code path} as demonstrations in {@code env}. Any problem throws an
     * {@link InvalidDemonstrationException} naming the file (and the trajectory, 1-based); nothing is
     * returned then.
     */
    public static Loaded read(Path path, String env, DemonstrationValidator validator) throws IOException {
        String source = path.toString();
        Map<String, NpyArray> arrays;
        try {
            arrays = NpzArchive.read(path);
        } catch (ZipException e) {
            throw new InvalidDemonstrationException(source, 0, "not a valid .npz (zip) archive: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new InvalidDemonstrationException(source, 0, e.getMessage(), e);
        }
        try {
            return parse(arrays, env, validator);
        } catch (InvalidDemonstrationException e) {
            throw e.at(source, 0);
        }
    }

    private static Loaded parse(Map<String, NpyArray> arrays, String env, DemonstrationValidator validator) {
        List<String> notes = new ArrayList<>();
        DemonstrationValidator.EnvSpaces spaces = validator.spaces(env);
        NpyArray obs = member(arrays, "obs");
        NpyArray acts = member(arrays, "acts");
        NpyArray terminal = member(arrays, "terminal");
        NpyArray indices = member(arrays, "indices");
        NpyArray rews = arrays.get("rews");
        if (rews == null) {
            throw new InvalidDemonstrationException("no \"rews\" array: trajectories without rewards are not supported"
                    + " (imitation writes one for TrajectoryWithRew)");
        }
        NpyArray infos = arrays.get("infos");
        if (infos != null) {
            notes.add(infos.isObject()
                    ? "skipped \"infos\": it is a pickled object array, and pickles are never loaded (they can run"
                            + " code); the trajectories have no infos"
                    : "skipped \"infos\": expected an object array of dicts, found " + infos.descr());
        }
        for (String key : arrays.keySet()) {
            if (!KNOWN_KEYS.contains(key)) {
                notes.add("ignored the unknown array \"" + key + "\"");
            }
        }

        requireNumeric(obs, "obs");
        requireNumeric(acts, "acts");
        requireNumeric(rews, "rews");
        if (obs.ndim() < 1 || acts.ndim() < 1) {
            throw new InvalidDemonstrationException("\"obs\" and \"acts\" must have a leading time axis, got shapes "
                    + shape(obs) + " and " + shape(acts));
        }
        if (!terminal.isBool() || terminal.ndim() != 1) {
            throw new InvalidDemonstrationException("\"terminal\" must be a 1-D bool array, got "
                    + terminal.descr() + " " + shape(terminal));
        }
        if (indices.ndim() != 1 || !(indices.isInteger() || indices.isFloating())) {
            throw new InvalidDemonstrationException("\"indices\" must be a 1-D integer array, got "
                    + indices.descr() + " " + shape(indices));
        }
        if (rews.ndim() != 1) {
            throw new InvalidDemonstrationException("\"rews\" must be 1-D, got shape " + shape(rews));
        }
        if (obs.isFloating() && obs.itemSize() == 8) {
            notes.add("\"obs\" is float64; rounded to float32, the environments' observation type");
        }
        boolean discrete = spaces.actionSpace() instanceof Discrete;
        if (!discrete && acts.isFloating() && acts.itemSize() == 8) {
            notes.add("\"acts\" is float64; rounded to float32, the environments' action type");
        }

        int count = indices.dim(0) + 1;
        int totalSteps = acts.dim(0);
        int obsWidth = rowWidth(obs);
        int actWidth = rowWidth(acts);
        if (terminal.dim(0) != count) {
            throw new InvalidDemonstrationException("\"terminal\" has "
                    + DemonstrationValidator.count(terminal.dim(0), "entry") + " but \"indices\" has "
                    + indices.dim(0) + " (need one flag per trajectory: indices + 1)");
        }
        if (obs.dim(0) != (long) totalSteps + count) {
            throw new InvalidDemonstrationException("\"obs\" has "
                    + DemonstrationValidator.count(obs.dim(0), "row") + " but \"acts\" has " + totalSteps
                    + " and there are " + count + " trajectories (need acts + trajectories)");
        }
        if (rews.dim(0) != totalSteps) {
            throw new InvalidDemonstrationException("\"rews\" has "
                    + DemonstrationValidator.count(rews.dim(0), "entry") + " but \"acts\" has "
                    + totalSteps + " (need one per action)");
        }
        if (discrete && actWidth != 1) {
            throw new InvalidDemonstrationException(env + " has " + spaces.actionSpace()
                    + " actions, so \"acts\" must hold one index per step, got shape " + shape(acts));
        }
        int[] boundaries = boundaries(indices, totalSteps);

        List<Trajectory> trajectories = new ArrayList<>(count);
        for (int k = 0; k < count; k++) {
            int from = boundaries[k];
            int to = boundaries[k + 1];
            String which = "trajectory " + (k + 1) + " of " + count + " (from \"acts\" row " + from
                    + " and \"obs\" row "
                    + (from + k) + ")";
            try {
                float[][] trajectoryObs = floatRows(obs, from + k, to + k + 1, obsWidth, "obs");
                Actions trajectoryActs = discrete
                        ? discreteActions(acts, from, to)
                        : new BoxActions(floatRows(acts, from, to, actWidth, "acts"));
                double[] trajectoryRews = new double[to - from];
                for (int t = 0; t < trajectoryRews.length; t++) {
                    trajectoryRews[t] = rews.getDouble(from + t);
                }
                Trajectory trajectory = new Trajectory(env, trajectoryObs, trajectoryActs, trajectoryRews,
                        terminal.getBoolean(k));
                validator.validate(trajectory);
                trajectories.add(trajectory);
            } catch (InvalidDemonstrationException e) {
                throw e.within(which);
            }
        }
        return new Loaded(trajectories, notes);
    }

    private static NpyArray member(Map<String, NpyArray> arrays, String key) {
        NpyArray array = arrays.get(key);
        if (array == null) {
            throw new InvalidDemonstrationException("no \"" + key + "\" array (found: "
                    + String.join(", ", arrays.keySet())
                    + "); expected imitation's keys obs, acts, infos, terminal, indices, rews");
        }
        return array;
    }

    private static void requireNumeric(NpyArray array, String key) {
        if (!array.isFloating() && !array.isInteger()) {
            throw new InvalidDemonstrationException("\"" + key + "\" must be a numeric array, got " + array.descr());
        }
    }

    private static String shape(NpyArray array) {
        return java.util.Arrays.toString(array.shape()).replace('[', '(').replace(']', ')');
    }

    /** Elements per row: the product of the axes after the first (an observation may be more than 1-D). */
    private static int rowWidth(NpyArray array) {
        long width = 1;
        for (int axis = 1; axis < array.ndim(); axis++) {
            width *= array.dim(axis);
        }
        return (int) width;
    }

    /** 0, the split points, the total: trajectory k's actions are [result[k], result[k + 1]). */
    private static int[] boundaries(NpyArray indices, int totalSteps) {
        int count = indices.dim(0) + 1;
        int[] boundaries = new int[count + 1];
        for (int k = 0; k < count - 1; k++) {
            // np.cumsum of an empty list is float64, so a one-trajectory file has float indices.
            double value = indices.getDouble(k);
            if (value != Math.rint(value) || value < boundaries[k] || value > totalSteps) {
                throw new InvalidDemonstrationException("\"indices\"[" + k + "] is " + value + ": split points must be"
                        + " whole numbers, non-decreasing, between 0 and the " + totalSteps + " actions");
            }
            boundaries[k + 1] = (int) value;
        }
        boundaries[count] = totalSteps;
        return boundaries;
    }

    private static float[][] floatRows(NpyArray array, int from, int to, int width, String key) {
        float[][] rows = new float[to - from][width];
        for (int t = 0; t < rows.length; t++) {
            long base = (long) (from + t) * width;
            for (int j = 0; j < width; j++) {
                rows[t][j] = DemonstrationValidator.float32(array.getDouble(base + j),
                        "\"" + key + "\"[" + t + "][" + j + "]");
            }
        }
        return rows;
    }

    private static DiscreteActions discreteActions(NpyArray acts, int from, int to) {
        int[] indices = new int[to - from];
        for (int t = 0; t < indices.length; t++) {
            String where = "\"acts\"[" + t + "]";
            indices[t] = acts.isInteger()
                    ? DemonstrationValidator.discreteActionIndex(integer(acts, from + t, where), where)
                    : DemonstrationValidator.discreteActionIndex(acts.getDouble(from + t), where);
        }
        return new DiscreteActions(indices);
    }

    private static long integer(NpyArray array, long i, String where) {
        try {
            return array.getLong(i);
        } catch (ArithmeticException e) {
            throw new InvalidDemonstrationException(where + ": " + e.getMessage());
        }
    }

    /**
     * Writes the trajectories in imitation's format (so {@code imitation.data.serialize.load}, or
     * {@code np.load} and the split above, reads them): obs float32, acts int64 (Discrete) or float32 (Box),
     * infos as a pickled object array of dicts (empty dicts where a trajectory has none), terminal bool,
     * indices int64, rews float64; deflated as {@code np.savez_compressed}. The trajectories are validated
     * first and must share one environment (the file does not store it).
     */
    public static void write(Path path, List<Trajectory> trajectories) throws IOException {
        DemonstrationsJsonl.checkWritable(trajectories, new DemonstrationValidator());
        int count = trajectories.size();
        int obsWidth = trajectories.get(0).observation(0).length;
        int totalSteps = 0;
        for (Trajectory trajectory : trajectories) {
            totalSteps = Math.addExact(totalSteps, trajectory.length());
        }
        float[] obs = new float[Math.multiplyExact(totalSteps + count, obsWidth)];
        double[] rews = new double[totalSteps];
        boolean[] terminal = new boolean[count];
        long[] indices = new long[count - 1];
        List<ObjectNode> infos = new ArrayList<>(totalSteps);
        boolean discrete = trajectories.get(0).acts() instanceof DiscreteActions;
        long[] discreteActs = discrete ? new long[totalSteps] : null;
        int actWidth = discrete ? 1 : ((BoxActions) trajectories.get(0).acts()).width(0);
        float[] boxActs = discrete ? null : new float[totalSteps * actWidth];

        int step = 0;
        int obsRow = 0;
        for (int k = 0; k < count; k++) {
            Trajectory trajectory = trajectories.get(k);
            for (int t = 0; t <= trajectory.length(); t++) {
                trajectory.copyObservation(t, obs, obsRow++ * obsWidth);
            }
            List<ObjectNode> trajectoryInfos = trajectory.infos();
            for (int t = 0; t < trajectory.length(); t++, step++) {
                rews[step] = trajectory.reward(t);
                if (trajectory.acts() instanceof DiscreteActions indicesOfSteps) {
                    discreteActs[step] = indicesOfSteps.get(t);
                } else {
                    BoxActions vectors = (BoxActions) trajectory.acts();
                    for (int j = 0; j < actWidth; j++) {
                        boxActs[step * actWidth + j] = vectors.get(t, j);
                    }
                }
                infos.add(trajectoryInfos == null ? JsonNodeFactory.instance.objectNode() : trajectoryInfos.get(t));
            }
            terminal[k] = trajectory.terminal();
            if (k < count - 1) {
                indices[k] = step;
            }
        }

        // imitation's key order; the Python loader does not depend on it, but identical files are easier to compare.
        Map<String, NpyArray> arrays = new LinkedHashMap<>();
        arrays.put("obs", NpyArray.ofFloat32(obs, totalSteps + count, obsWidth));
        arrays.put("acts", discrete ? NpyArray.ofInt64(discreteActs, totalSteps)
                : NpyArray.ofFloat32(boxActs, totalSteps, actWidth));
        arrays.put("infos", NpyArray.ofObjectPickle(PickledInfos.objectArrayOfDicts(infos), totalSteps));
        arrays.put("terminal", NpyArray.ofBool(terminal, count));
        arrays.put("indices", NpyArray.ofInt64(indices, count - 1));
        arrays.put("rews", NpyArray.ofFloat64(rews, totalSteps));
        NpzArchive.write(path, arrays);
    }
}
