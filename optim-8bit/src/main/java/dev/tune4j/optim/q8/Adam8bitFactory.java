package dev.tune4j.optim.q8;

/** Registers {@code adam8bit}: blockwise 8-bit Adam with L2 weight decay (see {@link Adam8bit}). */
public final class Adam8bitFactory extends Adam8bitFamilyFactory {
    /** The factory ServiceLoader instantiates. */
    public Adam8bitFactory() {
        super(Adam8bit.ADAM_ID, "Adam with blockwise 8-bit moments (bitsandbytes Adam8bit), L2 weight decay");
    }
}
