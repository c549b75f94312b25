package io.github.imitation.env.remote;

import io.github.imitation.env.remote.proto.DataType;
import io.github.imitation.env.remote.proto.Tensor;
import io.github.imitation.env.remote.proto.TensorSpec;
import java.util.List;

/**
 * Conversions between dm_env_rpc tensors and Java arrays, with the protocol's broadcast rule (a payload
 * of one element fills the whole shape). Every malformed tensor is an {@link IllegalArgumentException}
 * saying what was expected.
 */
final class Tensors {

    private Tensors() {
    }

    /** Elements of a tensor of {@code shape} (empty: a scalar, 1). */
    static int elements(List<Integer> shape) {
        int n = 1;
        for (int dim : shape) {
            if (dim < 0) {
                throw new IllegalArgumentException("a spec shape needs known sizes, got " + shape);
            }
            n = Math.multiplyExact(n, dim);
        }
        return n;
    }

    static int payloadLength(Tensor t) {
        return switch (t.getPayloadCase()) {
            case FLOATS -> t.getFloats().getArrayCount();
            case DOUBLES -> t.getDoubles().getArrayCount();
            case INT8S -> t.getInt8S().getArray().size();
            case UINT8S -> t.getUint8S().getArray().size();
            case INT32S -> t.getInt32S().getArrayCount();
            case INT64S -> t.getInt64S().getArrayCount();
            case UINT32S -> t.getUint32S().getArrayCount();
            case UINT64S -> t.getUint64S().getArrayCount();
            case BOOLS -> t.getBools().getArrayCount();
            case STRINGS -> t.getStrings().getArrayCount();
            case PROTOS -> t.getProtos().getArrayCount();
            case PAYLOAD_NOT_SET -> 0;
        };
    }

    private static double element(Tensor t, int i) {
        return switch (t.getPayloadCase()) {
            case FLOATS -> t.getFloats().getArray(i);
            case DOUBLES -> t.getDoubles().getArray(i);
            case INT8S -> t.getInt8S().getArray().byteAt(i);
            case UINT8S -> t.getUint8S().getArray().byteAt(i) & 0xff;
            case INT32S -> t.getInt32S().getArray(i);
            case INT64S -> t.getInt64S().getArray(i);
            case UINT32S -> Integer.toUnsignedLong(t.getUint32S().getArray(i));
            case UINT64S -> t.getUint64S().getArray(i);
            case BOOLS -> t.getBools().getArray(i) ? 1 : 0;
            default -> throw new IllegalArgumentException("a " + t.getPayloadCase() + " tensor is not numeric");
        };
    }

    /** Checks that {@code t} holds {@code n} values (or one, broadcast) and returns how many it holds. */
    private static int checkedLength(Tensor t, int n, String name) {
        int length = payloadLength(t);
        if (length != n && length != 1) {
            throw new IllegalArgumentException("observation '" + name + "' has " + length + " values, its spec "
                    + "says " + n);
        }
        return length;
    }

    /** Writes the {@code n} values of a numeric tensor to {@code out[offset ...]} as float32. */
    static void toFloats(Tensor t, int n, String name, float[] out, int offset) {
        int length = checkedLength(t, n, name);
        if (t.getPayloadCase() == Tensor.PayloadCase.FLOATS && length == n) {
            for (int i = 0; i < n; i++) {
                out[offset + i] = t.getFloats().getArray(i);
            }
            return;
        }
        for (int i = 0; i < n; i++) {
            out[offset + i] = (float) element(t, length == 1 ? 0 : i);
        }
    }

    /** Writes the {@code n} values of a numeric tensor to {@code out[offset ...]} as float64. */
    static void toDoubles(Tensor t, int n, String name, double[] out, int offset) {
        int length = checkedLength(t, n, name);
        for (int i = 0; i < n; i++) {
            out[offset + i] = element(t, length == 1 ? 0 : i);
        }
    }

    /** Writes the {@code n} values of a tensor to {@code out[offset ...]} as booleans (non-zero = true). */
    static void toBooleans(Tensor t, int n, String name, boolean[] out, int offset) {
        int length = checkedLength(t, n, name);
        for (int i = 0; i < n; i++) {
            out[offset + i] = element(t, length == 1 ? 0 : i) != 0;
        }
    }

    static Tensor int64Scalar(long value) {
        return Tensor.newBuilder().setInt64S(Tensor.Int64Array.newBuilder().addArray(value)).build();
    }

    static Tensor stringScalar(String value) {
        return Tensor.newBuilder().setStrings(Tensor.StringArray.newBuilder().addArray(value)).build();
    }

    /** Discrete actions as a tensor of the spec's integer dtype and shape. */
    static Tensor integers(DataType dtype, List<Integer> shape, int[] values, int offset, int count) {
        Tensor.Builder t = Tensor.newBuilder().addAllShape(shape);
        switch (dtype) {
            case INT64 -> {
                Tensor.Int64Array.Builder a = Tensor.Int64Array.newBuilder();
                for (int i = 0; i < count; i++) {
                    a.addArray(values[offset + i]);
                }
                t.setInt64S(a);
            }
            case INT32 -> {
                Tensor.Int32Array.Builder a = Tensor.Int32Array.newBuilder();
                for (int i = 0; i < count; i++) {
                    a.addArray(values[offset + i]);
                }
                t.setInt32S(a);
            }
            case UINT32 -> {
                Tensor.Uint32Array.Builder a = Tensor.Uint32Array.newBuilder();
                for (int i = 0; i < count; i++) {
                    a.addArray(values[offset + i]);
                }
                t.setUint32S(a);
            }
            case UINT64 -> {
                Tensor.Uint64Array.Builder a = Tensor.Uint64Array.newBuilder();
                for (int i = 0; i < count; i++) {
                    a.addArray(values[offset + i]);
                }
                t.setUint64S(a);
            }
            case INT8, UINT8 -> {
                byte[] bytes = new byte[count];
                for (int i = 0; i < count; i++) {
                    bytes[i] = (byte) values[offset + i];
                }
                var array = com.google.protobuf.ByteString.copyFrom(bytes);
                if (dtype == DataType.INT8) {
                    t.setInt8S(Tensor.Int8Array.newBuilder().setArray(array));
                } else {
                    t.setUint8S(Tensor.Uint8Array.newBuilder().setArray(array));
                }
            }
            default -> throw new IllegalArgumentException("a Discrete action cannot be sent as " + dtype);
        }
        return t.build();
    }

    /** Box actions as a tensor of the spec's float dtype and shape. */
    static Tensor reals(DataType dtype, List<Integer> shape, float[] values, int offset, int count) {
        Tensor.Builder t = Tensor.newBuilder().addAllShape(shape);
        if (dtype == DataType.DOUBLE) {
            Tensor.DoubleArray.Builder a = Tensor.DoubleArray.newBuilder();
            for (int i = 0; i < count; i++) {
                a.addArray(values[offset + i]);
            }
            t.setDoubles(a);
        } else {
            Tensor.FloatArray.Builder a = Tensor.FloatArray.newBuilder();
            for (int i = 0; i < count; i++) {
                a.addArray(values[offset + i]);
            }
            t.setFloats(a);
        }
        return t.build();
    }

    /**
     * A spec bound as {@code n} doubles: a scalar field, or an array of one element (broadcast) or of
     * {@code n}; {@code fallback} where the spec has none.
     */
    static double[] bound(TensorSpec spec, boolean min, int n, double fallback) {
        boolean present = min ? spec.hasMin() : spec.hasMax();
        double[] out = new double[n];
        if (!present) {
            java.util.Arrays.fill(out, fallback);
            return out;
        }
        TensorSpec.Value v = min ? spec.getMin() : spec.getMax();
        String which = (min ? "min" : "max") + " of spec '" + spec.getName() + "'";
        Tensor asTensor = switch (v.getPayloadCase()) {
            case FLOAT -> Tensor.newBuilder().setFloats(Tensor.FloatArray.newBuilder().addArray(v.getFloat())).build();
            case DOUBLE -> Tensor.newBuilder().setDoubles(Tensor.DoubleArray.newBuilder().addArray(v.getDouble())).build();
            case INT8 -> int64Scalar(v.getInt8());
            case INT32 -> int64Scalar(v.getInt32());
            case INT64 -> int64Scalar(v.getInt64());
            case UINT8 -> int64Scalar(Integer.toUnsignedLong(v.getUint8()));
            case UINT32 -> int64Scalar(Integer.toUnsignedLong(v.getUint32()));
            case UINT64 -> int64Scalar(v.getUint64());
            case FLOATS -> Tensor.newBuilder().setFloats(v.getFloats()).build();
            case DOUBLES -> Tensor.newBuilder().setDoubles(v.getDoubles()).build();
            case INT8S -> Tensor.newBuilder().setInt8S(v.getInt8S()).build();
            case INT32S -> Tensor.newBuilder().setInt32S(v.getInt32S()).build();
            case INT64S -> Tensor.newBuilder().setInt64S(v.getInt64S()).build();
            case UINT8S -> Tensor.newBuilder().setUint8S(v.getUint8S()).build();
            case UINT32S -> Tensor.newBuilder().setUint32S(v.getUint32S()).build();
            case UINT64S -> Tensor.newBuilder().setUint64S(v.getUint64S()).build();
            case PAYLOAD_NOT_SET -> null;
        };
        if (asTensor == null) {
            java.util.Arrays.fill(out, fallback);
            return out;
        }
        int length = payloadLength(asTensor);
        if (length != 1 && length != n) {
            throw new IllegalArgumentException("the " + which + " has " + length + " values; it needs 1 or " + n);
        }
        toDoubles(asTensor, n, which, out, 0);
        return out;
    }
}
