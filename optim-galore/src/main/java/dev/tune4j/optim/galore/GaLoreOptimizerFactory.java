package dev.tune4j.optim.galore;

import dev.tune4j.optim.Optimizer;
import dev.tune4j.optim.OptimizerFactory;
import dev.tune4j.optim.OptimizerSettings;
import dev.tune4j.optim.Optimizers;
import dev.tune4j.optim.OptionSchema;

/**
 * Registry entries for GaLore: {@code galore} (inner rule chosen by the option {@code inner}, default
 * {@code adamw}) and the fixed combinations {@code galore_adamw}, {@code galore_adam8bit} (inner {@code adamw8bit},
 * the reference's GaLoreAdamW8bit) and {@code galore_soaa}.
 */
public class GaLoreOptimizerFactory implements OptimizerFactory {
    /** The id whose inner rule is an option. */
    public static final String GENERIC_ID = "galore";

    /** The inner rule of {@code galore} when the option {@code inner} is not given. */
    public static final String DEFAULT_INNER = "adamw";

    private final String id;
    private final String innerId; // null for the generic id

    /** A factory for {@code id} over the inner rule {@code innerId} (null: from the option {@code inner}). */
    protected GaLoreOptimizerFactory(String id, String innerId) {
        this.id = id;
        this.innerId = innerId;
    }

    /** The generic {@code galore}. */
    public GaLoreOptimizerFactory() {
        this(GENERIC_ID, null);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String description() {
        return innerId == null
                ? "GaLore: low-rank gradient projection around the optimizer named by the option 'inner'"
                : "GaLore: low-rank gradient projection around " + innerId;
    }

    /** GaLore's options plus the inner rule's (only GaLore's when the inner rule is not on the class path). */
    @Override
    public OptionSchema schema() {
        if (innerId == null) {
            return GaLoreOptimizer.ownOptions(id, true).build();
        }
        OptimizerFactory inner = Optimizers.all().get(innerId);
        return GaLoreOptimizer.schema(id, inner == null ? null : inner.schema(), false);
    }

    @Override
    public Optimizer create(OptimizerSettings settings) {
        String inner = innerId;
        if (inner == null) {
            Object chosen = settings.options().getOrDefault("inner", DEFAULT_INNER);
            if (!(chosen instanceof String word) || word.isBlank()) {
                throw new IllegalArgumentException("optimizer '" + id + "': option 'inner' must name an optimizer "
                        + "id such as adamw, got " + chosen);
            }
            inner = word.strip();
        }
        return new GaLoreOptimizer(id, inner, settings);
    }

    /** {@code galore_adamw}: GaLore around AdamW (the reference's GaLoreAdamW). */
    public static final class AdamW extends GaLoreOptimizerFactory {
        /** The factory. */
        public AdamW() {
            super("galore_adamw", "adamw");
        }
    }

    /** {@code galore_adam8bit}: GaLore around block-wise 8-bit AdamW (the reference's GaLoreAdamW8bit). */
    public static final class Adam8bit extends GaLoreOptimizerFactory {
        /** The factory. */
        public Adam8bit() {
            super("galore_adam8bit", "adamw8bit");
        }
    }

    /** {@code galore_soaa}: GaLore around SOAA. */
    public static final class Soaa extends GaLoreOptimizerFactory {
        /** The factory. */
        public Soaa() {
            super("galore_soaa", "soaa");
        }
    }
}
