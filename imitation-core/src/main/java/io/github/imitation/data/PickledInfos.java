package io.github.imitation.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Writes (never reads) the pickle of a 1-D NumPy object array of dicts: the {@code infos} member that
 * HumanCompatibleAI/imitation's {@code .npz} files hold and its loader requires.
 *
 * <p>Protocol 2, the same opcodes {@code pickle.dumps(array, protocol=2)} emits, without the memo. The
 * array is rebuilt through {@code numpy.core.multiarray._reconstruct}: NumPy 1.x's name, which NumPy 2 keeps
 * importable without a warning precisely for old pickles, so both load the file. JSON values map to
 * Python's: object to dict, array to list, string to str, integer to int, other numbers to float, booleans
 * and null to True, False and None.
 */
final class PickledInfos {

    private static final int PROTO = 0x80;
    private static final int GLOBAL = 'c';
    private static final int BININT1 = 'K';
    private static final int BININT = 'J';
    private static final int LONG1 = 0x8a;
    private static final int LONG4 = 0x8b;
    private static final int BINFLOAT = 'G';
    private static final int BINUNICODE = 'X';
    private static final int NONE = 'N';
    private static final int NEWTRUE = 0x88;
    private static final int NEWFALSE = 0x89;
    private static final int TUPLE1 = 0x85;
    private static final int TUPLE3 = 0x87;
    private static final int MARK = '(';
    private static final int TUPLE = 't';
    private static final int REDUCE = 'R';
    private static final int BUILD = 'b';
    private static final int EMPTY_LIST = ']';
    private static final int APPENDS = 'e';
    private static final int EMPTY_DICT = '}';
    private static final int SETITEMS = 'u';
    private static final int STOP = '.';

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private PickledInfos() {
    }

    /** The pickle of {@code numpy.array(dicts, dtype=object)}, one dict per element. */
    static byte[] objectArrayOfDicts(List<ObjectNode> dicts) {
        PickledInfos pickle = new PickledInfos();
        pickle.array(dicts);
        return pickle.out.toByteArray();
    }

    private void array(List<ObjectNode> dicts) {
        op(PROTO);
        op(2);
        // _reconstruct(ndarray, (0,), 'b'): an empty array that BUILD then fills in.
        global("numpy.core.multiarray", "_reconstruct");
        global("numpy", "ndarray");
        smallInt(0);
        op(TUPLE1);
        string("b");
        op(TUPLE3);
        op(REDUCE);
        // State: (version 1, shape, dtype('O'), not Fortran order, list of the elements).
        op(MARK);
        smallInt(1);
        integer(dicts.size());
        op(TUPLE1);
        objectDtype();
        op(NEWFALSE);
        op(EMPTY_LIST);
        if (!dicts.isEmpty()) {
            op(MARK);
            for (ObjectNode dict : dicts) {
                value(dict);
            }
            op(APPENDS);
        }
        op(TUPLE);
        op(BUILD);
        op(STOP);
    }

    /** {@code numpy.dtype('O8', False, True)} with the state NumPy pickles for the object dtype. */
    private void objectDtype() {
        global("numpy", "dtype");
        string("O8");
        op(NEWFALSE);
        op(NEWTRUE);
        op(TUPLE3);
        op(REDUCE);
        op(MARK);
        smallInt(3);
        string("|");
        op(NONE);
        op(NONE);
        op(NONE);
        integer(-1);
        integer(-1);
        smallInt(63);
        op(TUPLE);
        op(BUILD);
    }

    private void value(JsonNode node) {
        switch (node.getNodeType()) {
            case OBJECT -> {
                op(EMPTY_DICT);
                if (!node.isEmpty()) {
                    op(MARK);
                    for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
                        Map.Entry<String, JsonNode> field = fields.next();
                        string(field.getKey());
                        value(field.getValue());
                    }
                    op(SETITEMS);
                }
            }
            case ARRAY -> {
                op(EMPTY_LIST);
                if (!node.isEmpty()) {
                    op(MARK);
                    for (JsonNode item : node) {
                        value(item);
                    }
                    op(APPENDS);
                }
            }
            case STRING -> string(node.textValue());
            case BOOLEAN -> op(node.booleanValue() ? NEWTRUE : NEWFALSE);
            case NULL, MISSING -> op(NONE);
            case NUMBER -> {
                if (node.isIntegralNumber()) {
                    bigInteger(node.bigIntegerValue());
                } else {
                    op(BINFLOAT);
                    long bits = Double.doubleToRawLongBits(node.doubleValue());
                    for (int shift = 56; shift >= 0; shift -= 8) {
                        op((int) (bits >>> shift) & 0xFF); // BINFLOAT is big-endian
                    }
                }
            }
            default -> throw new IllegalArgumentException("an info holds a " + node.getNodeType()
                    + " value, which JSON cannot express");
        }
    }

    private void global(String module, String name) {
        op(GLOBAL);
        ascii(module + "\n" + name + "\n");
    }

    private void smallInt(int value) {
        op(BININT1);
        op(value);
    }

    private void integer(long value) {
        bigInteger(BigInteger.valueOf(value));
    }

    private void bigInteger(BigInteger value) {
        if (value.bitLength() < 32) {
            op(BININT);
            int v = value.intValue();
            for (int shift = 0; shift < 32; shift += 8) {
                op((v >>> shift) & 0xFF);
            }
            return;
        }
        // LONG1 / LONG4: little-endian two's complement (BigInteger gives it big-endian).
        byte[] bigEndian = value.toByteArray();
        if (bigEndian.length < 256) {
            op(LONG1);
            op(bigEndian.length);
        } else {
            op(LONG4);
            littleEndianInt(bigEndian.length);
        }
        for (int i = bigEndian.length - 1; i >= 0; i--) {
            op(bigEndian[i] & 0xFF);
        }
    }

    private void string(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        op(BINUNICODE);
        littleEndianInt(utf8.length);
        out.writeBytes(utf8);
    }

    private void littleEndianInt(int value) {
        for (int shift = 0; shift < 32; shift += 8) {
            op((value >>> shift) & 0xFF);
        }
    }

    private void ascii(String text) {
        out.writeBytes(text.getBytes(StandardCharsets.US_ASCII));
    }

    private void op(int b) {
        out.write(b);
    }
}
