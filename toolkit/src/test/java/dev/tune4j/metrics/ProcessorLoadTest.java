package dev.tune4j.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class ProcessorLoadTest {

    @Test
    void theLoadIsTheFirstFieldOfLoadavg() {
        // a line in the kernel's format, written by hand
        assertEquals(OptionalDouble.of(3.25), ProcessorLoad.parseLoadAverage("3.25 2.10 1.05 4/512 98765\n"));
    }

    @Test
    void aFieldThatIsNoLoadGivesNothing() {
        assertTrue(ProcessorLoad.parseLoadAverage("").isEmpty());
        assertTrue(ProcessorLoad.parseLoadAverage("busy 1 1 1/1 1").isEmpty());
        assertTrue(ProcessorLoad.parseLoadAverage("-1 0 0 1/1 1").isEmpty());
        assertTrue(ProcessorLoad.parseLoadAverage("NaN 0 0 1/1 1").isEmpty());
    }

    @Test
    void cpuTimeGrowsWhileThisThreadWorks() {
        double before = ProcessorLoad.processCpuSeconds().orElseThrow();
        long sink = 0;
        long end = System.nanoTime() + 200_000_000L; // 0.2 s of busy work on this thread
        while (System.nanoTime() < end) {
            sink += Long.numberOfTrailingZeros(sink + end);
        }
        double after = ProcessorLoad.processCpuSeconds().orElseThrow();
        assertTrue(after - before >= 0.1, "cpu seconds " + before + " -> " + after + " (" + sink + ")");
    }

    @Test
    void readsThisMachine() {
        assertTrue(ProcessorLoad.cores() >= 1);
        OptionalDouble load = ProcessorLoad.loadAverage1m();
        assertTrue(load.isPresent() && load.getAsDouble() >= 0, "this test needs Linux's /proc/loadavg: " + load);
    }
}
