package io.github.imitation.env.remote;

import io.github.imitation.env.Box;
import io.github.imitation.env.Discrete;
import io.github.imitation.env.Space;
import io.github.imitation.env.remote.proto.ActionObservationSpecs;
import io.github.imitation.env.remote.proto.DataType;
import io.github.imitation.env.remote.proto.TensorSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A world's specs read as Gymnasium spaces: the action spec and the observations {@code observation},
 * {@code reward}, {@code discount} (and, in a batched world, {@code terminated} and {@code truncated}),
 * found by name. In a batched world of {@code batch} copies every spec has that leading dimension, which
 * the spaces here leave out (they describe one copy).
 *
 * <p>Whatever does not fit is a {@link MalformedSpecException} that names the spec and says what was
 * expected: a missing observation, an action of a type this library cannot drive, a Discrete action
 * without bounds, a wrong batch dimension.
 */
record RemoteSpecs(Space observationSpace, Space actionSpace, long actionUid, TensorSpec actionSpec,
        long observationUid, long rewardUid, long discountUid, long terminatedUid, long truncatedUid, int batch) {

    static final String OBSERVATION = "observation";
    static final String REWARD = "reward";
    static final String DISCOUNT = "discount";
    static final String TERMINATED = "terminated";
    static final String TRUNCATED = "truncated";

    /** Thrown for specs this client cannot use; the message says which spec and why. */
    static final class MalformedSpecException extends IllegalArgumentException {
        MalformedSpecException(String message) {
            super(message);
        }
    }

    /** Observation UIDs to request in every step. */
    List<Long> requestedObservations() {
        List<Long> uids = new ArrayList<>(List.of(observationUid, rewardUid));
        for (long uid : new long[] {discountUid, terminatedUid, truncatedUid}) {
            if (uid >= 0) {
                uids.add(uid);
            }
        }
        return uids;
    }

    static RemoteSpecs parse(String envId, ActionObservationSpecs specs, int batch) {
        String where = envId + ": malformed spec: ";
        if (specs.getActionsCount() != 1) {
            throw new MalformedSpecException(where + "this client drives envs with exactly one action tensor, the "
                    + "server declares " + specs.getActionsCount() + " " + names(specs.getActionsMap()));
        }
        Map.Entry<Long, TensorSpec> action = specs.getActionsMap().entrySet().iterator().next();
        long observationUid = find(specs.getObservationsMap(), OBSERVATION);
        if (observationUid < 0) {
            List<Long> others = specs.getObservationsMap().entrySet().stream()
                    .filter(e -> !List.of(REWARD, DISCOUNT, TERMINATED, TRUNCATED).contains(e.getValue().getName()))
                    .map(Map.Entry::getKey).toList();
            if (others.size() != 1) {
                throw new MalformedSpecException(where + "no observation named '" + OBSERVATION + "' among "
                        + names(specs.getObservationsMap()));
            }
            observationUid = others.get(0);
        }
        long rewardUid = find(specs.getObservationsMap(), REWARD);
        if (rewardUid < 0) {
            throw new MalformedSpecException(where + "no observation named '" + REWARD + "' among "
                    + names(specs.getObservationsMap()) + " (dm_env_rpc servers send the reward as an observation "
                    + "named 'reward', as the protocol's own adaptor expects)");
        }
        long discountUid = find(specs.getObservationsMap(), DISCOUNT);
        long terminatedUid = find(specs.getObservationsMap(), TERMINATED);
        long truncatedUid = find(specs.getObservationsMap(), TRUNCATED);
        if (batch > 0 && (terminatedUid < 0 || truncatedUid < 0)) {
            throw new MalformedSpecException(where + "a batched world needs observations 'terminated' and "
                    + "'truncated', the server declares " + names(specs.getObservationsMap()));
        }
        TensorSpec obsSpec = specs.getObservationsMap().get(observationUid);
        Space observationSpace = box(where, obsSpec, batch);
        Space actionSpace = actionSpace(where, action.getValue(), batch);
        checkScalar(where, specs.getObservationsMap().get(rewardUid), batch);
        if (discountUid >= 0) {
            checkScalar(where, specs.getObservationsMap().get(discountUid), batch);
        }
        return new RemoteSpecs(observationSpace, actionSpace, action.getKey(), action.getValue(), observationUid,
                rewardUid, discountUid, terminatedUid, truncatedUid, batch);
    }

    private static long find(Map<Long, TensorSpec> specs, String name) {
        for (Map.Entry<Long, TensorSpec> e : specs.entrySet()) {
            if (e.getValue().getName().equals(name)) {
                return e.getKey();
            }
        }
        return -1;
    }

    private static String names(Map<Long, TensorSpec> specs) {
        return specs.values().stream().map(s -> "'" + s.getName() + "'").toList().toString();
    }

    /** The shape of one copy: the spec's shape without the batch dimension. */
    private static int[] singleShape(String where, TensorSpec spec, int batch) {
        List<Integer> shape = spec.getShapeList();
        if (batch > 0) {
            if (shape.isEmpty() || shape.get(0) != batch) {
                throw new MalformedSpecException(where + "spec '" + spec.getName() + "' has shape " + shape
                        + " but a batched world of " + batch + " needs a leading dimension of " + batch);
            }
            shape = shape.subList(1, shape.size());
        }
        int[] out = new int[shape.size()];
        for (int i = 0; i < out.length; i++) {
            if (shape.get(i) < 0) {
                throw new MalformedSpecException(where + "spec '" + spec.getName() + "' has shape " + spec.getShapeList()
                        + "; this client needs fixed sizes");
            }
            out[i] = shape.get(i);
        }
        return out;
    }

    private static void checkScalar(String where, TensorSpec spec, int batch) {
        if (!isNumeric(spec.getDtype())) {
            throw new MalformedSpecException(where + "observation '" + spec.getName() + "' must be numeric, it is "
                    + spec.getDtype());
        }
        int[] shape = singleShape(where, spec, batch);
        if (shape.length != 0 && !(shape.length == 1 && shape[0] == 1)) {
            throw new MalformedSpecException(where + "observation '" + spec.getName() + "' must be one number per "
                    + "step, its shape is " + spec.getShapeList());
        }
    }

    private static boolean isNumeric(DataType t) {
        return switch (t) {
            case FLOAT, DOUBLE, INT8, INT32, INT64, UINT8, UINT32, UINT64, BOOL -> true;
            default -> false;
        };
    }

    private static boolean isInteger(DataType t) {
        return switch (t) {
            case INT8, INT32, INT64, UINT8, UINT32, UINT64 -> true;
            default -> false;
        };
    }

    private static Box box(String where, TensorSpec spec, int batch) {
        if (!isNumeric(spec.getDtype())) {
            throw new MalformedSpecException(where + "observation '" + spec.getName() + "' has dtype "
                    + spec.getDtype() + "; this client needs numbers");
        }
        int[] shape = singleShape(where, spec, batch);
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        if (n == 0) {
            throw new MalformedSpecException(where + "spec '" + spec.getName() + "' has no elements (shape "
                    + spec.getShapeList() + ")");
        }
        int total = batch > 0 ? n * batch : n;
        double[] low = boundOf(where, spec, true, n, total);
        double[] high = boundOf(where, spec, false, n, total);
        float[] lowF = new float[n];
        float[] highF = new float[n];
        for (int i = 0; i < n; i++) {
            lowF[i] = (float) low[i];
            highF[i] = (float) high[i];
            if (lowF[i] > highF[i]) {
                throw new MalformedSpecException(where + "spec '" + spec.getName() + "' has min " + low[i]
                        + " above max " + high[i] + " at element " + i);
            }
        }
        if (shape.length == 0) {
            shape = new int[] {1};
        }
        return new Box(lowF, highF, shape);
    }

    /** Bounds for one copy: a batched spec may give them per copy (identical copies) or for one copy. */
    private static double[] boundOf(String where, TensorSpec spec, boolean min, int n, int total) {
        double fallback = min ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        try {
            return Tensors.bound(spec, min, n, fallback);
        } catch (IllegalArgumentException perCopy) {
            if (total == n) {
                throw new MalformedSpecException(where + perCopy.getMessage());
            }
            try {
                double[] all = Tensors.bound(spec, min, total, fallback);
                return java.util.Arrays.copyOf(all, n);
            } catch (IllegalArgumentException e) {
                throw new MalformedSpecException(where + e.getMessage());
            }
        }
    }

    private static Space actionSpace(String where, TensorSpec spec, int batch) {
        if (isInteger(spec.getDtype())) {
            int[] shape = singleShape(where, spec, batch);
            if (shape.length != 0 && !(shape.length == 1 && shape[0] == 1)) {
                throw new MalformedSpecException(where + "integer action '" + spec.getName() + "' has shape "
                        + spec.getShapeList() + "; this client drives one Discrete action per step");
            }
            if (!spec.hasMin() || !spec.hasMax()) {
                throw new MalformedSpecException(where + "integer action '" + spec.getName() + "' needs min and max "
                        + "(a Discrete space is its range)");
            }
            double low = Tensors.bound(spec, true, 1, 0)[0];
            double high = Tensors.bound(spec, false, 1, 0)[0];
            if (high < low || high - low >= Integer.MAX_VALUE || low < Integer.MIN_VALUE || high > Integer.MAX_VALUE) {
                throw new MalformedSpecException(where + "integer action '" + spec.getName() + "' has range [" + low
                        + ", " + high + "], not a Discrete space this client can drive");
            }
            return new Discrete((int) (high - low) + 1, (int) low);
        }
        if (spec.getDtype() == DataType.FLOAT || spec.getDtype() == DataType.DOUBLE) {
            return box(where, spec, batch);
        }
        throw new MalformedSpecException(where + "action '" + spec.getName() + "' has dtype " + spec.getDtype()
                + "; this client drives integer (Discrete) or float (Box) actions");
    }
}
