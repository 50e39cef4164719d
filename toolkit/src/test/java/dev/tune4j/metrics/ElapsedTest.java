package dev.tune4j.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ElapsedTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void secondsWithOneDecimalBelowAMinute() {
        assertEquals("0.0 s", Elapsed.format(0));
        assertEquals("0.4 s", Elapsed.format(SECOND * 4 / 10));
        assertEquals("12.3 s", Elapsed.format(12_345_000_000L));
        assertEquals("59.9 s", Elapsed.format(59_940_000_000L));
    }

    @Test
    void minutesAndWholeSecondsBelowAnHour() {
        assertEquals("1 min 0 s", Elapsed.format(59_960_000_000L), "59.96 s would print as 60.0 s");
        assertEquals("1 min 52 s", Elapsed.format(112 * SECOND));
        assertEquals("59 min 59 s", Elapsed.format(3599 * SECOND));
    }

    @Test
    void hoursAndMinutesFromAnHour() {
        assertEquals("1 h 00 min", Elapsed.format(3600 * SECOND));
        assertEquals("2 h 05 min", Elapsed.format((2 * 3600 + 5 * 60 + 10) * SECOND));
    }

    @Test
    void aClockThatWentBackwardsReadsAsZeroAndSinceIsNonNegative() {
        assertEquals("0.0 s", Elapsed.format(-5 * SECOND));
        assertTrue(Elapsed.since(System.nanoTime()).matches("0\\.\\d s"));
    }
}
