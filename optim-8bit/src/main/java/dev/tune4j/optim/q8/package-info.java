/**
 * Blockwise 8-bit Adam and AdamW (bitsandbytes' {@code Adam8bit}/{@code AdamW8bit}; Dettmers et al., ICLR 2022):
 * both moments stored as one byte per element, codes into bitsandbytes' dynamic tree maps
 * ({@link dev.tune4j.optim.q8.DynamicQuantizationMap}), scaled by a float32 absolute maximum per block of elements.
 *
 * <p>Registered as the optimizer ids {@code adam8bit} and {@code adamw8bit}
 * ({@link dev.tune4j.optim.q8.Adam8bitFactory}); see {@link dev.tune4j.optim.q8.Adam8bit} for the options and the
 * state, and {@link dev.tune4j.optim.q8.BlockwiseAdamKernel} for the exact 8-bit update.
 */
package dev.tune4j.optim.q8;
