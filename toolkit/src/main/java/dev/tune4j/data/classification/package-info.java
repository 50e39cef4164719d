/**
 * Text classification data: readers for JSON Lines, CSV, TSV, the aclImdb and SpamAssassin layouts, seeded
 * train/eval splits with class balance, and accuracy and macro-F1.
 */
package dev.tune4j.data.classification;
