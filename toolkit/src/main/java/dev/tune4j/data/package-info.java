/**
 * Data for fine-tuning: the named sources tune4j can fetch ({@link dev.tune4j.data.DataSources}), the error type for
 * malformed data files and the bad-row policy. Readers, splits and metrics are in the sub-packages
 * {@code classification}, {@code lm} and {@code qa}; batching with dynamic padding in {@code batch}.
 */
package dev.tune4j.data;
