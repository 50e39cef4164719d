package dev.tune4j.optim.adam;

import dev.tune4j.optim.OptionSchema;

/** Adam (L2 weight decay added to the gradient) or AdamW (decoupled weight decay), with their PyTorch defaults. */
public enum AdamFlavor {
    /** {@code torch.optim.Adam}: {@code g += wd·θ}; default weight decay 0. */
    ADAM("adam", "Adam", false, 0.0),
    /** {@code torch.optim.AdamW}: {@code θ *= 1 - lr·wd} before the update; default weight decay 0.01. */
    ADAMW("adamw", "AdamW", true, 0.01);

    private final String id;
    private final String title;
    private final boolean decoupled;
    private final double defaultWeightDecay;

    AdamFlavor(String id, String title, boolean decoupled, double defaultWeightDecay) {
        this.id = id;
        this.title = title;
        this.decoupled = decoupled;
        this.defaultWeightDecay = defaultWeightDecay;
    }

    /** The id of the Java kernel optimizer, {@code adam} or {@code adamw}. */
    public String id() {
        return id;
    }

    /** The name in prose, {@code Adam} or {@code AdamW}. */
    public String title() {
        return title;
    }

    /** Whether weight decay is decoupled (AdamW). */
    public boolean decoupled() {
        return decoupled;
    }

    /** The options for optimizer {@code optimizerId}: lr 1e-3, betas (0.9, 0.999), eps 1e-8, this flavor's decay. */
    public OptionSchema schema(String optimizerId) {
        return OptionSchema.builder(optimizerId).adamFamily(1e-3, 0.9, 0.999, 1e-8, defaultWeightDecay).build();
    }
}
