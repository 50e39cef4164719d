/**
 * Data for fine-tuning: the error type for malformed data files and the bad-row policy. Readers, splits and metrics
 * are in the sub-packages {@code classification}, {@code lm} and {@code qa}; batching with dynamic padding in
 * {@code batch}; fetching pinned npm packages in {@code fetch}. Which source feeds which task is
 * {@link dev.tune4j.task.ExampleSource}'s; what {@code tune4j data fetch} can bring is
 * {@link dev.tune4j.importer.DataSources}'.
 */
package dev.tune4j.data;
