package dev.tune4j.optim.q8;

/** Registers {@code adamw8bit}: blockwise 8-bit AdamW with decoupled weight decay (see {@link Adam8bit}). */
public final class AdamW8bitFactory extends Adam8bitFamilyFactory {
    /** The factory ServiceLoader instantiates. */
    public AdamW8bitFactory() {
        super(Adam8bit.ADAMW_ID,
                "AdamW with blockwise 8-bit moments (bitsandbytes AdamW8bit), decoupled weight decay");
    }
}
