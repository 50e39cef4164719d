package dev.tune4j.metrics;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class OtherProcessesCpuTest {

    /** A child process that spins one core for 0.6 s while this thread waits: its CPU shows up as others'. */
    @Test
    void aBusyChildProcessIsCountedAndThisThreadsOwnWorkIsNot() throws Exception {
        OtherProcessesCpu meter = new OtherProcessesCpu();
        meter.start();
        long sink = ProcessorLoadTest.busyFor(400_000_000L); // 0.4 s of this process's own work
        double own = meter.stop().orElseThrow();
        assertTrue(own < 0.2, "this process's own 0.4 s counted as others': " + own + " (" + sink + ")");

        meter.start();
        Process spinner = new ProcessBuilder("sh", "-c", "end=$(($(date +%s%N) + 600000000));"
                + " while [ $(date +%s%N) -lt $end ]; do :; done").start();
        spinner.waitFor();
        double others = meter.stop().orElseThrow();
        assertTrue(others >= 0.3, "a child that spun a core for 0.6 s took " + others + " s of others' CPU");
    }
}
