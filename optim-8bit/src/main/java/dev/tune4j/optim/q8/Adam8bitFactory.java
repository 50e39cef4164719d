package dev.tune4j.optim.q8;

import dev.tune4j.optim.OptimizerFactory;
import dev.tune4j.optim.OptionSchema;
import dev.tune4j.optim.Options;
import dev.tune4j.optim.RuleFactory;
import dev.tune4j.optim.UpdateRule;
import dev.tune4j.optim.adam.AdamFlavor;
import java.util.List;

/**
 * Registers blockwise 8-bit Adam, the one home of its two ids: {@code adam8bit} (L2 weight decay, default 0) and its
 * alias {@code adamw8bit} (decoupled weight decay, default 0.01). Both run {@link Adam8bit} with
 * {@link Adam8bitOptions}; every option may be overridden by a parameter group.
 */
public final class Adam8bitFactory extends RuleFactory<Adam8bitOptions> {
    /** Id of 8-bit Adam (L2 weight decay, default 0). */
    public static final String ADAM_ID = "adam8bit";

    /** Id of 8-bit AdamW (decoupled weight decay, default 0.01). */
    public static final String ADAMW_ID = "adamw8bit";

    private final AdamFlavor flavor;
    private final OptionSchema schema;

    /** {@code adam8bit}, the entry ServiceLoader instantiates; {@code adamw8bit} is its {@link #aliases()}. */
    public Adam8bitFactory() {
        this(AdamFlavor.ADAM);
    }

    private Adam8bitFactory(AdamFlavor flavor) {
        super(flavor.decoupled() ? ADAMW_ID : ADAM_ID, flavor.title() + " with blockwise 8-bit moments (bitsandbytes "
                + flavor.title() + "8bit), " + (flavor.decoupled() ? "decoupled" : "L2") + " weight decay");
        this.flavor = flavor;
        this.schema = OptionSchema.builder(id())
                .include(flavor.schema(id()))
                .integer("block_size", 256L, x -> x >= 64 && x <= Adam8bitOptions.MAX_BLOCK_SIZE
                        && Long.bitCount((long) x) == 1,
                        "a power of two from 64 to 2^20 (256 default, 2048 as in the paper)")
                .integer("min_8bit_size", 4096L, x -> x >= 0, ">= 0 (tensors with fewer elements keep fp32 state)")
                .integer("optim_bits", 8L, x -> x == 8 || x == 32, "8 or 32")
                .flag("stable_embedding", false)
                .build();
    }

    @Override
    public OptionSchema schema() {
        return schema;
    }

    @Override
    public Adam8bitOptions options(Options parsed) {
        return Adam8bitOptions.of(parsed);
    }

    @Override
    public UpdateRule<Adam8bitOptions> rule(Adam8bitOptions options, long totalSteps, boolean engineOps) {
        return new Adam8bit(id(), flavor.decoupled(), engineOps);
    }

    /** {@code adamw8bit}. */
    @Override
    public List<OptimizerFactory> aliases() {
        return flavor == AdamFlavor.ADAM ? List.of(new Adam8bitFactory(AdamFlavor.ADAMW)) : List.of();
    }
}
