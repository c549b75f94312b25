package io.github.imitation.numerics;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Bit-exact comparison of {@link GlibcMath} and {@link NumpyFloat32Math} with vectors recorded from glibc 2.36
 * (x86-64, FMA build) and NumPy 2.4.6 by {@code tools/numerics/generate_vectors.py}. Each vector file line holds
 * the inputs and the expected result as hexadecimal IEEE bit patterns. An expected NaN accepts any NaN.
 */
class NumericsVectorTest {

    private static final int MAX_REPORTED = 25;

    @Test
    void powWithExponentTwo() throws IOException {
        checkDoubles("pow2.txt", 2, v -> GlibcMath.pow(v[0], 2.0), "pow(x, 2)");
    }

    @Test
    void pow() throws IOException {
        checkDoubles("pow.txt", 3, v -> GlibcMath.pow(v[0], v[1]), "pow(x, y)");
    }

    @Test
    void sin() throws IOException {
        checkDoubles("sin.txt", 2, v -> GlibcMath.sin(v[0]), "sin(x)");
    }

    @Test
    void cos() throws IOException {
        checkDoubles("cos.txt", 2, v -> GlibcMath.cos(v[0]), "cos(x)");
    }

    @Test
    void powf() throws IOException {
        checkFloats("powf.txt", 3, v -> GlibcMath.powf(v[0], v[1]), "powf(x, y)");
    }

    @Test
    void numpyFloat32Sin() throws IOException {
        checkFloats("numpy_sin.txt", 2, v -> NumpyFloat32Math.sin(v[0]), "np.sin(float32 x)");
    }

    @Test
    void numpyFloat32Cos() throws IOException {
        checkFloats("numpy_cos.txt", 2, v -> NumpyFloat32Math.cos(v[0]), "np.cos(float32 x)");
    }

    @FunctionalInterface
    private interface DoubleFunction {
        double apply(double[] inputs);
    }

    @FunctionalInterface
    private interface FloatFunction {
        float apply(float[] inputs);
    }

    private static void checkDoubles(String file, int columns, DoubleFunction f, String what) throws IOException {
        List<String> failures = new ArrayList<>();
        int cases = 0;
        for (String[] fields : read(file, columns)) {
            double[] in = new double[columns - 1];
            for (int i = 0; i < in.length; i++) {
                in[i] = Double.longBitsToDouble(Long.parseUnsignedLong(fields[i], 16));
            }
            double expected = Double.longBitsToDouble(Long.parseUnsignedLong(fields[columns - 1], 16));
            double actual = f.apply(in);
            cases++;
            boolean ok = Double.isNaN(expected) ? Double.isNaN(actual)
                    : Double.doubleToRawLongBits(expected) == Double.doubleToRawLongBits(actual);
            if (!ok) {
                StringBuilder sb = new StringBuilder(what).append(" with");
                for (double v : in) {
                    sb.append(' ').append(describe(v));
                }
                sb.append(": expected ").append(describe(expected)).append(", got ").append(describe(actual));
                failures.add(sb.toString());
            }
        }
        report(file, cases, failures);
    }

    private static void checkFloats(String file, int columns, FloatFunction f, String what) throws IOException {
        List<String> failures = new ArrayList<>();
        int cases = 0;
        for (String[] fields : read(file, columns)) {
            float[] in = new float[columns - 1];
            for (int i = 0; i < in.length; i++) {
                in[i] = Float.intBitsToFloat(Integer.parseUnsignedInt(fields[i], 16));
            }
            float expected = Float.intBitsToFloat(Integer.parseUnsignedInt(fields[columns - 1], 16));
            float actual = f.apply(in);
            cases++;
            boolean ok = Float.isNaN(expected) ? Float.isNaN(actual)
                    : Float.floatToRawIntBits(expected) == Float.floatToRawIntBits(actual);
            if (!ok) {
                StringBuilder sb = new StringBuilder(what).append(" with");
                for (float v : in) {
                    sb.append(' ').append(describe(v));
                }
                sb.append(": expected ").append(describe(expected)).append(", got ").append(describe(actual));
                failures.add(sb.toString());
            }
        }
        report(file, cases, failures);
    }

    private static void report(String file, int cases, List<String> failures) {
        assertTrue(cases > 1000, file + " holds only " + cases + " cases");
        if (!failures.isEmpty()) {
            StringBuilder sb = new StringBuilder();
            sb.append(failures.size()).append(" of ").append(cases).append(" vectors of ").append(file)
                    .append(" are not bit-exact:");
            for (String s : failures.subList(0, Math.min(MAX_REPORTED, failures.size()))) {
                sb.append("\n  ").append(s);
            }
            fail(sb.toString());
        }
    }

    private static List<String[]> read(String file, int columns) throws IOException {
        List<String[]> rows = new ArrayList<>();
        try (InputStream in = NumericsVectorTest.class.getResourceAsStream("/numerics/" + file)) {
            if (in == null) {
                throw new IOException("missing test resource /numerics/" + file);
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            String line;
            while ((line = reader.readLine()) != null) {
                line = line.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] fields = line.split(" ");
                if (fields.length != columns) {
                    throw new IOException(file + ": expected " + columns + " fields in line: " + line);
                }
                rows.add(fields);
            }
        }
        return rows;
    }

    private static String describe(double v) {
        return String.format("%s (0x%016x)", Double.toHexString(v), Double.doubleToRawLongBits(v));
    }

    private static String describe(float v) {
        return String.format("%s (0x%08x)", Float.toHexString(v), Float.floatToRawIntBits(v));
    }
}
