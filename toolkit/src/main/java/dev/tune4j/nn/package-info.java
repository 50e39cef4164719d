/**
 * What models, LoRA and the training loop share about DJL blocks and the engine, below all of them: Hugging Face
 * parameter names of a block tree ({@link dev.tune4j.nn.ParameterNames}) and scalars that autograd can keep
 * ({@link dev.tune4j.nn.EngineScalars}). Nothing here knows a model architecture.
 */
package dev.tune4j.nn;
