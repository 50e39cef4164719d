package dev.tune4j.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tune4j.testing.KernelThreadCounts;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every chunk runs once with its fixed bounds, on any thread count; failures and nested calls. */
class KernelThreadsTest {
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 5})
    void everyChunkRunsOnceWithItsFixedBounds(int threads) {
        long count = 10 * 1000 + 7;
        long chunk = 1000;
        AtomicIntegerArray runs = new AtomicIntegerArray(11);
        long[] bounds = new long[22];
        KernelThreadCounts.with(threads, () -> KernelThreads.forEachChunk(count, chunk, (c, from, to) -> {
            runs.incrementAndGet(c);
            bounds[2 * c] = from;
            bounds[2 * c + 1] = to;
        }));
        long[] expected = new long[22];
        for (int c = 0; c < 11; c++) {
            assertEquals(1, runs.get(c), "chunk " + c);
            expected[2 * c] = c * chunk;
            expected[2 * c + 1] = Math.min(count, (c + 1) * chunk);
        }
        assertArrayEquals(expected, bounds);
        assertEquals(11, KernelThreads.chunks(count, chunk));
        assertEquals(0, KernelThreads.chunks(0, chunk));
    }

    @Test
    void theFirstFailureIsRethrownAfterEveryChunkRan() {
        AtomicIntegerArray runs = new AtomicIntegerArray(8);
        IllegalStateException failure = new IllegalStateException("chunk 3");
        KernelThreadCounts.with(2, () -> {
            var thrown = assertThrows(IllegalStateException.class, () -> KernelThreads.forEachChunk(8, 1,
                    (c, from, to) -> {
                        runs.incrementAndGet(c);
                        if (c == 3) {
                            throw failure;
                        }
                    }));
            assertSame(failure, thrown);
        });
        for (int c = 0; c < 8; c++) {
            assertEquals(1, runs.get(c), "chunk " + c);
        }
    }

    @Test
    void aNestedCallRunsOnItsOwnThread() {
        AtomicIntegerArray inner = new AtomicIntegerArray(16);
        KernelThreadCounts.with(2, () -> KernelThreads.forEachChunk(4, 1, (outer, from, to) ->
                KernelThreads.forEachChunk(4, 1, (c, f, t) -> inner.incrementAndGet(4 * outer + c))));
        for (int i = 0; i < 16; i++) {
            assertEquals(1, inner.get(i));
        }
    }

    @Test
    void refusesNoThreads() {
        assertThrows(IllegalArgumentException.class, () -> KernelThreads.setThreads(0));
        assertThrows(IllegalArgumentException.class, () -> KernelThreads.chunks(10, 0));
    }
}
