package dev.tune4j.metrics;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

class ProcessMemoryPeakTest {
    private static final long MIB = 1L << 20;

    /** Touch 256 MiB of native memory, free it, reset: the peak must drop back near the current RSS. */
    @Test
    void resetPeakForgetsAFreedAllocation() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment block = arena.allocate(256 * MIB);
            for (long offset = 0; offset < block.byteSize(); offset += 4096) {
                block.set(java.lang.foreign.ValueLayout.JAVA_BYTE, offset, (byte) 1);
            }
        }
        ProcessMemory before = ProcessMemory.read();
        assumeTrue(before.peakResidentBytes() > 0, "no /proc/self/status here");
        assertTrue(before.peakResidentBytes() >= before.residentBytes() + 200 * MIB,
                "the freed 256 MiB should still be in the peak: " + before);
        assumeTrue(ProcessMemory.resetPeak(), "the kernel refused /proc/self/clear_refs");
        ProcessMemory after = ProcessMemory.read();
        assertTrue(after.peakResidentBytes() < before.peakResidentBytes() - 200 * MIB,
                "peak not reset: " + before + " then " + after);
        assertTrue(after.peakResidentBytes() >= after.residentBytes() - 8 * MIB, after.toString());
    }
}
