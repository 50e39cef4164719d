package dev.tune4j.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Welch's t-test and Holm's correction against the output of {@code python3 scripts/reference/welch_holm.py}
 * (scipy's {@code ttest_ind(equal_var=False)} and Holm written from its definition), the case named in each test.
 */
class WelchTestTest {
    private static final double RELATIVE = 1e-9;

    private static void assertClose(double expected, double actual) {
        assertEquals(expected, actual, Math.abs(expected) * RELATIVE, () -> "expected " + expected + ", got " + actual);
    }

    /** Case "separated eval_accuracy". */
    @Test
    void matchesScipyOnThreeSeedsEach() {
        WelchTest adamwSoaa = WelchTest.of(new double[] {0.80, 0.78, 0.82}, new double[] {0.90, 0.92, 0.91});
        assertClose(-8.520563361656336, adamwSoaa.t());
        assertClose(2.9411764705882404, adamwSoaa.degreesOfFreedom());
        assertClose(0.003659955583682602, adamwSoaa.p());
        assertFalse(adamwSoaa.exact());

        WelchTest soaaAdam = WelchTest.of(new double[] {0.90, 0.92, 0.91}, new double[] {0.89, 0.93, 0.90});
        assertClose(0.24999999999999722, soaaAdam.t());
        assertClose(2.876404494382023, soaaAdam.degreesOfFreedom());
        assertClose(0.8193716471583694, soaaAdam.p());
    }

    /** Case "unequal counts": unequal seed counts (3 and 2). */
    @Test
    void matchesScipyOnUnequalCounts() {
        WelchTest test = WelchTest.of(new double[] {4.0, 4.5, 5.0}, new double[] {2.0, 2.25});
        assertClose(7.54983443527075, test.t());
        assertClose(2.6350364963503647, test.degreesOfFreedom());
        assertClose(0.007445495441516353, test.p());
        assertEquals("t = 7.55, df = 2.6, p = 0.00745", test.describe());
    }

    /** Case "reached eval_accuracy": one sample constant, the other not, is still a t-test. */
    @Test
    void oneConstantSampleIsStillTested() {
        WelchTest test = WelchTest.of(new double[] {0.5, 0.6, 0.7}, new double[] {0.8, 0.8, 0.8});
        assertClose(-3.464101615137759, test.t());
        assertClose(2.0, test.degreesOfFreedom());
        assertClose(0.07417990022744837, test.p());
    }

    @Test
    void twoConstantSamplesAreAnExactComparison() {
        WelchTest differ = WelchTest.of(new double[] {8000, 8000}, new double[] {2000, 2000, 2000});
        assertTrue(differ.exact());
        assertEquals(0, differ.p());
        assertEquals("exact: no spread over seeds", differ.describe());
        WelchTest same = WelchTest.of(new double[] {8, 8, 8}, new double[] {8, 8});
        assertTrue(same.exact());
        assertEquals(1, same.p());
    }

    @Test
    void refusesFewerThanTwoValues() {
        assertThrows(IllegalArgumentException.class, () -> WelchTest.of(new double[] {1}, new double[] {1, 2}));
        assertThrows(IllegalArgumentException.class, () -> WelchTest.of(new double[] {1, 2}, new double[] {}));
    }

    @Test
    void pValuesPrintWithThreeSignificantDigits() {
        assertEquals("0.00366", WelchTest.formatP(0.003659955583682602));
        assertEquals("0.819", WelchTest.formatP(0.8193716471583694));
        assertEquals("0.0500", WelchTest.formatP(0.05));
        assertEquals("1.00", WelchTest.formatP(1.0));
        assertEquals("0.000100", WelchTest.formatP(1e-4));
        assertEquals("< 0.0001", WelchTest.formatP(9.99e-5));
        assertEquals("p = 0.0121", WelchTest.pClause(0.01206429152147324));
        assertEquals("p < 0.0001", WelchTest.pClause(1e-30));
    }

    /**
     * Case "separated eval_accuracy": p = (0.00366, 0.00308, 0.819) give Holm-adjusted (0.00923, 0.00923, 0.819):
     * 3 x 0.00308 = 0.00923; 2 x 0.00366 = 0.00732, raised to the running maximum 0.00923; 1 x 0.819.
     */
    @Test
    void holmMatchesTheReferenceAndTakesTheRunningMaximum() {
        List<WelchTest> tests = List.of(
                new WelchTest(-8.5, 2.9, 0.003659955583682602),
                new WelchTest(-6.4, 4.0, 0.003077708591379464),
                new WelchTest(0.25, 2.9, 0.8193716471583694));
        double[] adjusted = MetricTests.holm(tests);
        assertArrayEquals(new double[] {0.00923312577413839, 0.00923312577413839, 0.8193716471583694}, adjusted,
                1e-15);
    }

    /** Exact comparisons keep their p and do not count in the family (case "reached seconds_to_target"). */
    @Test
    void holmLeavesExactComparisonsOutOfTheFamily() {
        List<WelchTest> tests = List.of(
                new WelchTest(8.66, 2.0, 0.013072457560346515),
                new WelchTest(12.8, 2.0, 0.00603214576073662),
                new WelchTest(Double.NaN, Double.NaN, 0));
        assertArrayEquals(new double[] {0.013072457560346515, 0.01206429152147324, 0}, MetricTests.holm(tests),
                1e-15);
    }

    @Test
    void holmCapsAtOne() {
        assertArrayEquals(new double[] {1, 1}, MetricTests.holm(List.of(new WelchTest(0.1, 3, 0.6),
                new WelchTest(0.2, 3, 0.7))), 0);
    }
}
