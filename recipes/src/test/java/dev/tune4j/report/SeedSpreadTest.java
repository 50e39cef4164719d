package dev.tune4j.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

class SeedSpreadTest {
    @Test
    void meanAndSampleStandardDeviation() {
        // mean 7/3; squared deviations (4/3)^2 + (1/3)^2 + (5/3)^2 = 42/9, over n - 1 = 2: 7/3
        SeedSpread spread = SeedSpread.of(List.of(1.0, 2.0, 4.0));
        assertEquals(7.0 / 3, spread.mean(), 1e-12);
        assertEquals(Math.sqrt(7.0 / 3), spread.std(), 1e-12);
        assertEquals(3, spread.seeds());
    }

    @Test
    void oneSeedHasZeroSpreadAndNoSeedsNoSpread() {
        assertEquals(new SeedSpread(2.5, 0, 1), SeedSpread.of(List.of(2.5)));
        assertNull(SeedSpread.of(List.of()));
    }
}
