package dev.tune4j.report;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The files {@link Report#write} wrote, and what it found.
 *
 * @param markdown {@code report.md}
 * @param html {@code report.html}
 * @param csv {@code summary.csv}
 * @param json {@code summary.json}
 * @param charts the chart PNGs under {@code charts/}, in report order
 * @param conclusion the sentences under the results table
 */
public record WrittenReport(Path markdown, Path html, Path csv, Path json, List<Path> charts, String conclusion) {
    /** Keeps an unmodifiable copy of the chart paths. */
    public WrittenReport {
        charts = List.copyOf(charts);
    }

    /** Every file written, charts first (the order they were written in). */
    public List<Path> files() {
        return Stream.concat(charts.stream(), Stream.of(csv, json, markdown, html)).toList();
    }
}
