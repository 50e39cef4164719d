package dev.tune4j.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The oracle's own building blocks against tabulated values (Abramowitz and Stegun, table 7.1; normal CDF). */
class ScalarBertTest {
    @Test
    void erfMatchesTabulatedValues() {
        assertEquals(0.0, ScalarBert.erf(0.0));
        assertEquals(0.5204998778130465, ScalarBert.erf(0.5), 1e-15);
        assertEquals(0.8427007929497149, ScalarBert.erf(1.0), 1e-15);
        assertEquals(-0.8427007929497149, ScalarBert.erf(-1.0), 1e-15);
        assertEquals(0.9953222650189527, ScalarBert.erf(2.0), 1e-15);
        assertEquals(0.9999779095030014, ScalarBert.erf(3.0), 1e-15);
        assertEquals(1.0, ScalarBert.erf(7.0));
    }

    @Test
    void geluIsXTimesTheNormalCdf() {
        // Phi(1) = 0.8413447460685429
        assertEquals(0.8413447460685429, ScalarBert.gelu(1.0), 1e-15);
        assertEquals(-(1 - 0.8413447460685429), ScalarBert.gelu(-1.0), 1e-15);
        assertEquals(0.0, ScalarBert.gelu(0.0));
    }
}
