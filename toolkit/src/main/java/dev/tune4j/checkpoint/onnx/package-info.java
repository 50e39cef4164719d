/**
 * Reading ONNX model files without a protobuf library: the graph's initializers and nodes, as the MiniLM importer
 * ({@link dev.tune4j.importer.MiniLmImporter}) needs them to write a Hugging Face model directory.
 */
package dev.tune4j.checkpoint.onnx;
