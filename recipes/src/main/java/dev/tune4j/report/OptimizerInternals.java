package dev.tune4j.report;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tune4j.io.InputFiles;
import dev.tune4j.runfiles.MetricKeys;
import dev.tune4j.runfiles.RunLayout;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The report's "Optimizer internals" section: what SOAA's trust region did in this comparison, read from the
 * {@code opt/} telemetry of its runs' training lines ({@link MetricKeys#SOAA_DT} and its bounds
 * {@link MetricKeys#SOAA_DT_LO}, {@link MetricKeys#SOAA_DT_HI}, {@link MetricKeys#SOAA_FISHER_FRACTION}).
 *
 * <p>A variant is shown when its completed seeds logged those four keys (soaa, and galore around soaa). Its curves
 * are the mean and sample standard deviation over those seeds at the steps every seed logged them. Its sentence is
 * computed over every such line of every completed seed: dt is <em>on its upper bound</em> on a line when
 * {@code |dt − dt_hi| ≤ }{@value #ON_BOUND_TOLERANCE}{@code ·dt_hi} (likewise for the lower bound). When dt sat on its
 * upper bound on at least {@value #MOSTLY} of the lines and the mean share of elements on the dt·F branch is at most
 * {@value #FEW_FISHER_ELEMENTS}, each step was Adam's step times dt (the √ŝ branch held almost everywhere), so the
 * sentence says SOAA behaved as Adam with the learning-rate multiplier 1+γ^((t−1)/T); otherwise it says what the trust
 * region or the Fisher branch did instead.
 *
 * @param variants the variants shown, in the comparison's order; empty when no variant logged SOAA's telemetry
 */
record OptimizerInternals(List<Variant> variants) {
    /** Relative tolerance of "dt is on a bound". */
    static final double ON_BOUND_TOLERANCE = 1e-9;
    /** The share of lines on the upper bound from which dt "sat on" it. */
    static final double MOSTLY = 0.9;
    /** The mean share of elements on the dt·F branch up to which the steps were Adam's. */
    static final double FEW_FISHER_ELEMENTS = 0.01;
    /** The chart of dt and its bounds. */
    static final String DT_CHART = "soaa-dt.png";
    /** The chart of the dt·F branch share. */
    static final String FISHER_CHART = "soaa-fisher-fraction.png";
    /** The section's chart file names. */
    static final List<String> FILE_NAMES = List.of(DT_CHART, FISHER_CHART);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> KEYS = List.of(MetricKeys.SOAA_DT, MetricKeys.SOAA_DT_LO,
            MetricKeys.SOAA_DT_HI, MetricKeys.SOAA_FISHER_FRACTION);

    /** Keeps an unmodifiable copy. */
    OptimizerInternals {
        variants = List.copyOf(variants);
    }

    /**
     * One variant's trust region over its completed seeds.
     *
     * @param name the variant
     * @param variantIndex its position in the comparison, which gives it its colour in every chart
     * @param seeds completed seeds whose lines carry the telemetry
     * @param dt mean and spread of dt over seeds, by step
     * @param dtLower the lower bound, by step
     * @param dtUpper the upper bound, by step
     * @param fisherFraction the share of elements on the dt·F branch, by step
     * @param lines training lines with the telemetry, all seeds together
     * @param onUpper those where dt was on its upper bound
     * @param onLower those where dt was on its lower bound
     * @param meanFisherFraction the mean share of elements on the dt·F branch over those lines
     * @param firstUpper the upper bound at the first such line of the first seed
     * @param lastUpper the upper bound at the last such line of the first seed
     */
    record Variant(String name, int variantIndex, int seeds, Curve dt, Curve dtLower, Curve dtUpper,
            Curve fisherFraction, long lines,
            long onUpper, long onLower, double meanFisherFraction, double firstUpper, double lastUpper) {

        /** The computed sentence about this variant's trust region. */
        String sentence() {
            String upperShare = percent(onUpper / (double) lines);
            String fisher = percent(meanFisherFraction);
            String range = "1+γ^((t−1)/T), here from " + ReportFormat.number(firstUpper) + " to "
                    + ReportFormat.number(lastUpper);
            String over = " (" + lines + " steps over " + seeds + (seeds == 1 ? " seed)" : " seeds)");
            if (onUpper >= MOSTLY * lines && meanFisherFraction <= FEW_FISHER_ELEMENTS) {
                return name + ": dt sat on its upper bound on " + upperShare + " of steps" + over + " and " + fisher
                        + " of elements took the dt·F branch on average: SOAA behaved as Adam with a learning-rate"
                        + " multiplier of " + range + ".";
            }
            if (onUpper >= MOSTLY * lines) {
                return name + ": dt sat on its upper bound on " + upperShare + " of steps" + over + ", but " + fisher
                        + " of elements took the dt·F branch on average, where the Fisher term rather than √ŝ set the"
                        + " step: not Adam with a multiplier.";
            }
            return name + ": the trust region acted: dt was on its upper bound on " + upperShare + " of steps"
                    + over + ", on its lower bound on " + percent(onLower / (double) lines) + " and between them on "
                    + percent((lines - onUpper - onLower) / (double) lines) + "; " + fisher
                    + " of elements took the dt·F branch on average.";
        }

        private static String percent(double share) {
            return String.format(Locale.ROOT, "%.1f%%", 100 * share);
        }
    }

    /**
     * Reads the telemetry of every variant's completed seeds from their {@code metrics.jsonl} under
     * {@code comparison.runsDir()}.
     *
     * @throws ReportException when a metrics file is not JSON lines
     */
    static OptimizerInternals of(Comparison comparison) throws IOException {
        List<Variant> shown = new ArrayList<>();
        for (int index = 0; index < comparison.variants().size(); index++) {
            VariantResult variant = comparison.variants().get(index);
            List<List<double[]>> seeds = new ArrayList<>(); // per seed: {step, dt, lo, hi, fisher} per line
            for (SeedRun run : variant.runs()) {
                if (run.countsTowardsAggregates()) {
                    List<double[]> lines = read(RunLayout.runDirectory(comparison.runsDir(), variant.name(),
                            run.seed()).resolve(MetricKeys.METRICS_FILE));
                    if (!lines.isEmpty()) {
                        seeds.add(lines);
                    }
                }
            }
            if (!seeds.isEmpty()) {
                shown.add(summarize(variant.name(), index, seeds));
            }
        }
        return new OptimizerInternals(shown);
    }

    /** Whether there is anything to show. */
    boolean isEmpty() {
        return variants.isEmpty();
    }

    /** The report's "Optimizer internals" section: a sentence per variant, then the charts. */
    ReportSection section() {
        List<ReportSection.Part> parts = new ArrayList<>();
        sentences().forEach(sentence -> parts.add(new ReportSection.Paragraph(sentence)));
        charts().forEach(chart -> parts.add(new ReportSection.Chart(chart)));
        return new ReportSection("Optimizer internals", parts);
    }

    /** The section's sentences, one per variant. */
    List<String> sentences() {
        return variants.stream().map(Variant::sentence).toList();
    }

    /**
     * The section's charts: dt with its bounds (dashed) by step, and the share of elements on the dt·F branch by
     * step, each the mean over seeds with a ±1 std band; none when nothing is shown.
     */
    List<ChartImage> charts() {
        if (variants.isEmpty()) {
            return List.of();
        }
        List<ReportCharts.Series> dt = new ArrayList<>();
        List<ReportCharts.Series> fisher = new ArrayList<>();
        for (Variant variant : variants) {
            dt.add(new ReportCharts.Series(variant.name() + " dt", variant.variantIndex(), variant.dt(), false));
            dt.add(new ReportCharts.Series(variant.name() + " upper bound", variant.variantIndex(), variant.dtUpper(),
                    true));
            dt.add(new ReportCharts.Series(variant.name() + " lower bound", variant.variantIndex(), variant.dtLower(),
                    true));
            fisher.add(new ReportCharts.Series(variant.name(), variant.variantIndex(), variant.fisherFraction(),
                    false));
        }
        return List.of(
                ReportCharts.lines(DT_CHART, "SOAA trust-region scale dt and its bounds (mean ± 1 std over seeds)",
                        "optimizer step", "dt (after the step)", dt, false),
                ReportCharts.lines(FISHER_CHART, "Share of elements on SOAA's dt·F branch (mean ± 1 std over seeds)",
                        "optimizer step", "fisher_fraction", fisher, false));
    }

    /** {@code {step, dt, dt_lo, dt_hi, fisher_fraction}} of each training line that has all four keys, finite. */
    private static List<double[]> read(Path metricsFile) throws IOException {
        List<double[]> rows = new ArrayList<>();
        try (BufferedReader reader = InputFiles.newUtf8Reader(metricsFile, "metrics file (one JSON object per line)")) {
            long number = 0;
            for (String text = reader.readLine(); text != null; text = reader.readLine()) {
                number++;
                if (text.isBlank() || !text.contains(MetricKeys.SOAA_DT_HI)) {
                    continue;
                }
                JsonNode line;
                try {
                    line = JSON.readTree(text);
                } catch (JacksonException e) {
                    throw new MetricsFormatException(metricsFile.toString(), number, "not valid JSON ("
                            + e.getOriginalMessage() + ")");
                }
                if (!MetricKeys.TYPE_TRAIN.equals(line.path(MetricKeys.TYPE).asText())
                        || KEYS.stream().anyMatch(key -> !line.path(key).isNumber())) {
                    continue;
                }
                double[] row = new double[1 + KEYS.size()];
                row[0] = line.path(MetricKeys.STEP).asDouble();
                for (int k = 0; k < KEYS.size(); k++) {
                    row[k + 1] = line.get(KEYS.get(k)).asDouble();
                }
                if (Arrays.stream(row).allMatch(Double::isFinite)) { // a number like 1e999 reads as infinity
                    rows.add(row);
                }
            }
        }
        return rows;
    }

    private static Variant summarize(String name, int variantIndex, List<List<double[]>> seeds) {
        long lines = 0;
        long onUpper = 0;
        long onLower = 0;
        double fisherSum = 0;
        for (List<double[]> seed : seeds) {
            for (double[] row : seed) {
                lines++;
                onUpper += Math.abs(row[1] - row[3]) <= ON_BOUND_TOLERANCE * Math.abs(row[3]) ? 1 : 0;
                onLower += Math.abs(row[1] - row[2]) <= ON_BOUND_TOLERANCE * Math.abs(row[2]) ? 1 : 0;
                fisherSum += row[4];
            }
        }
        Set<Double> common = new HashSet<>(seeds.getFirst().stream().map(row -> row[0]).toList());
        seeds.forEach(seed -> common.retainAll(seed.stream().map(row -> row[0]).toList()));
        List<List<double[]>> aligned = seeds.stream()
                .map(seed -> seed.stream().filter(row -> common.contains(row[0])).toList()).toList();
        List<double[]> first = seeds.getFirst();
        return new Variant(name, variantIndex, seeds.size(), curve(aligned, 1), curve(aligned, 2), curve(aligned, 3),
                curve(aligned, 4), lines, onUpper, onLower, fisherSum / lines, first.getFirst()[3],
                first.getLast()[3]);
    }

    /** Mean and sample std over seeds of column {@code column} at each common step. */
    private static Curve curve(List<List<double[]>> aligned, int column) {
        List<Double> xs = new ArrayList<>();
        List<Double> means = new ArrayList<>();
        List<Double> stds = new ArrayList<>();
        for (int i = 0; i < aligned.getFirst().size(); i++) {
            int position = i;
            SeedSpread spread = SeedSpread.of(aligned.stream().map(seed -> (Number) seed.get(position)[column])
                    .toList());
            xs.add(aligned.getFirst().get(i)[0]);
            means.add(spread.mean());
            stds.add(spread.std());
        }
        return new Curve(xs, means, stds);
    }
}
