/**
 * Adam and AdamW: the fused Java kernel ({@code adam}, {@code adamw}; PyTorch semantics, one pass over weight,
 * gradient and state with the Vector API on zero-copy views of the tensors) and the engine baselines
 * ({@code adam_engine}, {@code adamw_engine}; DJL's native Adam update with state the optimizer owns and frees).
 */
package dev.tune4j.optim.adam;
