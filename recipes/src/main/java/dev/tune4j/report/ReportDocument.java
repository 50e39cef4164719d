package dev.tune4j.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The content of {@code report.md} and {@code report.html}, built once so both files say the same thing.
 *
 * @param title the heading
 * @param description the recipe description, or null
 * @param setup one sentence on what ran: variants, seeds, target loss
 * @param runMatrix how each run ended, variant × seed
 * @param results the results table
 * @param definitions how the table's statistics are defined
 * @param conclusion the sentences computed from the numbers ({@link Conclusion})
 * @param sections the sections after the results, in order
 * @param charts the charts, in order
 */
record ReportDocument(String title, String description, String setup, TextTable runMatrix, TextTable results,
        String definitions, String conclusion, List<ReportSection> sections, List<ChartImage> charts) {

    /** Relative folder of the chart PNGs beside {@code report.md}. */
    static final String CHART_FOLDER = "charts";

    /** The document, with the tuning section (after the optimizer internals) when the comparison tuned. */
    static ReportDocument of(Comparison comparison, List<ChartImage> charts, OptimizerInternals internals,
            Optional<ReportSection> tuning) {
        String seeds = comparison.seeds().stream().map(String::valueOf).collect(Collectors.joining(", "));
        int variants = comparison.variants().size();
        String setup = variants + (variants == 1 ? " variant" : " variants") + ", seeds " + seeds + "; target loss "
                + (comparison.targetLoss() == null ? "not set" : ReportFormat.number(comparison.targetLoss())) + ".";
        String definitions = "Each cell is the mean ± sample standard deviation (ddof 1) over the seeds that"
                + " completed; a single seed shows its value alone. Final loss: mean training loss over the last 10%"
                + " of steps. Stability: standard deviation of the training loss over those steps. Eval: the last"
                + " evaluation. Steps and seconds to target: the first step whose mean training loss over the last "
                + RunStatistics.TARGET_TRAILING_STEPS + " steps is at most the target, over the seeds that reached"
                + " it; seconds are counted after the throughput warm-up steps. Optimizer state: the largest exact"
                + " state size of the run. Tokens/s: real tokens over step"
                + " time after the warm-up steps.";
        ComparisonTests tests = ComparisonTests.of(comparison);
        return new ReportDocument(comparison.recipeName() + ": optimizer comparison", comparison.description(),
                setup, ReportTables.runMatrix(comparison), ReportTables.results(comparison), definitions,
                Conclusion.of(tests), sections(comparison, tests, internals, tuning), charts);
    }

    /**
     * The trivial baselines when the runs recorded them (right under the results), significance and rankings, the
     * paper's claims, the optimizer internals when a run logged them, where the memory goes when a run has a memory
     * breakdown, then the tuning when the comparison tuned.
     */
    private static List<ReportSection> sections(Comparison comparison, ComparisonTests tests,
            OptimizerInternals internals, Optional<ReportSection> tuning) {
        List<ReportSection> sections = new ArrayList<>();
        ReportSection baselines = BaselinesSection.of(comparison);
        if (baselines != null) {
            sections.add(baselines);
        }
        sections.addAll(List.of(RankingTables.section(tests), PaperClaims.section(tests)));
        if (!internals.isEmpty()) {
            sections.add(internals.section());
        }
        MemoryAttribution memory = MemoryAttribution.of(comparison);
        if (!memory.isEmpty()) {
            sections.add(memory.section());
        }
        tuning.ifPresent(sections::add);
        return sections;
    }

    /** Every chart: the comparison's, then those of the sections. */
    List<ChartImage> allCharts() {
        List<ChartImage> all = new ArrayList<>(charts);
        sections.forEach(section -> all.addAll(section.charts()));
        return all;
    }
}
