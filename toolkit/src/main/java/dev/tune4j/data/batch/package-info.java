/**
 * Batching: dynamic padding to the longest sequence of a batch, attention masks, label masking of padding and
 * prompts ({@code -100}), and truncation counts of encoded texts.
 */
package dev.tune4j.data.batch;
