/**
 * Causal language modelling on plain text: token streams, a held-out split by position, packing into fixed-length
 * sequences, and unigram/bigram baselines for held-out cross-entropy and perplexity.
 */
package dev.tune4j.data.lm;
