/**
 * Shared test fixtures, published as the toolkit test-jar: tiny deterministic models and tensors, and the network
 * sentinel that proves tests never leave the machine. Everything here is written by the project, not real data.
 */
package dev.tune4j.testing;
