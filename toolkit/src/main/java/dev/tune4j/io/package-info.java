/**
 * Reading the files a user hands to tune4j (checkpoints, configs, tokenizers, data, recipes, metrics) so that a wrong
 * path, a directory, a FIFO or binary data is refused at once with the file, what was expected and how to fix it.
 */
package dev.tune4j.io;
