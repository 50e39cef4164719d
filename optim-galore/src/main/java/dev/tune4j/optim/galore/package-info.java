/**
 * GaLore (Zhao et al., ICML 2024): gradient low-rank projection around any tune4j update rule.
 *
 * <p>{@link dev.tune4j.optim.galore.GaLoreProjector} knows the basis of one weight matrix (top-r singular vectors of
 * its gradient, by exact SVD or randomized subspace iteration, see {@link dev.tune4j.optim.galore.SingularSubspace}),
 * kept as the parameter's optimizer state; {@link dev.tune4j.optim.galore.ProjectedRule} projects the gradients of the
 * target matrices, lets the inner rule (AdamW, 8-bit AdamW, SOAA, ...) step a low-rank virtual weight, and applies the
 * projected-back update. {@link dev.tune4j.optim.galore.GaLoreFactory} registers {@code galore} (option
 * {@code inner}) and its aliases {@code galore_adamw}, {@code galore_adam8bit} and {@code galore_soaa}.
 */
package dev.tune4j.optim.galore;
