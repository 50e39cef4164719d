/**
 * Batching: dynamic padding to the longest sequence of a batch, attention masks, label masking of padding and
 * prompts ({@code -100}), truncation counts of encoded texts, and the seeded order in which a run visits its examples
 * ({@link dev.tune4j.data.batch.BatchOrder}).
 */
package dev.tune4j.data.batch;
