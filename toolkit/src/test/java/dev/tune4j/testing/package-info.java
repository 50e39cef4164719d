/**
 * Shared test fixtures, published as the toolkit test-jar: tiny deterministic models and tensors, the network
 * sentinel that proves tests never leave the machine, and independent reference implementations used as oracles
 * (onnxruntime running a real ONNX model, a scalar double-precision BERT). The fixtures are written by the project,
 * not real data.
 */
package dev.tune4j.testing;
