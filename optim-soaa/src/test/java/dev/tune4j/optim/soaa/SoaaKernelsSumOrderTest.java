package dev.tune4j.optim.soaa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tune4j.testing.KernelThreadCounts;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The sums of pass 1 are the same bits on every call, cold or JIT-compiled: a step resumed in a fresh JVM must give
 * exactly the R of the uninterrupted run. The oracle below redoes the kernel's documented order in plain scalar
 * float: per-lane float partial sums over chunks of {@link SoaaKernels#CHUNK_ELEMENTS}, folded into double lane by
 * lane, then the scalar tail. {@code reduceLanes(ADD)} failed this once the loop was compiled (its order is
 * unspecified).
 */
class SoaaKernelsSumOrderTest {
    private static final int COUNT = 4099; // several chunks and a tail
    private static final float BETA1 = 0.9f;
    private static final float BETA2 = 0.999f;
    private static final float ONE_MINUS_BETA1 = (float) (1 - 0.9);
    private static final float ONE_MINUS_BETA2 = (float) (1 - 0.999);

    @Test
    void sumsAreTheLaneOrderFoldOnEveryCall() {
        SplittableRandom random = new SplittableRandom(7);
        float[] gradient = new float[COUNT];
        float[] firstMoment = new float[COUNT];
        float[] secondMoment = new float[COUNT];
        for (int i = 0; i < COUNT; i++) {
            gradient[i] = (float) random.nextGaussian();
            firstMoment[i] = (float) (0.1 * random.nextGaussian());
            secondMoment[i] = (float) (0.01 * random.nextDouble());
        }
        double[] expected = laneOrderSums(gradient, firstMoment, secondMoment);
        SoaaKernels.MomentConstants constants = new SoaaKernels.MomentConstants(BETA1, ONE_MINUS_BETA1, BETA2,
                ONE_MINUS_BETA2, 0f, 0f, 1f, 1f, 1e-8f, false, false);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment g = arena.allocate((long) COUNT * Float.BYTES, 64);
            MemorySegment m = arena.allocate((long) COUNT * Float.BYTES, 64);
            MemorySegment s = arena.allocate((long) COUNT * Float.BYTES, 64);
            MemorySegment.copy(gradient, 0, g, ValueLayout.JAVA_FLOAT, 0, COUNT);
            for (int call = 0; call < 3000; call++) { // the first calls run interpreted, the later ones compiled
                MemorySegment.copy(firstMoment, 0, m, ValueLayout.JAVA_FLOAT, 0, COUNT);
                MemorySegment.copy(secondMoment, 0, s, ValueLayout.JAVA_FLOAT, 0, COUNT);
                SoaaKernels.MomentSums sums = new SoaaKernels.MomentSums();
                SoaaKernels.updateMoments(g, 1f, m, s, null, COUNT, constants, sums);
                assertEquals(expected[0], sums.squaredMoment, 0.0, "Σ m² at call " + call);
                assertEquals(expected[1], sums.variance, 0.0, "Σ s at call " + call);
            }
        }
    }

    /**
     * Across several parallel tasks, on 1, 2 and 3 threads: pass 1's sums are still the single-thread lane-order fold,
     * and pass 2 writes the same weights and sums whatever the thread count.
     */
    @Test
    void sumsAndUpdatesAreTheSameBitsOnAnyThreadCount() {
        int count = (int) (2 * SoaaKernels.TASK_ELEMENTS) + 4099;
        SplittableRandom random = new SplittableRandom(11);
        float[] gradient = new float[count];
        float[] firstMoment = new float[count];
        float[] secondMoment = new float[count];
        float[] weight = new float[count];
        for (int i = 0; i < count; i++) {
            gradient[i] = (float) random.nextGaussian();
            firstMoment[i] = (float) (0.1 * random.nextGaussian());
            secondMoment[i] = (float) (0.01 * random.nextDouble());
            weight[i] = (float) random.nextGaussian();
        }
        double[] expected = laneOrderSums(gradient, firstMoment, secondMoment);
        SoaaKernels.MomentConstants constants = new SoaaKernels.MomentConstants(BETA1, ONE_MINUS_BETA1, BETA2,
                ONE_MINUS_BETA2, 0f, 0f, 1.1f, 1.2f, 1e-8f, false, false);
        SoaaKernels.UpdateConstants update = new SoaaKernels.UpdateConstants(1.1f, 1.2f, 30f, 0.9f, 1e-8f, 1e-4f,
                1e-3f, false);
        float[] firstWeights = null;
        double[] firstSums = null;
        try (Arena arena = Arena.ofShared()) { // the kernel threads read and write it
            MemorySegment g = segment(arena, gradient);
            for (int threads : KernelThreadCounts.TESTED) {
                MemorySegment m = segment(arena, firstMoment);
                MemorySegment s = segment(arena, secondMoment);
                MemorySegment w = segment(arena, weight);
                SoaaKernels.MomentSums sums = new SoaaKernels.MomentSums();
                SoaaKernels.UpdateSums updateSums = new SoaaKernels.UpdateSums();
                KernelThreadCounts.with(threads, () -> {
                    SoaaKernels.updateMoments(g, 1f, m, s, null, count, constants, sums);
                    SoaaKernels.applyUpdate(w, m, s, null, count, update, updateSums);
                });
                assertEquals(expected[0], sums.squaredMoment, 0.0, "Σ m² on " + threads + " threads");
                assertEquals(expected[1], sums.variance, 0.0, "Σ s on " + threads + " threads");
                float[] weights = w.toArray(ValueLayout.JAVA_FLOAT);
                double[] updateResult = {updateSums.gain, updateSums.curvature, updateSums.fisherWins};
                if (firstWeights == null) {
                    firstWeights = weights;
                    firstSums = updateResult;
                } else {
                    assertArrayEquals(firstWeights, weights, "θ on " + threads + " threads");
                    assertArrayEquals(firstSums, updateResult, 0.0, "pass 2 sums on " + threads + " threads");
                }
            }
        }
    }

    private static MemorySegment segment(Arena arena, float[] values) {
        MemorySegment segment = arena.allocate((long) values.length * Float.BYTES, 64);
        MemorySegment.copy(values, 0, segment, ValueLayout.JAVA_FLOAT, 0, values.length);
        return segment;
    }

    /** {Σ m², Σ s} after one moment update, in the kernel's order, scalar float arithmetic. */
    private static double[] laneOrderSums(float[] gradient, float[] firstMoment, float[] secondMoment) {
        int lanes = SoaaKernels.LANES;
        int count = gradient.length;
        int vectorised = count / lanes * lanes;
        double squaredSum = 0;
        double varianceSum = 0;
        for (int chunkStart = 0; chunkStart < vectorised; chunkStart += (int) SoaaKernels.CHUNK_ELEMENTS) {
            int chunkEnd = (int) Math.min(vectorised, chunkStart + SoaaKernels.CHUNK_ELEMENTS);
            float[] squared = new float[lanes];
            float[] spread = new float[lanes];
            for (int i = chunkStart; i < chunkEnd; i++) {
                float m = firstMoment[i] * BETA1 + gradient[i] * ONE_MINUS_BETA1;
                float s = secondMoment[i] * BETA2 + gradient[i] * gradient[i] * ONE_MINUS_BETA2;
                squared[i % lanes] += m * m;
                spread[i % lanes] += s;
            }
            for (int lane = 0; lane < lanes; lane++) {
                squaredSum += squared[lane];
                varianceSum += spread[lane];
            }
        }
        for (int i = vectorised; i < count; i++) {
            float m = firstMoment[i] * BETA1 + gradient[i] * ONE_MINUS_BETA1;
            float s = secondMoment[i] * BETA2 + gradient[i] * gradient[i] * ONE_MINUS_BETA2;
            squaredSum += m * m;
            varianceSum += s;
        }
        return new double[] {squaredSum, varianceSum};
    }
}
