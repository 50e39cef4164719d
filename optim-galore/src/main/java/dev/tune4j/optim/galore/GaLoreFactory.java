package dev.tune4j.optim.galore;

import dev.tune4j.optim.OptimizerFactory;
import dev.tune4j.optim.Optimizers;
import dev.tune4j.optim.OptionSchema;
import dev.tune4j.optim.Options;
import dev.tune4j.optim.ParameterGroup;
import dev.tune4j.optim.RuleFactory;
import dev.tune4j.optim.RuleOptions;
import dev.tune4j.optim.UpdateRule;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Registers GaLore, the one home of its ids: {@code galore}, whose option {@code inner} names the rule it wraps
 * (default {@code adamw}), and the fixed combinations in {@link #ALIASES}: {@code galore_adamw},
 * {@code galore_adam8bit} (around block-wise 8-bit AdamW, as the reference's GaLoreAdamW8bit) and {@code galore_soaa}.
 *
 * <p>GaLore's schema is its own options followed by the inner rule's, so one parse gives both; the inner rule is found
 * in the registry by id, and its module must be on the class path.
 */
public final class GaLoreFactory extends RuleFactory<GaLoreOptions> {
    /** The id whose inner rule is an option. */
    public static final String GENERIC_ID = "galore";

    /** The inner rule of {@code galore} when the option {@code inner} is not given. */
    public static final String DEFAULT_INNER = "adamw";

    /** Each alias and the inner rule it fixes. */
    static final Map<String, String> ALIASES = aliasTable();

    private final String innerId; // null for the generic id: from the option 'inner'

    /** The generic {@code galore}, the entry ServiceLoader instantiates; the fixed combinations are its aliases. */
    public GaLoreFactory() {
        this(GENERIC_ID, null);
    }

    private GaLoreFactory(String id, String innerId) {
        super(id, innerId == null
                ? "GaLore: low-rank gradient projection around the optimizer named by the option 'inner'"
                : "GaLore: low-rank gradient projection around " + innerId);
        this.innerId = innerId;
    }

    private static Map<String, String> aliasTable() {
        Map<String, String> aliases = new LinkedHashMap<>();
        aliases.put("galore_adamw", "adamw");
        aliases.put("galore_adam8bit", "adamw8bit");
        aliases.put("galore_soaa", "soaa");
        return aliases;
    }

    /** GaLore's options (and the inner rule's, for an alias whose inner rule is on the class path). */
    @Override
    public OptionSchema schema() {
        if (innerId == null) {
            return ownOptions().build();
        }
        return Optimizers.all().get(innerId) instanceof RuleFactory<?> inner
                ? ownOptions().include(inner.schema()).build() : ownOptions().build();
    }

    /**
     * GaLore's options followed by those of the inner rule that {@code options} choose.
     *
     * @throws IllegalArgumentException if the inner rule is not a plain rule on the class path
     */
    @Override
    public OptionSchema schema(Map<String, Object> options) {
        return ownOptions().include(innerFactory(innerId(options)).schema()).build();
    }

    /** GaLore's own options with their defaults ({@code inner} only for the generic id). */
    private OptionSchema.Builder ownOptions() {
        ProjectionSettings defaults = ProjectionSettings.defaults();
        OptionSchema.Builder builder = OptionSchema.builder(id())
                .integer("rank", (long) defaults.rank(), x -> x >= 1 && x <= Integer.MAX_VALUE, "at least 1")
                .integer("update_proj_gap", defaults.updateProjGap(), x -> x >= 1, "at least 1")
                .number("scale", defaults.scale(), x -> x > 0 && Double.isFinite(x), "a finite number > 0")
                .choice("proj_type", defaults.type().word(), "std", "reverse_std", "left", "right", "full")
                .choice("svd", defaults.method().word(), "exact", "randomized")
                .integer("power_iterations", (long) defaults.powerIterations(), x -> x >= 0 && x <= 100, "in [0, 100]")
                .integer("oversampling", (long) defaults.oversampling(), x -> x >= 0 && x <= 1_000_000, ">= 0")
                .texts("target_modules", GaLoreOptions.DEFAULT_TARGET_MODULES)
                .flag("reset_moments_on_refresh", false);
        return innerId == null ? builder.text("inner", DEFAULT_INNER) : builder;
    }

    @Override
    public GaLoreOptions options(Options parsed) {
        String inner = innerId == null ? parsed.text("inner").strip() : innerId;
        return GaLoreOptions.of(parsed, inner, innerFactory(inner).options(parsed));
    }

    /** Refuses a group overriding {@code inner}; the inner rule checks the rest of its overrides. */
    @Override
    public void checkGroup(ParameterGroup group, GaLoreOptions options) {
        if (group.overrides().containsKey("inner")) {
            throw new IllegalArgumentException("parameter group '" + group.name() + "' overrides 'inner'; GaLore "
                    + "wraps one rule for every parameter, so set 'inner' for the whole optimizer");
        }
        Map<String, Object> innerOverrides = new LinkedHashMap<>(group.overrides());
        innerOverrides.keySet().removeAll(ownOptions().build().names());
        checkInnerGroup(innerFactory(options.innerId()), new ParameterGroup(group.name(), group.patterns(),
                group.roles(), innerOverrides), options.inner());
    }

    @SuppressWarnings("unchecked") // options.inner() was built by this very factory
    private static <I extends RuleOptions> void checkInnerGroup(RuleFactory<I> inner, ParameterGroup group,
            RuleOptions options) {
        inner.checkGroup(group, (I) options);
    }

    @Override
    public UpdateRule<GaLoreOptions> rule(GaLoreOptions options, long totalSteps, boolean engineOps) {
        return ProjectedRule.around(innerFactory(options.innerId()), options, totalSteps, engineOps);
    }

    /** The fixed combinations of {@link #ALIASES}. */
    @Override
    public List<OptimizerFactory> aliases() {
        if (innerId != null) {
            return List.of();
        }
        return ALIASES.entrySet().stream()
                .<OptimizerFactory>map(alias -> new GaLoreFactory(alias.getKey(), alias.getValue())).toList();
    }

    /** The inner rule's id: fixed by an alias, else the option {@code inner} of {@code options}. */
    private String innerId(Map<String, Object> options) {
        if (innerId != null) {
            return innerId;
        }
        Object chosen = options.getOrDefault("inner", DEFAULT_INNER);
        if (!(chosen instanceof String word) || word.isBlank()) {
            throw new IllegalArgumentException("optimizer '" + id() + "': option 'inner' must name an optimizer id "
                    + "such as adamw, got " + chosen);
        }
        return word.strip();
    }

    /**
     * The factory of the rule {@code inner}.
     *
     * @throws IllegalArgumentException if it is not registered (naming the ids that are), is GaLore itself, or is not
     *     an update rule
     */
    private RuleFactory<? extends RuleOptions> innerFactory(String inner) {
        OptimizerFactory factory;
        try {
            factory = Optimizers.factory(inner);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("optimizer '" + id() + "' wraps '" + inner + "', which is not on the "
                    + "class path: add the module that provides '" + inner + "' to the run (" + e.getMessage() + ")",
                    e);
        }
        if (factory instanceof GaLoreFactory) {
            throw new IllegalArgumentException("optimizer '" + id() + "' cannot wrap another GaLore optimizer ('"
                    + inner + "'); choose a plain rule such as adamw as inner");
        }
        if (!(factory instanceof RuleFactory<? extends RuleOptions> rules)) {
            throw new IllegalArgumentException("optimizer '" + id() + "' wraps '" + inner + "', which is not an "
                    + "update rule (" + factory.getClass().getName() + "); GaLore wraps rules built by a RuleFactory");
        }
        return rules;
    }
}
