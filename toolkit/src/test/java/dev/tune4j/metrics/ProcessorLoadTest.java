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
    void busySecondsAreTheNonIdleTicksOfTheAggregateLine() {
        // a line in the kernel's format, written by hand: user 1000, nice 20, system 300, idle 9000, iowait 55,
        // irq 5, softirq 25, steal 50, guest 7 (already in user), guest_nice 0 -> 1400 busy ticks = 14.0 s
        assertEquals(OptionalDouble.of(14.0),
                ProcessorLoad.parseBusyCpuSeconds("cpu  1000 20 300 9000 55 5 25 50 7 0"));
        assertTrue(ProcessorLoad.parseBusyCpuSeconds("cpu0 1000 20 300 9000 55 5 25 50 7 0").isEmpty(), "one core");
        assertTrue(ProcessorLoad.parseBusyCpuSeconds("cpu  1000 20 300").isEmpty(), "too short");
        assertTrue(ProcessorLoad.parseBusyCpuSeconds("cpu  1000 x 300 9000 55 5 25 50 7 0").isEmpty());
    }

    @Test
    void theMachineCountsThisThreadsWork() {
        double before = ProcessorLoad.machineBusyCpuSeconds().orElseThrow();
        long sink = busyFor(300_000_000L);
        double after = ProcessorLoad.machineBusyCpuSeconds().orElseThrow();
        assertTrue(after - before >= 0.2, "machine busy seconds " + before + " -> " + after + " (" + sink + ")");
    }

    @Test
    void cpuTimeGrowsWhileThisThreadWorks() {
        double before = ProcessorLoad.processCpuSeconds().orElseThrow();
        long sink = busyFor(200_000_000L);
        double after = ProcessorLoad.processCpuSeconds().orElseThrow();
        assertTrue(after - before >= 0.1, "cpu seconds " + before + " -> " + after + " (" + sink + ")");
    }

    @Test
    void readsThisMachine() {
        assertTrue(ProcessorLoad.cores() >= 1);
        OptionalDouble load = ProcessorLoad.loadAverage1m();
        assertTrue(load.isPresent() && load.getAsDouble() >= 0, "this test needs Linux's /proc/loadavg: " + load);
    }

    /** Keeps this thread busy for {@code nanos}; returns a value the loop computed, so the JIT cannot drop it. */
    static long busyFor(long nanos) {
        long sink = 0;
        long end = System.nanoTime() + nanos;
        while (System.nanoTime() < end) {
            sink += Long.numberOfTrailingZeros(sink + end);
        }
        return sink;
    }
}
