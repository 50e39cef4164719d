package dev.tune4j.report;

import static dev.tune4j.report.SyntheticRuns.plateauLosses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tune4j.report.SyntheticRuns.Run;
import dev.tune4j.runfiles.MetricKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The "Optimizer internals" section on synthetic runs directories ({@link SyntheticRuns}, a project-made fixture)
 * whose SOAA telemetry is chosen by hand: bounds of γ = 0.25 over T = 20 steps, dt_lo = 0.75^((t−1)/20) and
 * dt_hi = 1 + 0.25^((t−1)/20), and dt placed on them, between them or near them as each test says.
 */
class OptimizerInternalsTest {
    private static final double EXACT = 1e-12;

    @TempDir
    Path dir;

    private static double lower(int step) {
        return Math.pow(0.75, (step - 1) / 20.0);
    }

    private static double upper(int step) {
        return 1 + Math.pow(0.25, (step - 1) / 20.0);
    }

    /** SOAA's four telemetry keys with dt given per step. */
    private static IntFunction<Map<String, Double>> telemetry(IntFunction<Double> dt, double fisherFraction) {
        return step -> {
            Map<String, Double> values = new LinkedHashMap<>();
            values.put(MetricKeys.SOAA_DT, dt.apply(step));
            values.put(MetricKeys.SOAA_DT_LO, lower(step));
            values.put(MetricKeys.SOAA_DT_HI, upper(step));
            values.put(MetricKeys.SOAA_FISHER_FRACTION, fisherFraction);
            return values;
        };
    }

    /** Recipe order adamw (no telemetry), soaa. */
    private SyntheticRuns runs(String name) {
        Map<String, String> variants = new LinkedHashMap<>();
        variants.put("adamw", "adamw");
        variants.put("soaa", "soaa");
        return new SyntheticRuns(dir.resolve(name)).recipe("internals", "SOAA telemetry", null, variants);
    }

    /**
     * Two seeds of 20 steps: dt on its upper bound everywhere except seed 2's step 20, where it is 1.0 (between the
     * bounds): 39 of 40 lines, 97.5%; 0.2% of elements on the dt·F branch. The upper bound runs from
     * 1 + 0.25^0 = 2 at step 1 to 1 + 0.25^(19/20) ≈ 1.268 at step 20.
     */
    @Test
    void dtOnItsUpperBoundWithFewFisherElementsIsAdamWithAMultiplier() throws IOException {
        SyntheticRuns runs = runs("adam-like");
        for (int seed = 1; seed <= 2; seed++) {
            runs.run(new Run("adamw", "adamw", seed, plateauLosses(3)));
            boolean second = seed == 2;
            runs.run(new Run("soaa", "soaa", seed, plateauLosses(3))
                    .telemetry(telemetry(step -> second && step == 20 ? 1.0 : upper(step), 0.002)));
        }
        OptimizerInternals internals = OptimizerInternals.of(ComparisonReader.read(runs.dir()));

        assertEquals(List.of("soaa"), internals.variants().stream().map(OptimizerInternals.Variant::name).toList(),
                "adamw logged no telemetry");
        OptimizerInternals.Variant soaa = internals.variants().getFirst();
        assertEquals(40, soaa.lines());
        assertEquals(39, soaa.onUpper());
        assertEquals(0, soaa.onLower());
        assertEquals(1, soaa.variantIndex(), "soaa keeps its colour: second in the recipe");
        assertEquals(List.of("soaa: dt sat on its upper bound on 97.5% of steps (40 steps over 2 seeds) and 0.2% of"
                + " elements took the dt·F branch on average: SOAA behaved as Adam with a learning-rate multiplier"
                + " of 1+γ^((t−1)/T), here from 2.000 to 1.268."),
                internals.sentences());
        // at step 20 the seeds' dt are upper(20) and 1.0: mean (upper(20) + 1) / 2, sample std |upper(20) − 1| / √2
        assertEquals(20, soaa.dt().x().size());
        assertEquals((upper(20) + 1) / 2, soaa.dt().mean().get(19), EXACT);
        assertEquals((upper(20) - 1) / Math.sqrt(2), soaa.dt().std().get(19), EXACT);
        assertEquals(upper(20), soaa.dtUpper().mean().get(19), EXACT);
        assertEquals(0.0, soaa.dtUpper().std().get(19), EXACT);
        assertEquals(lower(7), soaa.dtLower().mean().get(6), EXACT);
        assertEquals(0.002, soaa.fisherFraction().mean().get(0), EXACT);
    }

    /**
     * One seed of 20 steps: dt on its upper bound at steps 1 to 8 (40%), on its lower bound at 9 to 14 (30%),
     * halfway between at 15 to 20 (30%).
     */
    @Test
    void aTrustRegionThatActedIsSaidToHaveActed() throws IOException {
        SyntheticRuns runs = runs("acted");
        runs.run(new Run("soaa", "soaa", 1, plateauLosses(3)).telemetry(telemetry(
                step -> step <= 8 ? upper(step) : step <= 14 ? lower(step) : (lower(step) + upper(step)) / 2, 0.3)));
        OptimizerInternals internals = OptimizerInternals.of(ComparisonReader.read(runs.dir()));
        assertEquals(List.of("soaa: the trust region acted: dt was on its upper bound on 40.0% of steps (20 steps over"
                + " 1 seed), on its lower bound on 30.0% and between them on 30.0%; 30.0% of elements took the dt·F"
                + " branch on average."), internals.sentences());
    }

    /** dt on its upper bound throughout, but a fifth of the elements on the dt·F branch: not plain Adam. */
    @Test
    void manyFisherElementsAreNotAdamEvenOnTheUpperBound() throws IOException {
        SyntheticRuns runs = runs("fisher");
        runs.run(new Run("soaa", "soaa", 1, plateauLosses(3)).telemetry(telemetry(OptimizerInternalsTest::upper,
                0.2)));
        OptimizerInternals internals = OptimizerInternals.of(ComparisonReader.read(runs.dir()));
        assertEquals(List.of("soaa: dt sat on its upper bound on 100.0% of steps (20 steps over 1 seed), but 20.0% of"
                + " elements took the dt·F branch on average, where the Fisher term rather than √ŝ set the step: not"
                + " Adam with a multiplier."), internals.sentences());
    }

    /** On the bound means within a relative 1e-9 of it: 5e-10 above is on it, 1e-8 above is not. */
    @Test
    void onTheBoundMeansWithinARelativeBillionth() throws IOException {
        SyntheticRuns runs = runs("tolerance");
        runs.run(new Run("soaa", "soaa", 1, plateauLosses(3)).telemetry(telemetry(
                step -> upper(step) * (step <= 10 ? 1 + 5e-10 : 1 + 1e-8), 0.0)));
        OptimizerInternals.Variant soaa = OptimizerInternals.of(ComparisonReader.read(runs.dir())).variants()
                .getFirst();
        assertEquals(10, soaa.onUpper());
    }

    /** The report shows the section and its charts only where a variant logged SOAA's telemetry. */
    @Test
    void theReportHasTheSectionOnlyWithTelemetry() throws IOException {
        SyntheticRuns with = runs("with");
        with.run(new Run("adamw", "adamw", 1, plateauLosses(3)));
        with.run(new Run("soaa", "soaa", 1, plateauLosses(3)).telemetry(telemetry(OptimizerInternalsTest::upper,
                0.0)));
        Report.write(with.dir());
        String markdown = Files.readString(with.dir().resolve(Report.MARKDOWN_FILE));
        assertTrue(markdown.contains("## Optimizer internals\n\nsoaa: dt sat on its upper bound on 100.0% of steps"),
                markdown);
        assertTrue(markdown.contains("](charts/" + OptimizerInternals.DT_CHART + ")"), markdown);
        assertTrue(Files.size(with.dir().resolve("charts").resolve(OptimizerInternals.DT_CHART)) > 0);
        assertTrue(Files.size(with.dir().resolve("charts").resolve(OptimizerInternals.FISHER_CHART)) > 0);
        assertTrue(Files.readString(with.dir().resolve(Report.HTML_FILE)).contains("<h2>Optimizer internals</h2>"));

        SyntheticRuns without = runs("without");
        without.run(new Run("adamw", "adamw", 1, plateauLosses(3)));
        without.run(new Run("soaa", "soaa", 1, plateauLosses(3)));
        Report.write(without.dir());
        assertFalse(Files.readString(without.dir().resolve(Report.MARKDOWN_FILE)).contains("Optimizer internals"));
        assertFalse(Files.exists(without.dir().resolve("charts").resolve(OptimizerInternals.DT_CHART)));
    }
}
