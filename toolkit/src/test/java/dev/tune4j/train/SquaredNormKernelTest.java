package dev.tune4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tune4j.testing.DeterministicTensors;
import dev.tune4j.testing.KernelThreadCounts;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
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
                            SquaredNormKernel.sumOfSquares(memory, count), 0.0, threads + " threads"));
                }
            }
        }
        double plain = 0;
        for (float value : values) {
            plain += (double) value * value;
        }
        assertEquals(plain, expected, Math.ulp(plain) * 64, "close to the plain sequential sum");
    }
}
