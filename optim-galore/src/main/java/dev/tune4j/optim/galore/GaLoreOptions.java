package dev.tune4j.optim.galore;

import ai.djl.ndarray.types.Shape;
import dev.tune4j.optim.Options;
import dev.tune4j.optim.ParameterGroup;
import dev.tune4j.optim.ParameterRole;
import dev.tune4j.optim.RuleOptions;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * GaLore's options for one parameter group, with the options of the rule it wraps for the same group.
 *
 * @param projection rank, refresh gap, scale, proj_type and SVD method (their combinations checked by the record)
 * @param targetModules name globs of the matrices to project; the default means "the {@link ParameterRole#PROJECTION}
 *     matrices", with these names only for parameters whose model declares no roles
 * @param resetMomentsOnRefresh whether the inner rule's state of a matrix is forgotten when its basis changes
 * @param innerId the registry id of the inner rule
 * @param inner the inner rule's options record, built by its factory from the same parsed options
 * @param weightDecay the decoupled decay GaLore applies to the real weight of a projected matrix: the inner rule's
 *     {@code weight_decay} (0 if it has none)
 */
public record GaLoreOptions(ProjectionSettings projection, List<String> targetModules, boolean resetMomentsOnRefresh,
        String innerId, RuleOptions inner, double weightDecay) implements RuleOptions {

    /** The attention and MLP projections of Llama and BERT: the targets of a model that declares no roles. */
    public static final List<String> DEFAULT_TARGET_MODULES = List.of(
            "**.q_proj.weight", "**.k_proj.weight", "**.v_proj.weight", "**.o_proj.weight",
            "**.gate_proj.weight", "**.up_proj.weight", "**.down_proj.weight",
            "**.attention.self.*.weight", "**.attention.output.dense.weight", "**.intermediate.dense.weight",
            "**.output.dense.weight");

    /** Checks and copies. */
    public GaLoreOptions {
        Objects.requireNonNull(projection, "projection");
        Objects.requireNonNull(innerId, "innerId");
        Objects.requireNonNull(inner, "inner options");
        targetModules = List.copyOf(targetModules);
        if (!(weightDecay >= 0) || !Double.isFinite(weightDecay)) {
            throw new IllegalArgumentException("GaLore weight_decay must be a finite number >= 0, got " + weightDecay);
        }
    }

    /**
     * GaLore's options from {@code parsed} (GaLore's schema, which includes the inner rule's) around {@code inner}.
     *
     * @throws IllegalArgumentException if the projection settings do not go together
     */
    static GaLoreOptions of(Options parsed, String innerId, RuleOptions inner) {
        ProjectionSettings projection = new ProjectionSettings(Math.toIntExact(parsed.integer("rank")),
                parsed.integer("update_proj_gap"), parsed.number("scale"),
                ProjectionType.of(parsed.choice("proj_type")), SubspaceMethod.of(parsed.choice("svd")),
                Math.toIntExact(parsed.integer("power_iterations")), Math.toIntExact(parsed.integer("oversampling")));
        return new GaLoreOptions(projection, parsed.texts("target_modules"), parsed.flag("reset_moments_on_refresh"),
                innerId, inner, parsed.has("weight_decay") ? parsed.number("weight_decay") : 0);
    }

    /** The inner rule's learning rate: GaLore steps with it. */
    @Override
    public double lr() {
        return inner.lr();
    }

    /**
     * Whether GaLore projects a parameter: a matrix matching {@link #targetModules}; with the default targets, a
     * matrix whose model declares it a {@link ParameterRole#PROJECTION}, or (no role declared) one of those names.
     */
    public boolean targets(String name, Shape shape, ParameterRole role) {
        if (shape.dimension() != 2) {
            return false;
        }
        if (role != ParameterRole.OTHER && targetModules.equals(DEFAULT_TARGET_MODULES)) {
            return role == ParameterRole.PROJECTION;
        }
        return new ParameterGroup("target_modules", targetModules, Map.of()).matches(name);
    }
}
