import io.github.imitation.numerics.GlibcMath;
import io.github.imitation.numerics.NumpyFloat32Math;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One-off agreement check (not a unit test): reads the binary case files written by agreement_check.py
 * and reports, per file, how many results of GlibcMath / NumpyFloat32Math are bit-identical to glibc / NumPy.
 * Run through agreement_check.py, which compiles the project classes onto the class path.
 * A NaN expected result accepts any NaN (NaN payloads are not reproduced).
 */
public final class AgreementCheck {

    public static void main(String[] args) throws IOException {
        int failures = 0;
        for (String file : args) {
            failures += check(Path.of(file));
        }
        System.exit(failures == 0 ? 0 : 1);
    }

    private static int check(Path file) throws IOException {
        String name = file.getFileName().toString().replace(".bin", "");
        String func = name.contains("__") ? name.substring(0, name.indexOf("__")) : name;
        ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        long n = 0;
        long ok = 0;
        int shown = 0;
        long javaMathDiffers = 0;
        while (buf.hasRemaining()) {
            String detail;
            boolean same;
            boolean javaSame;
            switch (func) {
                case "pow": {
                    double x = buf.getDouble();
                    double y = buf.getDouble();
                    double expected = buf.getDouble();
                    double got = GlibcMath.pow(x, y);
                    same = sameDouble(expected, got);
                    javaSame = sameDouble(expected, StrictMath.pow(x, y));
                    detail = hex(x) + " " + hex(y) + " expected " + hex(expected) + " got " + hex(got);
                    break;
                }
                case "sin":
                case "cos": {
                    double x = buf.getDouble();
                    double expected = buf.getDouble();
                    double got = func.equals("sin") ? GlibcMath.sin(x) : GlibcMath.cos(x);
                    same = sameDouble(expected, got);
                    javaSame = sameDouble(expected, func.equals("sin") ? StrictMath.sin(x) : StrictMath.cos(x));
                    detail = hex(x) + " expected " + hex(expected) + " got " + hex(got);
                    break;
                }
                case "powf": {
                    float x = buf.getFloat();
                    float y = buf.getFloat();
                    float expected = buf.getFloat();
                    float got = GlibcMath.powf(x, y);
                    same = sameFloat(expected, got);
                    javaSame = sameFloat(expected, (float) StrictMath.pow(x, y));
                    detail = hexF(x) + " " + hexF(y) + " expected " + hexF(expected) + " got " + hexF(got);
                    break;
                }
                case "npsinf":
                case "npcosf": {
                    float x = buf.getFloat();
                    float expected = buf.getFloat();
                    boolean sin = func.equals("npsinf");
                    float got = sin ? NumpyFloat32Math.sin(x) : NumpyFloat32Math.cos(x);
                    same = sameFloat(expected, got);
                    javaSame = sameFloat(expected, (float) (sin ? StrictMath.sin(x) : StrictMath.cos(x)));
                    detail = hexF(x) + " expected " + hexF(expected) + " got " + hexF(got);
                    break;
                }
                default:
                    throw new IllegalArgumentException("unknown function in file name " + file);
            }
            n++;
            if (same) {
                ok++;
            } else if (shown++ < 10) {
                System.out.println("  MISMATCH " + name + ": " + detail);
            }
            if (!javaSame) {
                javaMathDiffers++;
            }
        }
        System.out.printf("%-28s %9d cases, %9d bit-exact (%.6f%%); StrictMath-based result differs in %d (%.4f%%)%n",
                name, n, ok, 100.0 * ok / n, javaMathDiffers, 100.0 * javaMathDiffers / n);
        return (int) Math.min(n - ok, 1);
    }

    private static boolean sameDouble(double expected, double got) {
        return Double.isNaN(expected) ? Double.isNaN(got)
                : Double.doubleToRawLongBits(expected) == Double.doubleToRawLongBits(got);
    }

    private static boolean sameFloat(float expected, float got) {
        return Float.isNaN(expected) ? Float.isNaN(got)
                : Float.floatToRawIntBits(expected) == Float.floatToRawIntBits(got);
    }

    private static String hex(double v) {
        return String.format("%016x", Double.doubleToRawLongBits(v));
    }

    private static String hexF(float v) {
        return String.format("%08x", Float.floatToRawIntBits(v));
    }
}
