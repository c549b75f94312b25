package io.github.imitation.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class NpyArrayTest {

    /** An .npy file with the given header text and data, as NumPy lays it out. */
    static byte[] npy(int major, String header, byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
        byte[] text = (header + "\n").getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer length = ByteBuffer.allocate(major == 1 ? 2 : 4).order(ByteOrder.LITTLE_ENDIAN);
        if (major == 1) {
            length.putShort((short) text.length);
        } else {
            length.putInt(text.length);
        }
        out.writeBytes(length.array());
        out.writeBytes(text);
        out.writeBytes(data);
        return out.toByteArray();
    }

    @Test
    void writesNumpysLayout() {
        byte[] bytes = NpyArray.ofFloat32(new float[] {1.5f, -2f}, 2).toNpyBytes();
        String header = new String(bytes, 10, bytes.length - 10 - 8, StandardCharsets.ISO_8859_1);
        assertTrue(header.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }"), header);
        assertTrue(header.endsWith(" \n"));
        assertEquals(0, (bytes.length - 8) % 64, "data starts 64-byte aligned, as np.save writes it");
        assertEquals(1, bytes[6]);
        assertTrue(new String(NpyArray.ofInt64(new long[6], 2, 3).toNpyBytes(), StandardCharsets.ISO_8859_1)
                .contains("'shape': (2, 3), }"));
        assertTrue(new String(NpyArray.ofFloat64(new double[] {7}).toNpyBytes(), StandardCharsets.ISO_8859_1)
                .contains("'shape': (), }"));
    }

    @Test
    void roundTripsEveryWrittenType() {
        NpyArray floats = NpyArray.parse(NpyArray.ofFloat32(new float[] {-0f, Float.NaN, 3e38f, 1e-45f}, 2, 2).toNpyBytes());
        assertEquals("<f4", floats.descr());
        assertArrayEquals(new int[] {2, 2}, floats.shape());
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits((float) floats.getDouble(0)));
        assertTrue(Double.isNaN(floats.getDouble(1)));
        assertEquals(1e-45f, (float) floats.getDouble(3));
        NpyArray doubles = NpyArray.parse(NpyArray.ofFloat64(new double[] {0.1, -1e300}, 2).toNpyBytes());
        assertEquals(-1e300, doubles.getDouble(1));
        NpyArray longs = NpyArray.parse(NpyArray.ofInt64(new long[] {Long.MIN_VALUE, 7}, 2).toNpyBytes());
        assertEquals(Long.MIN_VALUE, longs.getLong(0));
        assertEquals(7.0, longs.getDouble(1));
        NpyArray ints = NpyArray.parse(NpyArray.ofInt32(new int[] {-3}, 1).toNpyBytes());
        assertEquals("<i4", ints.descr());
        assertEquals(-3, ints.getLong(0));
        NpyArray bools = NpyArray.parse(NpyArray.ofBool(new boolean[] {true, false, true}, 3).toNpyBytes());
        assertEquals("|b1", bools.descr());
        assertEquals(true, bools.getBoolean(2));
        assertEquals(false, bools.getBoolean(1));
        NpyArray empty = NpyArray.parse(NpyArray.ofInt64(new long[0], 0).toNpyBytes());
        assertEquals(0, empty.size());
    }

    @Test
    void readsBigEndianFortranOrderVersion2AndPython2Headers() {
        ByteBuffer bigEndian = ByteBuffer.allocate(16).order(ByteOrder.BIG_ENDIAN).putDouble(1.25).putDouble(-3.5);
        NpyArray big = NpyArray.parse(npy(1, "{'descr': '>f8', 'fortran_order': False, 'shape': (2,), }", bigEndian.array()));
        assertEquals(-3.5, big.getDouble(1));
        assertEquals(">f8", big.descr());

        // [[1, 2, 3], [4, 5, 6]] in Fortran order is 1, 4, 2, 5, 3, 6.
        ByteBuffer fortran = ByteBuffer.allocate(6 * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : new int[] {1, 4, 2, 5, 3, 6}) {
            fortran.putInt(v);
        }
        NpyArray matrix = NpyArray.parse(npy(2, "{'descr': '<i4', 'fortran_order': True, 'shape': (2, 3), }",
                fortran.array()));
        for (int i = 0; i < 6; i++) {
            assertEquals(i + 1, matrix.getLong(i));
        }

        NpyArray python2 = NpyArray.parse(npy(1, "{'descr': '|u1', 'fortran_order': False, 'shape': (2L,), }",
                new byte[] {(byte) 255, 1}));
        assertEquals(255, python2.getLong(0));

        NpyArray unsigned = NpyArray.parse(npy(3, "{\"descr\": \"<u8\", \"fortran_order\": False, \"shape\": (1,)}",
                new byte[] {-1, -1, -1, -1, -1, -1, -1, -1}));
        assertEquals(1.8446744073709552E19, unsigned.getDouble(0));
        assertThrows(ArithmeticException.class, () -> unsigned.getLong(0));
    }

    @Test
    void objectArraysKeepTheirShapeButNeverTheirContent() {
        NpyArray objects = NpyArray.parse(npy(1, "{'descr': '|O', 'fortran_order': False, 'shape': (3,), }",
                new byte[] {(byte) 0x80, 2, '.'}));
        assertTrue(objects.isObject());
        assertEquals(3, objects.size());
        assertThrows(IllegalStateException.class, () -> objects.getDouble(0));
    }

    @Test
    void malformedArraysSayWhy() {
        assertEquals("not a .npy array (the magic string \\x93NUMPY is missing)",
                assertThrows(IllegalArgumentException.class, () -> NpyArray.parse("hello, world".getBytes(StandardCharsets.US_ASCII)))
                        .getMessage());
        assertEquals("truncated data: shape [4] of <f8 needs 32 bytes, the array has 8",
                assertThrows(IllegalArgumentException.class, () -> NpyArray.parse(
                        npy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (4,), }", new byte[8]))).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> NpyArray.parse(
                npy(1, "{'descr': [('x', '<f4')], 'fortran_order': False, 'shape': (1,), }", new byte[4]))).getMessage()
                .startsWith("unsupported dtype [[x, <f4]] (structured arrays are not supported"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> NpyArray.parse(
                npy(1, "{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }", new byte[16]))).getMessage()
                .startsWith("unsupported dtype '<c16'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> NpyArray.parse(
                npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,", new byte[4]))).getMessage()
                .startsWith("malformed .npy header"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> NpyArray.parse(
                npy(4, "{}", new byte[0]))).getMessage().startsWith("unsupported .npy format version 4.0"));
    }
}
