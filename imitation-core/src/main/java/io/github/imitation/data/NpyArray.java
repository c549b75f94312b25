package io.github.imitation.data;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One NumPy array in the {@code .npy} format (versions 1.0 to 3.0), the members of an {@code .npz} file.
 *
 * <p>Numeric and boolean arrays are read and written: {@code f4 f8 i1 i2 i4 i8 u1 u2 u4 u8 b1} in either
 * byte order, C or Fortran order (Fortran data is reordered to C order on reading). Object arrays
 * ({@code |O}) hold a Python pickle: {@link #parse} keeps their shape but never interprets their bytes,
 * because unpickling runs arbitrary code. Immutable; the values are stored in C order.
 */
public final class NpyArray {

    /** What a NumPy dtype's kind character says the elements are. */
    public enum Kind {
        FLOAT, SIGNED_INTEGER, UNSIGNED_INTEGER, BOOL, OBJECT
    }

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    private final Kind kind;
    private final int itemSize;
    private final ByteOrder order;
    private final int[] shape;
    private final long size;
    private final byte[] data;

    private NpyArray(Kind kind, int itemSize, ByteOrder order, int[] shape, byte[] data) {
        this.kind = kind;
        this.itemSize = itemSize;
        this.order = order;
        this.shape = shape.clone();
        this.size = product(shape);
        this.data = data;
    }

    private static long product(int[] shape) {
        long size = 1;
        for (int dim : shape) {
            if (dim < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            size = Math.multiplyExact(size, dim);
        }
        return size;
    }

    /** A float32 array, {@code values} in C order. */
    public static NpyArray ofFloat32(float[] values, int... shape) {
        checkSize(values.length, shape);
        ByteBuffer buffer = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(values);
        return new NpyArray(Kind.FLOAT, 4, ByteOrder.LITTLE_ENDIAN, shape, buffer.array());
    }

    /** A float64 array, {@code values} in C order. */
    public static NpyArray ofFloat64(double[] values, int... shape) {
        checkSize(values.length, shape);
        ByteBuffer buffer = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asDoubleBuffer().put(values);
        return new NpyArray(Kind.FLOAT, 8, ByteOrder.LITTLE_ENDIAN, shape, buffer.array());
    }

    /** An int64 array, {@code values} in C order. */
    public static NpyArray ofInt64(long[] values, int... shape) {
        checkSize(values.length, shape);
        ByteBuffer buffer = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asLongBuffer().put(values);
        return new NpyArray(Kind.SIGNED_INTEGER, 8, ByteOrder.LITTLE_ENDIAN, shape, buffer.array());
    }

    /** An int32 array, {@code values} in C order. */
    public static NpyArray ofInt32(int[] values, int... shape) {
        checkSize(values.length, shape);
        ByteBuffer buffer = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asIntBuffer().put(values);
        return new NpyArray(Kind.SIGNED_INTEGER, 4, ByteOrder.LITTLE_ENDIAN, shape, buffer.array());
    }

    /** A bool array, {@code values} in C order. */
    public static NpyArray ofBool(boolean[] values, int... shape) {
        checkSize(values.length, shape);
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) (values[i] ? 1 : 0);
        }
        return new NpyArray(Kind.BOOL, 1, ByteOrder.LITTLE_ENDIAN, shape, bytes);
    }

    /**
     * An object array whose content is the given pickle (as NumPy stores object arrays). The caller is
     * responsible for the pickle describing an array of this shape.
     */
    public static NpyArray ofObjectPickle(byte[] pickle, int... shape) {
        product(shape);
        return new NpyArray(Kind.OBJECT, 8, ByteOrder.LITTLE_ENDIAN, shape, pickle.clone());
    }

    private static void checkSize(int length, int[] shape) {
        if (product(shape) != length) {
            throw new IllegalArgumentException(length + " values do not fill shape " + Arrays.toString(shape));
        }
    }

    public Kind kind() {
        return kind;
    }

    /** Bytes per element (8 for object arrays: pointer-sized, as NumPy reports). */
    public int itemSize() {
        return itemSize;
    }

    public int[] shape() {
        return shape.clone();
    }

    public int ndim() {
        return shape.length;
    }

    /** Length of axis {@code axis}. */
    public int dim(int axis) {
        return shape[axis];
    }

    /** Number of elements (1 for a 0-d array). */
    public long size() {
        return size;
    }

    /** The NumPy dtype descriptor, e.g. {@code <f4}, {@code |b1}, {@code |O}. */
    public String descr() {
        return switch (kind) {
            case OBJECT -> "|O";
            case BOOL -> "|b1";
            default -> (itemSize == 1 ? "|" : order == ByteOrder.LITTLE_ENDIAN ? "<" : ">")
                    + (kind == Kind.FLOAT ? 'f' : kind == Kind.SIGNED_INTEGER ? 'i' : 'u') + itemSize;
        };
    }

    public boolean isObject() {
        return kind == Kind.OBJECT;
    }

    public boolean isFloating() {
        return kind == Kind.FLOAT;
    }

    public boolean isInteger() {
        return kind == Kind.SIGNED_INTEGER || kind == Kind.UNSIGNED_INTEGER;
    }

    public boolean isBool() {
        return kind == Kind.BOOL;
    }

    private ByteBuffer buffer() {
        if (kind == Kind.OBJECT) {
            throw new IllegalStateException("an object array holds a pickle, which is never unpickled");
        }
        return ByteBuffer.wrap(data).order(order);
    }

    /** Element {@code i} (C order) as a double: exact for floats, bools and integers up to 2^53. */
    public double getDouble(long i) {
        int at = byteIndex(i);
        ByteBuffer buffer = buffer();
        return switch (kind) {
            case FLOAT -> itemSize == 4 ? buffer.getFloat(at) : buffer.getDouble(at);
            case UNSIGNED_INTEGER -> itemSize == 8 ? unsignedLongToDouble(buffer.getLong(at)) : getLong(i);
            default -> getLong(i);
        };
    }

    private static double unsignedLongToDouble(long bits) {
        return bits >= 0 ? bits : new java.math.BigInteger(Long.toUnsignedString(bits)).doubleValue();
    }

    /** Element {@code i} (C order) of an integer or bool array; a uint64 beyond {@code long} is an error. */
    public long getLong(long i) {
        if (kind == Kind.FLOAT) {
            throw new IllegalStateException("getLong on a float array; use getDouble");
        }
        int at = byteIndex(i);
        ByteBuffer buffer = buffer();
        long value = switch (itemSize) {
            case 1 -> kind == Kind.SIGNED_INTEGER ? buffer.get(at) : buffer.get(at) & 0xFFL;
            case 2 -> kind == Kind.SIGNED_INTEGER ? buffer.getShort(at) : buffer.getShort(at) & 0xFFFFL;
            case 4 -> kind == Kind.SIGNED_INTEGER ? buffer.getInt(at) : buffer.getInt(at) & 0xFFFFFFFFL;
            default -> buffer.getLong(at);
        };
        if (kind == Kind.UNSIGNED_INTEGER && itemSize == 8 && value < 0) {
            throw new ArithmeticException("uint64 value " + Long.toUnsignedString(value) + " does not fit a long");
        }
        return value;
    }

    /** Element {@code i} (C order) of a bool array. */
    public boolean getBoolean(long i) {
        if (kind != Kind.BOOL) {
            throw new IllegalStateException("getBoolean on a " + descr() + " array");
        }
        return data[byteIndex(i)] != 0;
    }

    private int byteIndex(long i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("element " + i + " of an array of " + size);
        }
        return (int) (i * itemSize);
    }

    /** This array as {@code .npy} bytes (format 1.0, or 2.0 if the header needs it), as {@code np.save} writes. */
    public byte[] toNpyBytes() {
        StringBuilder shapeText = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            shapeText.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        shapeText.append(shape.length == 1 ? ",)" : ")");
        String dict = "{'descr': '" + descr() + "', 'fortran_order': False, 'shape': " + shapeText + ", }";
        // NumPy pads the header with spaces and a newline so that the data starts 64-byte aligned.
        int prefixV1 = MAGIC.length + 2 + 2;
        boolean version2 = dict.length() + 1 + 63 + prefixV1 > 65535;
        int prefix = version2 ? MAGIC.length + 2 + 4 : prefixV1;
        int headerLength = dict.length() + 1;
        headerLength += (64 - (prefix + headerLength) % 64) % 64;
        byte[] header = (dict + " ".repeat(headerLength - dict.length() - 1)
                + "\n").getBytes(StandardCharsets.US_ASCII);
        ByteBuffer out = ByteBuffer.allocate(prefix + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).put((byte) (version2 ? 2 : 1)).put((byte) 0);
        if (version2) {
            out.putInt(header.length);
        } else {
            out.putShort((short) header.length);
        }
        out.put(header).put(data);
        return out.array();
    }

    /**
     * Parses {@code .npy} bytes; a malformed or unsupported array is an {@link IllegalArgumentException}
     * whose message says why.
     */
    public static NpyArray parse(byte[] bytes) {
        if (bytes.length < 10 || !Arrays.equals(Arrays.copyOf(bytes, MAGIC.length), MAGIC)) {
            throw new IllegalArgumentException("not a .npy array (the magic string \\x93NUMPY is missing)");
        }
        int major = bytes[6] & 0xFF;
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int headerStart;
        long headerLength;
        if (major == 1) {
            headerLength = in.getShort(8) & 0xFFFF;
            headerStart = 10;
        } else if (major == 2 || major == 3) {
            if (bytes.length < 12) {
                throw new IllegalArgumentException("truncated .npy header");
            }
            headerLength = in.getInt(8) & 0xFFFFFFFFL;
            headerStart = 12;
        } else {
            throw new IllegalArgumentException("unsupported .npy format version " + major + "." + (bytes[7] & 0xFF));
        }
        if (headerStart + headerLength > bytes.length) {
            throw new IllegalArgumentException("truncated .npy header");
        }
        int dataStart = (int) (headerStart + headerLength);
        // Version 3 allows UTF-8 in the header (field names of structured dtypes); 1 and 2 are Latin-1.
        String header = new String(bytes, headerStart, (int) headerLength,
                major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Object parsed = new PythonLiteral(header.strip()).parseWhole();
        if (!(parsed instanceof Map<?, ?> dict)) {
            throw new IllegalArgumentException(".npy header is not a dict: " + header.strip());
        }
        Object descr = dict.get("descr");
        Object fortran = dict.get("fortran_order");
        Object shapeValue = dict.get("shape");
        if (!(descr instanceof String descrText)) {
            throw new IllegalArgumentException("unsupported dtype " + descr
                    + " (structured arrays are not supported; expected a simple dtype such as '<f4')");
        }
        if (!(fortran instanceof Boolean fortranOrder)) {
            throw new IllegalArgumentException(".npy header has no boolean 'fortran_order': " + header.strip());
        }
        if (!(shapeValue instanceof List<?> shapeList)) {
            throw new IllegalArgumentException(".npy header has no 'shape' tuple: " + header.strip());
        }
        int[] shape = new int[shapeList.size()];
        for (int i = 0; i < shape.length; i++) {
            if (!(shapeList.get(i) instanceof Long dim) || dim < 0 || dim > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("bad dimension in shape " + shapeList);
            }
            shape[i] = (int) (long) dim;
        }
        DtypeParts dtype = DtypeParts.of(descrText);
        long size;
        long byteCount;
        try {
            size = product(shape);
            byteCount = Math.multiplyExact(size, (long) dtype.itemSize);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " is too large");
        }
        if (dtype.kind == Kind.OBJECT) {
            return new NpyArray(Kind.OBJECT, 8, ByteOrder.LITTLE_ENDIAN, shape,
                    Arrays.copyOfRange(bytes, dataStart, bytes.length));
        }
        if (byteCount > bytes.length - dataStart) {
            throw new IllegalArgumentException("truncated data: shape " + Arrays.toString(shape) + " of " + descrText
                    + " needs " + byteCount + " bytes, the array has " + (bytes.length - dataStart));
        }
        byte[] data = Arrays.copyOfRange(bytes, dataStart, dataStart + (int) byteCount);
        if (fortranOrder && shape.length > 1) {
            data = fortranToC(data, shape, dtype.itemSize);
        }
        return new NpyArray(dtype.kind, dtype.itemSize, dtype.order, shape, data);
    }

    /** Fortran order stores the first index fastest; walk the C-order positions and pick each element. */
    private static byte[] fortranToC(byte[] data, int[] shape, int itemSize) {
        byte[] out = new byte[data.length];
        int[] index = new int[shape.length];
        long[] fortranStride = new long[shape.length];
        long stride = 1;
        for (int axis = 0; axis < shape.length; axis++) {
            fortranStride[axis] = stride;
            stride *= shape[axis];
        }
        long count = product(shape);
        for (long c = 0; c < count; c++) {
            long f = 0;
            for (int axis = 0; axis < shape.length; axis++) {
                f += index[axis] * fortranStride[axis];
            }
            System.arraycopy(data, (int) (f * itemSize), out, (int) (c * itemSize), itemSize);
            for (int axis = shape.length - 1; axis >= 0; axis--) {
                if (++index[axis] < shape[axis]) {
                    break;
                }
                index[axis] = 0;
            }
        }
        return out;
    }

    private record DtypeParts(Kind kind, int itemSize, ByteOrder order) {

        static DtypeParts of(String descr) {
            if (descr.length() < 2) {
                throw new IllegalArgumentException("unsupported dtype '" + descr + "'");
            }
            char byteOrder = descr.charAt(0);
            char kindChar = descr.charAt(1);
            String sizeText = descr.substring(2);
            if (kindChar == 'O') {
                return new DtypeParts(Kind.OBJECT, 8, ByteOrder.LITTLE_ENDIAN);
            }
            Kind kind = switch (kindChar) {
                case 'f' -> Kind.FLOAT;
                case 'i' -> Kind.SIGNED_INTEGER;
                case 'u' -> Kind.UNSIGNED_INTEGER;
                case 'b' -> Kind.BOOL;
                default -> null;
            };
            int itemSize = sizeText.matches("[0-9]{1,2}") ? Integer.parseInt(sizeText) : -1;
            boolean supportedSize = switch (kindChar) {
                case 'f' -> itemSize == 4 || itemSize == 8;
                case 'i', 'u' -> itemSize == 1 || itemSize == 2 || itemSize == 4 || itemSize == 8;
                case 'b' -> itemSize == 1;
                default -> false;
            };
            if (kind == null || !supportedSize) {
                throw new IllegalArgumentException("unsupported dtype '" + descr
                        + "' (supported: f4 f8 i1 i2 i4 i8 u1 u2 u4 u8 b1, and object arrays, which are skipped)");
            }
            ByteOrder order = switch (byteOrder) {
                case '<', '|' -> ByteOrder.LITTLE_ENDIAN;
                case '>' -> ByteOrder.BIG_ENDIAN;
                default -> throw new IllegalArgumentException("unsupported byte order '" + byteOrder + "' in dtype '"
                        + descr + "' (NumPy writes '<', '>' or '|')");
            };
            if (byteOrder == '|' && itemSize != 1) {
                throw new IllegalArgumentException("dtype '" + descr + "' has no byte order but " + itemSize
                        + " bytes");
            }
            return new DtypeParts(kind, itemSize, order);
        }
    }

    /**
     * The subset of Python literal syntax that {@code .npy} headers use: dicts, tuples, lists, quoted
     * strings, integers (an old Python 2 {@code L} suffix allowed), True, False and None.
     */
    private static final class PythonLiteral {

        private final String text;
        private int at;

        PythonLiteral(String text) {
            this.text = text;
        }

        Object parseWhole() {
            Object value = value();
            skipSpace();
            if (at != text.length()) {
                throw error("unexpected text after the header dict");
            }
            return value;
        }

        private Object value() {
            skipSpace();
            if (at >= text.length()) {
                throw error("unexpected end");
            }
            char c = text.charAt(at);
            if (c == '{') {
                return dict();
            }
            if (c == '(' || c == '[') {
                return sequence(c == '(' ? ')' : ']');
            }
            if (c == '\'' || c == '"') {
                return string(c);
            }
            if (c == '-' || Character.isDigit(c)) {
                return integer();
            }
            for (String word : new String[] {"True", "False", "None"}) {
                if (text.startsWith(word, at)) {
                    at += word.length();
                    return word.equals("None") ? null : Boolean.valueOf(word.equals("True"));
                }
            }
            throw error("unexpected character '" + c + "'");
        }

        private Map<String, Object> dict() {
            Map<String, Object> map = new LinkedHashMap<>();
            at++;
            while (true) {
                skipSpace();
                if (peek('}')) {
                    at++;
                    return map;
                }
                Object key = value();
                if (!(key instanceof String name)) {
                    throw error("dict key is not a string");
                }
                skipSpace();
                expect(':');
                map.put(name, value());
                skipSpace();
                if (peek(',')) {
                    at++;
                } else if (!peek('}')) {
                    throw error("expected ',' or '}'");
                }
            }
        }

        private List<Object> sequence(char close) {
            List<Object> items = new ArrayList<>();
            at++;
            while (true) {
                skipSpace();
                if (peek(close)) {
                    at++;
                    return items;
                }
                items.add(value());
                skipSpace();
                if (peek(',')) {
                    at++;
                } else if (!peek(close)) {
                    throw error("expected ',' or '" + close + "'");
                }
            }
        }

        private String string(char quote) {
            int end = text.indexOf(quote, at + 1);
            if (end < 0) {
                throw error("unterminated string");
            }
            String value = text.substring(at + 1, end);
            at = end + 1;
            return value;
        }

        private Long integer() {
            int start = at;
            if (peek('-')) {
                at++;
            }
            while (at < text.length() && Character.isDigit(text.charAt(at))) {
                at++;
            }
            try {
                long value = Long.parseLong(text.substring(start, at));
                if (peek('L')) {
                    at++;
                }
                return value;
            } catch (NumberFormatException e) {
                throw error("bad integer");
            }
        }

        private boolean peek(char c) {
            return at < text.length() && text.charAt(at) == c;
        }

        private void expect(char c) {
            if (!peek(c)) {
                throw error("expected '" + c + "'");
            }
            at++;
        }

        private void skipSpace() {
            while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
                at++;
            }
        }

        private IllegalArgumentException error(String what) {
            return new IllegalArgumentException("malformed .npy header (" + what + " at character " + at + "): "
                    + text);
        }
    }

    @Override
    public String toString() {
        return "NpyArray(" + descr() + ", shape " + Arrays.toString(shape) + ")";
    }
}
