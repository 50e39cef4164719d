package dev.tune4j.optim.adam;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tune4j.testing.DeterministicTensors;
import dev.tune4j.testing.KernelThreadCounts;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The fused kernel against its scalar twin, bit for bit, with NaN and ±Inf gradients in vector lanes and the tail. */
class FusedAdamKernelTest {
    private static final int STEPS = 20;
    /** A clipping factor whose products with the test gradients are rarely exact in float. */
    private static final float CLIP_SCALE = 0.3719f;

    /** Gradients of step {@code step}: {@code 0.1 sin(...)}, with NaN/±Inf at a few places on every third step. */
    private static float[] gradient(int size, int step) {
        float[] g = DeterministicTensors.sinArangeFloat(size, 0.1, 31 * step + 5);
        if (step % 3 == 1) {
            g[0] = Float.NaN;
            g[size / 2] = Float.POSITIVE_INFINITY;
            g[size - 1] = Float.NEGATIVE_INFINITY; // in the scalar tail when size is not a multiple of the lanes
        }
        return g;
    }

    private static MemorySegment segment(Arena arena, float[] values) {
        MemorySegment segment = arena.allocate((long) values.length * Float.BYTES, Float.BYTES);
        MemorySegment.copy(values, 0, segment, ValueLayout.JAVA_FLOAT, 0, values.length);
        return segment;
    }

    private static float[] floats(MemorySegment segment) {
        return segment.toArray(ValueLayout.JAVA_FLOAT);
    }

    @ParameterizedTest
    @CsvSource({"false, false", "false, true", "true, false", "true, true"})
    void kernelEqualsScalarTwinBitForBitWithNonFiniteGradients(boolean decoupled, boolean skipNonFinite) {
        int size = 4 * FusedAdamKernel.lanes() * 16 + 3; // vector body and a scalar tail
        float[] weight = DeterministicTensors.sinArangeFloat(size, 1.0, 0);
        float[] m = new float[size];
        float[] v = new float[size];
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment weightMemory = segment(arena, weight);
            MemorySegment mMemory = segment(arena, m);
            MemorySegment vMemory = segment(arena, v);
            for (int t = 1; t <= STEPS; t++) {
                AdamStep step = new AdamStep(1e-2, 0.9, 0.999, 1e-8, 0.05, decoupled, t);
                float[] g = gradient(size, t);
                float scale = t % 2 == 0 ? CLIP_SCALE : 1f; // clipping acts on every other step
                FusedAdamKernel.update(weightMemory, segment(arena, g), mMemory, vMemory, 0, size, step, scale,
                        skipNonFinite);
                ScalarAdam.update(weight, g, m, v, step, scale, skipNonFinite);
                String where = "decoupled " + decoupled + ", skip " + skipNonFinite + ", step " + t;
                assertArrayEquals(weight, floats(weightMemory), "weights, " + where);
                assertArrayEquals(m, floats(mMemory), "m, " + where);
                assertArrayEquals(v, floats(vMemory), "v, " + where);
            }
        }
        int nonFinite = 0;
        for (float x : weight) {
            nonFinite += Float.isFinite(x) ? 0 : 1;
        }
        // without skipping, a non-finite gradient poisons its element (m and v go non-finite, then the weight)
        if (skipNonFinite) {
            assertEquals(0, nonFinite, "skipped elements keep finite weights");
        } else {
            assertTrue(nonFinite > 0, "NaN gradients reach the weights when they are not skipped");
        }
    }

    @ParameterizedTest
    @CsvSource({"1, false", "2, false", "2, true", "3, true"})
    void chunkedUpdateOnSeveralThreadsEqualsScalarTwinBitForBit(int threads, boolean skipNonFinite) {
        int size = (int) (2.5 * FusedAdamKernel.CHUNK_ELEMENTS) + 3; // three chunks, the last with a scalar tail
        float[] weight = DeterministicTensors.sinArangeFloat(size, 1.0, 0);
        float[] m = new float[size];
        float[] v = new float[size];
        try (Arena arena = Arena.ofShared()) { // the kernel threads read and write it
            MemorySegment weightMemory = segment(arena, weight);
            MemorySegment mMemory = segment(arena, m);
            MemorySegment vMemory = segment(arena, v);
            for (int t = 1; t <= 3; t++) {
                AdamStep step = new AdamStep(1e-2, 0.9, 0.999, 1e-8, 0.05, true, t);
                float[] g = gradient(size, t);
                MemorySegment gradientMemory = segment(arena, g);
                KernelThreadCounts.with(threads, () -> FusedAdamKernel.updateInChunks(weightMemory, gradientMemory,
                        mMemory, vMemory, size, step, CLIP_SCALE, skipNonFinite));
                ScalarAdam.update(weight, g, m, v, step, CLIP_SCALE, skipNonFinite);
                assertArrayEquals(weight, floats(weightMemory), "weights, " + threads + " threads, step " + t);
                assertArrayEquals(m, floats(mMemory), "m, step " + t);
                assertArrayEquals(v, floats(vMemory), "v, step " + t);
            }
        }
    }

    /**
     * What lets the optimizer hand the clipping factor to the kernel instead of scaling every gradient first: scaling
     * each element as it is read gives the same bits as a step on the gradient scaled beforehand (one float multiply).
     */
    @ParameterizedTest
    @CsvSource({"false", "true"})
    void scalingTheGradientAsItIsReadEqualsScalingItFirst(boolean decoupled) {
        int size = 4 * FusedAdamKernel.lanes() * 16 + 3;
        float[] g = gradient(size, 2);
        float[] scaledFirst = new float[size];
        for (int i = 0; i < size; i++) {
            scaledFirst[i] = g[i] * CLIP_SCALE;
        }
        AdamStep step = new AdamStep(1e-2, 0.9, 0.999, 1e-8, 0.05, decoupled, 4);
        try (Arena arena = Arena.ofConfined()) {
            float[][] results = new float[2][];
            for (int run = 0; run < 2; run++) {
                float[] weight = DeterministicTensors.sinArangeFloat(size, 1.0, 0);
                float[] m = DeterministicTensors.sinArangeFloat(size, 0.01, 3);
                float[] v = new float[size];
                Arrays.fill(v, 1e-4f);
                MemorySegment weightMemory = segment(arena, weight);
                MemorySegment gradientMemory = segment(arena, run == 0 ? g : scaledFirst);
                FusedAdamKernel.update(weightMemory, gradientMemory, segment(arena, m), segment(arena, v), 0, size,
                        step, run == 0 ? CLIP_SCALE : 1f, false);
                results[run] = floats(weightMemory);
                assertArrayEquals(run == 0 ? g : scaledFirst, floats(gradientMemory), "the gradient is not written");
            }
            assertArrayEquals(results[1], results[0], "weights after the step");
            assertNotEquals(DeterministicTensors.sinArangeFloat(size, 1.0, 0)[1], results[0][1], "the step moved it");
        }
    }

    @Test
    void aSkippedElementKeepsItsWeightAndZeroesItsMoments() {
        int size = FusedAdamKernel.lanes() * 2 + 1;
        float[] weight = DeterministicTensors.sinArangeFloat(size, 1.0, 0);
        float[] g = DeterministicTensors.sinArangeFloat(size, 0.1, 7);
        float[] nonFinite = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        int[] positions = {1, FusedAdamKernel.lanes() + 1, size - 1};
        for (int k = 0; k < positions.length; k++) {
            g[positions[k]] = nonFinite[k];
        }
        float[] m = new float[size];
        float[] v = new float[size];
        Arrays.fill(m, 0.5f);
        Arrays.fill(v, 0.25f);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment weightMemory = segment(arena, weight);
            MemorySegment mMemory = segment(arena, m);
            MemorySegment vMemory = segment(arena, v);
            FusedAdamKernel.update(weightMemory, segment(arena, g), mMemory, vMemory, 0, size,
                    new AdamStep(1e-2, 0.9, 0.999, 1e-8, 0.1, true, 3), 1f, true);
            float[] after = floats(weightMemory);
            for (int position : positions) {
                assertEquals(weight[position], after[position], 0f, "weight " + position);
                assertEquals(0f, floats(mMemory)[position], 0f, "m " + position);
                assertEquals(0f, floats(vMemory)[position], 0f, "v " + position);
            }
            assertNotEquals(weight[0], after[0], "a finite element is updated");
        }
    }

    @Test
    void constantsThatOverflowFloat32AreRefused() {
        // lr·wd overflows AdamW's decay factor in float32; lr / (1 - β1) overflows the step size
        var e = assertThrows(IllegalArgumentException.class, () -> new AdamStep(1e20, 0.9, 0.999, 1e-8, 1e20, true, 1));
        assertTrue(e.getMessage().contains("decay factor"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new AdamStep(1e37, 0.999, 0.999, 1e-8, 0, false, 1));
        assertTrue(e.getMessage().contains("step size"), e.getMessage());
    }
}
