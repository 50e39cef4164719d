package dev.tune4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tune4j.testing.DeterministicTensors;
import dev.tune4j.testing.KernelThreadCounts;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The gradient-norm kernel against its scalar twin, bit for bit, on 1, 2 and 3 threads. */
class SquaredNormKernelTest {
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 7, 8, 4099, 4 * (1 << 16), 3 * (1 << 16) + 13}) // the last two: whole and partial pairs
    void kernelEqualsScalarTwinBitForBitOnAnyThreadCount(int count) {
        float[] values = DeterministicTensors.sinArangeFloat(count, 3.0, 17);
        if (count > 2) {
            values[count / 2] = 1e-30f; // products far below the others' rounding
            values[count - 1] = 4e18f; // a square near float's range, exact in double
        }
        double expected = ScalarSquaredNorm.sumOfSquares(values, SquaredNormKernel.lanes());
        try (Arena arena = Arena.ofShared()) {
            MemorySegment memory = arena.allocate(Math.max(1, (long) count * Float.BYTES), Float.BYTES);
            MemorySegment.copy(values, 0, memory, ValueLayout.JAVA_FLOAT, 0, count);
            for (int threads : KernelThreadCounts.TESTED) {
                for (int call = 0; call < 3; call++) {
                    KernelThreadCounts.with(threads, () -> assertEquals(expected,
                            SquaredNormKernel.sumsOfSquares(List.of(memory), new long[] {count})[0], 0.0,
                            threads + " threads"));
                }
            }
        }
        double plain = 0;
        for (float value : values) {
            plain += (double) value * value;
        }
        assertEquals(plain, expected, Math.ulp(plain) * 64, "close to the plain sequential sum");
    }

    /**
     * Several tensors in one run (sizes from empty through odd and partial task pairs, in an order that mixes them):
     * each tensor's sum equals the scalar twin's for that tensor alone, bit for bit, on 1, 2 and 3 threads.
     */
    @Test
    void tensorsInOneRunEqualEachTensorsScalarTwin() {
        int[] sizes = {3 * (1 << 16) + 13, 0, 7, 4 * (1 << 16), 384, (1 << 16) + 1, 1, 5 * (1 << 16)};
        double[] expected = new double[sizes.length];
        try (Arena arena = Arena.ofShared()) {
            List<MemorySegment> memories = new ArrayList<>();
            long[] counts = new long[sizes.length];
            for (int k = 0; k < sizes.length; k++) {
                float[] values = DeterministicTensors.sinArangeFloat(sizes[k], 1.0 + k, 100 * k);
                expected[k] = ScalarSquaredNorm.sumOfSquares(values, SquaredNormKernel.lanes());
                MemorySegment memory = arena.allocate(Math.max(1, (long) sizes[k] * Float.BYTES), Float.BYTES);
                MemorySegment.copy(values, 0, memory, ValueLayout.JAVA_FLOAT, 0, sizes[k]);
                memories.add(memory);
                counts[k] = sizes[k];
            }
            for (int threads : KernelThreadCounts.TESTED) {
                KernelThreadCounts.with(threads, () -> assertArrayEquals(expected,
                        SquaredNormKernel.sumsOfSquares(memories, counts), threads + " threads"));
            }
        }
    }
}
