import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Helper of generate_vectors.py: evaluates the plain-Java alternatives (java.lang.Math and StrictMath) on a
 * binary file of arguments so that the generator can pick arguments where glibc / NumPy give other bits.
 *
 * <p>Usage: {@code java JavaReference.java FUNC IN OUT} where FUNC is pow, sin, cos (double arguments, IN holds
 * x or x,y records), or powf, sinf, cosf (float arguments, computed in double and rounded to float). OUT receives,
 * per record, the Math result followed by the StrictMath result, little-endian.
 */
public final class JavaReference {

    public static void main(String[] args) throws IOException {
        String func = args[0];
        ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(Path.of(args[1]))).order(ByteOrder.LITTLE_ENDIAN);
        boolean isFloat = func.endsWith("f");
        boolean binary = func.startsWith("pow");
        int inSize = (isFloat ? 4 : 8) * (binary ? 2 : 1);
        int n = in.remaining() / inSize;
        ByteBuffer out = ByteBuffer.allocate(n * (isFloat ? 8 : 16)).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            switch (func) {
                case "pow": {
                    double x = in.getDouble();
                    double y = in.getDouble();
                    out.putDouble(Math.pow(x, y)).putDouble(StrictMath.pow(x, y));
                    break;
                }
                case "sin": {
                    double x = in.getDouble();
                    out.putDouble(Math.sin(x)).putDouble(StrictMath.sin(x));
                    break;
                }
                case "cos": {
                    double x = in.getDouble();
                    out.putDouble(Math.cos(x)).putDouble(StrictMath.cos(x));
                    break;
                }
                case "powf": {
                    float x = in.getFloat();
                    float y = in.getFloat();
                    out.putFloat((float) Math.pow(x, y)).putFloat((float) StrictMath.pow(x, y));
                    break;
                }
                case "sinf": {
                    float x = in.getFloat();
                    out.putFloat((float) Math.sin(x)).putFloat((float) StrictMath.sin(x));
                    break;
                }
                case "cosf": {
                    float x = in.getFloat();
                    out.putFloat((float) Math.cos(x)).putFloat((float) StrictMath.cos(x));
                    break;
                }
                default:
                    throw new IllegalArgumentException("unknown function " + func);
            }
        }
        Files.write(Path.of(args[2]), out.array());
    }
}
