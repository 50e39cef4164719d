/**
 * The format of a run's files, in one place that both the runner ({@code dev.tune4j.run}) writing them and the report
 * ({@code dev.tune4j.report}) reading them import: the directory layout ({@link dev.tune4j.runfiles.RunLayout}), file
 * names and metric keys ({@link dev.tune4j.runfiles.MetricKeys}) and the status values of {@code summary.json}
 * ({@link dev.tune4j.runfiles.RunStatus}). It imports neither of them.
 */
package dev.tune4j.runfiles;
