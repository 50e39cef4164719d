package dev.tune4j.report;

import dev.tune4j.runfiles.RunStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The two tables of the report, as text cells: the results per variant and the run matrix (variant × seed). */
final class ReportTables {
    private static final int ERROR_CHARACTERS = 80;

    private ReportTables() {}

    /** One row per variant: what completed, loss, evaluation, time to target, stability, memory and speed. */
    static TextTable results(Comparison comparison) {
        List<String> header = new ArrayList<>(List.of("variant", "optimizer", "seeds completed", "final loss"));
        if (comparison.hasEvaluation()) {
            header.add("eval loss");
        }
        if (comparison.mainEvalMetric() != null) {
            header.add(metricTitle(comparison.mainEvalMetric()));
        }
        String target = comparison.targetLoss() == null ? "" : " (loss ≤ " + ReportFormat.number(
                comparison.targetLoss()) + ")";
        header.addAll(List.of("steps to target" + target, "seconds to target", "stability (final std)",
                "optimizer state", "state bytes / trainable param", "peak RSS", "tokens/s"));
        List<List<String>> rows = new ArrayList<>();
        for (VariantResult variant : comparison.variants()) {
            VariantStatistics stats = variant.statistics();
            List<String> row = new ArrayList<>();
            row.add(variant.name());
            row.add(variant.optimizer() == null ? ReportFormat.NONE : variant.optimizer());
            row.add(seedsCompleted(variant));
            row.add(ReportFormat.meanStd(stats.finalLoss()));
            if (comparison.hasEvaluation()) {
                row.add(ReportFormat.meanStd(stats.finalEvalLoss()));
            }
            if (comparison.mainEvalMetric() != null) {
                row.add(ReportFormat.meanStd(stats.finalEvalMetrics().get(comparison.mainEvalMetric())));
            }
            if (comparison.targetLoss() == null) {
                row.add("no target");
                row.add("no target");
            } else if (stats.targetReached() == 0) {
                row.add("not reached (0/" + variant.runs().size() + ")");
                row.add(ReportFormat.NONE);
            } else {
                row.add(ReportFormat.meanStd(stats.stepsToTarget()) + " (" + stats.targetReached() + "/"
                        + variant.runs().size() + " reached)");
                row.add(ReportFormat.meanStd(stats.secondsToTarget()));
            }
            row.add(ReportFormat.meanStd(stats.stability()));
            row.add(ReportFormat.bytes(stats.optimizerStateBytes()));
            row.add(ReportFormat.meanStd(stats.bytesPerParameter()));
            row.add(ReportFormat.bytes(stats.peakRssBytes()));
            row.add(ReportFormat.meanStd(stats.tokensPerSecond()));
            rows.add(row);
        }
        return new TextTable(header, rows);
    }

    /** One row per variant, one column per seed: how each run ended. */
    static TextTable runMatrix(Comparison comparison) {
        List<Integer> seeds = comparison.seeds();
        List<String> header = new ArrayList<>(List.of("variant"));
        seeds.forEach(seed -> header.add("seed " + seed));
        List<List<String>> rows = new ArrayList<>();
        for (VariantResult variant : comparison.variants()) {
            List<String> row = new ArrayList<>(List.of(variant.name()));
            for (int seed : seeds) {
                row.add(variant.runs().stream().filter(run -> run.seed() == seed).findFirst()
                        .map(ReportTables::runCell).orElse("not run"));
            }
            rows.add(row);
        }
        return new TextTable(header, rows);
    }

    /** {@code k/n} completed, then what happened to the others, e.g. {@code 2/3; diverged at step 17 (seed 2)}. */
    static String seedsCompleted(VariantResult variant) {
        if (variant.runs().isEmpty()) {
            return "no runs";
        }
        StringBuilder cell = new StringBuilder()
                .append(variant.statistics().completedSeeds()).append('/').append(variant.runs().size());
        for (SeedRun run : variant.runsWith(RunStatus.DIVERGED)) {
            cell.append("; ").append(divergence(run));
        }
        for (SeedRun run : variant.runsWith(RunStatus.FAILED)) {
            cell.append("; failed (seed ").append(run.seed()).append(')');
            if (run.error() != null) {
                cell.append(": ").append(shortError(run.error()));
            }
        }
        for (SeedRun run : variant.runsWith(RunStatus.BAD_INPUT)) {
            cell.append("; bad input (seed ").append(run.seed()).append(')');
            if (run.error() != null) {
                cell.append(": ").append(shortError(run.error()));
            }
        }
        for (SeedRun run : variant.runsWith(RunStatus.INTERRUPTED)) {
            cell.append("; interrupted (seed ").append(run.seed()).append(')');
        }
        return cell.toString();
    }

    /** {@code diverged at step N (seed s)}. */
    static String divergence(SeedRun run) {
        String step = run.divergedAtStep() == null ? "an unknown step" : "step " + run.divergedAtStep();
        return "diverged at " + step + " (seed " + run.seed() + ")";
    }

    /** A metric key as a column title: {@code eval_macro_f1 -> eval macro f1}. */
    static String metricTitle(String key) {
        return key.replace('_', ' ').toLowerCase(Locale.ROOT);
    }

    private static String runCell(SeedRun run) {
        return switch (run.status()) {
            case COMPLETED -> "completed, " + run.statistics().stepsCompleted() + " steps";
            case DIVERGED -> "diverged at " + (run.divergedAtStep() == null ? "unknown step"
                    : "step " + run.divergedAtStep());
            case FAILED -> "failed" + (run.error() == null ? "" : ": " + shortError(run.error()));
            case BAD_INPUT -> "bad input, not trained" + (run.error() == null ? "" : ": " + shortError(run.error()));
            case INTERRUPTED -> "interrupted before its last step; tune4j compare --resume continues it";
        };
    }

    /** The first line of an error, cut to {@value #ERROR_CHARACTERS} characters. */
    private static String shortError(String error) {
        String line = error.lines().findFirst().orElse("").strip();
        return line.length() <= ERROR_CHARACTERS ? line : line.substring(0, ERROR_CHARACTERS - 1) + "…";
    }
}
