/**
 * Comparison reports of a runs directory ({@code <runs-dir>/<variant>/seed-<n>/}): per-run statistics
 * ({@link dev.tune4j.report.RunStatistics}, also written by the runner into each run's {@code summary.json}),
 * aggregation over seeds, PNG charts, and the report files ({@code report.md}, {@code report.html},
 * {@code summary.csv}, {@code summary.json}) written by {@link dev.tune4j.report.Report#write}.
 */
package dev.tune4j.report;
