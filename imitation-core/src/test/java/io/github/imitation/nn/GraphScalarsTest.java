package io.github.imitation.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The scalar operands of differentiated ops must survive until the backward pass. The test provokes what
 * made same-seed runs differ: between forward and backward it lets the garbage collector free unreachable
 * direct buffers and then fills freshly allocated ones with a marker value. With DJL's
 * {@code x.mul(-0.5f)} / {@code x.maximum(0f)} the gradients then come out as the marker or other garbage
 * (the operand's buffer was freed and reused); with {@link GraphScalars} they are exact.
 */
class GraphScalarsTest {

    private static final float MARKER = 777f;

    @Test
    void scalarOperandsSurviveGarbageCollectionBeforeBackward() throws InterruptedException {
        Engine engine = DjlRuntime.engine();
        try (NDManager manager = engine.newBaseManager()) {
            NDArray x = manager.create(new float[] {-2f, 1f, 3f}, new Shape(3));
            x.setRequiresGradient(true);
            for (int trial = 0; trial < 3; trial++) {
                try (NDManager scope = manager.newSubManager(); GradientCollector collector = engine.newGradientCollector()) {
                    NDArray input = x.mul(scope.ones(new Shape(3)));
                    NDArray y = GraphScalars.mul(GraphScalars.maximum(input, 0f), -0.5f).sum();
                    reuseFreedNativeMemory();
                    collector.backward(y);
                    try (NDArray gradient = x.getGradient()) {
                        // d/dx of −0.5·max(x, 0): 0 where x < 0, −0.5 where x > 0.
                        assertArrayEquals(new float[] {0f, -0.5f, -0.5f}, gradient.toFloatArray(), "trial " + trial);
                        gradient.muli(0f);
                    }
                }
            }
        }
    }

    /** Frees what the collector finds unreachable (direct buffers included), then reallocates over it. */
    private static void reuseFreedNativeMemory() throws InterruptedException {
        System.gc();
        Thread.sleep(100); // the cleaner thread frees the buffers asynchronously
        List<ByteBuffer> filler = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            ByteBuffer b = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder());
            b.putFloat(0, MARKER);
            filler.add(b);
        }
    }
}
