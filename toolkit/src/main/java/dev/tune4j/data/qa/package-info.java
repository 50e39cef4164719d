/**
 * Extractive question answering: SQuAD v1.1/v2.0 and TriviaQA (rc) readers, doc-stride windows with answer token
 * positions from character offsets, SQuAD exact match and F1, and TriviaQA as prompt→answer causal-LM examples.
 */
package dev.tune4j.data.qa;
