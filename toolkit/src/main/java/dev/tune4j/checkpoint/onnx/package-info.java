/**
 * Reading ONNX model files without a protobuf library, and importing the all-MiniLM-L6-v2 ONNX model that ships in a
 * Maven artifact into a Hugging Face model directory ({@code config.json}, {@code model.safetensors},
 * {@code tokenizer.json}).
 */
package dev.tune4j.checkpoint.onnx;
