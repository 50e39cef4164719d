package dev.tune4j.report;

import dev.tune4j.runfiles.RunStatus;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Renders {@code summary.csv}: a header row, then one row per variant with exact values (bytes as whole numbers,
 * no units), and for each statistic a {@code _mean} and a {@code _std} column (sample std, ddof 1; 0 for one seed).
 * A cell is empty when no completed seed has the value. RFC 4180: CRLF line ends; a field with a comma, a double
 * quote or a line break is quoted, with its quotes doubled.
 *
 * <p>Columns: {@code variant, optimizer, runs, completed, diverged, failed, status, target_reached}, then the
 * statistics {@code final_loss, stability, final_eval_loss}, one per {@code eval_<metric>} of any variant,
 * {@code steps_to_target, seconds_to_target, optimizer_state_bytes, bytes_per_parameter, peak_rss_bytes,
 * tokens_per_s, train_seconds}.
 */
final class SummaryCsv {
    private SummaryCsv() {}

    static String render(Comparison comparison) {
        Set<String> metricNames = new LinkedHashSet<>();
        comparison.variants().forEach(v -> metricNames.addAll(v.statistics().finalEvalMetrics().keySet()));

        List<String> header = new ArrayList<>(List.of("variant", "optimizer", "runs", "completed", "diverged",
                "failed", "status", "target_reached"));
        List<Column> columns = new ArrayList<>();
        columns.add(new Column("final_loss", VariantStatistics::finalLoss));
        columns.add(new Column("stability", VariantStatistics::stability));
        columns.add(new Column("final_eval_loss", VariantStatistics::finalEvalLoss));
        for (String name : metricNames) {
            columns.add(new Column(name, stats -> stats.finalEvalMetrics().get(name)));
        }
        columns.add(new Column("steps_to_target", VariantStatistics::stepsToTarget));
        columns.add(new Column("seconds_to_target", VariantStatistics::secondsToTarget));
        columns.add(new Column("optimizer_state_bytes", VariantStatistics::optimizerStateBytes));
        columns.add(new Column("bytes_per_parameter", VariantStatistics::bytesPerParameter));
        columns.add(new Column("peak_rss_bytes", VariantStatistics::peakRssBytes));
        columns.add(new Column("tokens_per_s", VariantStatistics::tokensPerSecond));
        columns.add(new Column("train_seconds", VariantStatistics::trainSeconds));
        columns.forEach(column -> header.addAll(List.of(column.name() + "_mean", column.name() + "_std")));

        StringBuilder csv = new StringBuilder();
        line(csv, header);
        for (VariantResult variant : comparison.variants()) {
            VariantStatistics stats = variant.statistics();
            List<String> row = new ArrayList<>(List.of(variant.name(),
                    variant.optimizer() == null ? "" : variant.optimizer(),
                    String.valueOf(variant.runs().size()),
                    String.valueOf(stats.completedSeeds()),
                    String.valueOf(variant.runsWith(RunStatus.DIVERGED).size()),
                    String.valueOf(variant.runsWith(RunStatus.FAILED).size()),
                    ReportTables.seedsCompleted(variant),
                    comparison.targetLoss() == null ? "" : String.valueOf(stats.targetReached())));
            for (Column column : columns) {
                SeedSpread spread = column.value().apply(stats);
                row.add(spread == null ? "" : ExactNumbers.plain(spread.mean()));
                row.add(spread == null ? "" : ExactNumbers.plain(spread.std()));
            }
            line(csv, row);
        }
        return csv.toString();
    }

    private record Column(String name, Function<VariantStatistics, SeedSpread> value) {}

    private static void line(StringBuilder csv, List<String> fields) {
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                csv.append(',');
            }
            csv.append(field(fields.get(i)));
        }
        csv.append("\r\n");
    }

    /** One RFC 4180 field: quoted when it holds a comma, a quote or a line break, quotes doubled. */
    static String field(String value) {
        if (value.indexOf(',') < 0 && value.indexOf('"') < 0 && value.indexOf('\n') < 0
                && value.indexOf('\r') < 0) {
            return value;
        }
        return '"' + value.replace("\"", "\"\"") + '"';
    }
}
