/**
 * SOAA (Vo &amp; Vo, arXiv 2410.02293, Algorithm 1): a diagonal-Fisher Adam with an adaptive trust region, run as
 * Java Vector API kernels directly on the float32 CPU memory of weights, gradients and optimizer state.
 *
 * <p>{@link dev.tune4j.optim.soaa.SoaaRule} is the update rule (registry id {@code soaa}, found through
 * {@link dev.tune4j.optim.soaa.SoaaFactory}, run by {@link dev.tune4j.optim.RuleOptimizer}) with its options
 * {@link dev.tune4j.optim.soaa.SoaaOptions}; {@code SoaaKernels} holds its two memory passes.
 */
package dev.tune4j.optim.soaa;
