package dev.tune4j.optim.galore;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tune4j.optim.ParameterRole;
import dev.tune4j.optim.RuleFactory;
import dev.tune4j.optim.RuleOptions;
import dev.tune4j.optim.RuleParameter;
import dev.tune4j.optim.RuleState;
import dev.tune4j.optim.StateSpec;
import dev.tune4j.optim.UpdateRule;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * GaLore (Zhao et al., 2024) around any update rule. For each target matrix (see {@link GaLoreOptions#targets}) the
 * gradient G is projected to R on the matrix's basis ({@link GaLoreProjector}); the inner rule steps a virtual
 * low-rank weight N (shaped like R, zeros) with gradient R under the matrix's own name, told not to decay it; then
 * the change of N is projected back, scaled by α and added to the real weight, which gets the decoupled weight decay
 * {@code w ← w − lr·wd·w} after the update, as the reference GaLore implementation does (decay inside the inner rule
 * would shrink the low-rank update itself). Every other parameter goes to the inner rule unchanged, in the same single
 * inner step and in the original order (so rules that sum over all parameters, like SOAA, see everything).
 *
 * <p>State per target: the bases ({@code galore_left} m×r, {@code galore_right} r×n), the inner rule's state at R's
 * shape under the inner rule's names, and at the full shape under {@code full.} for a step whose basis could not be
 * computed yet (NaN/Inf gradient or a failed SVD at the first refresh: the gradient then goes unprojected). The inner
 * state is kept when the basis changes (as the reference), or forgotten with {@code reset_moments_on_refresh}. An
 * identity projector (the rank covers the whole dimension) with α = 1 hands its parameter over as it is, so GaLore-X
 * then equals X bit for bit.
 *
 * <p>Engine-op path (parameters off the CPU, or all with {@code engine_ops: true}): the projections are engine
 * matmuls on the parameter's device (as on the Java path), the virtual weight N lives there too, the inner rule takes
 * its own engine-op path and the back-projected update is applied by engine ops ({@link BackProjectedUpdate}); the
 * periodic SVD runs on the host ({@link GaLoreProjector}). The state is the same on both paths.
 *
 * @param <I> the inner rule's options record
 */
final class ProjectedRule<I extends RuleOptions> implements UpdateRule<GaLoreOptions> {
    /** Prefix of the inner rule's full-shape state of a target that has no basis yet. */
    static final String FULL = "full.";

    private static final System.Logger LOG = System.getLogger(ProjectedRule.class.getName());
    private static final String SKIPPED = "galore_skipped_refreshes";
    private static final String LAST_REFRESH = "galore_last_refresh_step";
    private static final String INNER_SCALARS = "inner.";

    private final UpdateRule<I> inner;
    private final boolean engineOps;
    private final Map<String, Layout> layouts = new HashMap<>();
    private final Set<String> warned = new HashSet<>();
    private long refreshesLastStep;
    private long skippedRefreshes;
    private long lastStep; // t of the last step, 0 before the first
    private long lastRefreshStep; // t of the last step that refreshed a basis, 0 before the first refresh
    private long lastRefreshNanos; // time that step spent computing its bases; -1 when it ran before a resume
    private long workspaceBytes;

    /**
     * How one parameter is stepped: its projector (null: not a target) and the inner rule's declarations at R's shape
     * ({@code lowRank}) and at the full shape ({@code full}, unprefixed; empty for an identity projector).
     */
    private record Layout(GaLoreOptions options, Shape shape, ParameterRole role, GaLoreProjector projector,
            List<StateSpec> lowRank, List<StateSpec> full) {}

    /** A projected parameter of the step in progress and its virtual weight N (shaped like R). */
    private record Projected(RuleParameter<GaLoreOptions> parameter, GaLoreProjector projector, NDArray virtual) {}

    private ProjectedRule(UpdateRule<I> inner, boolean engineOps) {
        this.inner = inner;
        this.engineOps = engineOps;
    }

    /**
     * GaLore around the rule of {@code factory} with the inner options of {@code options}; with {@code engineOps}
     * the inner rule and the back-projected update take their engine-op paths on CPU parameters too.
     */
    @SuppressWarnings("unchecked") // options.inner() was built by factory.options
    static <I extends RuleOptions> ProjectedRule<I> around(RuleFactory<I> factory, GaLoreOptions options,
            long totalSteps, boolean engineOps) {
        return new ProjectedRule<>(factory.rule((I) options.inner(), totalSteps, engineOps), engineOps);
    }

    @Override
    public List<StateSpec> state(String name, Shape shape, ParameterRole role, GaLoreOptions options) {
        Layout layout = layout(name, shape, role, options);
        if (layout.projector() == null) {
            return layout.lowRank();
        }
        List<StateSpec> specs = new ArrayList<>(layout.projector().bases());
        specs.addAll(layout.lowRank());
        for (StateSpec spec : layout.full()) {
            specs.add(new StateSpec(FULL + spec.name(), spec.shape(), spec.dataType()));
        }
        return specs;
    }

    /** The layout of a parameter, made when it is first seen and again when its shape, role or options change. */
    private Layout layout(String name, Shape shape, ParameterRole role, GaLoreOptions options) {
        Layout known = layouts.get(name);
        if (known != null && known.options().equals(options) && known.shape().equals(shape) && known.role() == role) {
            return known;
        }
        I innerOptions = innerOptions(options);
        Layout layout;
        if (!options.targets(name, shape, role)) {
            layout = new Layout(options, shape, role, null, inner.state(name, shape, role, innerOptions), List.of());
        } else {
            GaLoreProjector projector = new GaLoreProjector(name, shape, options.projection()); // checks the rank
            layout = new Layout(options, shape, role, projector,
                    inner.state(name, projector.lowRankShape(), role, innerOptions),
                    projector.isIdentity() ? List.of() : inner.state(name, shape, role, innerOptions));
        }
        layouts.put(name, layout);
        return layout;
    }

    @Override
    public void step(long t, List<RuleParameter<GaLoreOptions>> parameters, OptionalDouble loss) {
        refreshesLastStep = 0;
        workspaceBytes = 0;
        lastStep = t;
        long refreshNanos = 0;
        List<RuleParameter<I>> forInner = new ArrayList<>(parameters.size());
        List<Projected> projected = new ArrayList<>();
        try (NDManager scratch = NDManager.newBaseManager()) {
            for (RuleParameter<GaLoreOptions> parameter : parameters) {
                Layout layout = layout(parameter.name(), parameter.weight().getShape(), parameter.role(),
                        parameter.options());
                GaLoreProjector projector = layout.projector();
                if (projector == null || (projector.isIdentity() && projector.settings().scale() == 1)) {
                    forInner.add(handOver(parameter, parameter.weight(), parameter.gradient(), parameter.decay(),
                            parameter.state()));
                    continue;
                }
                RuleState state = parameter.state();
                NDArray gradient = FloatTensors.float32(parameter.gradient(), scratch);
                boolean hadBasis = projector.hasBasis(state);
                long refreshStart = System.nanoTime();
                GaLoreProjector.Refresh refresh = projector.refreshIfDue(state, gradient, t, seed(parameter.name(), t));
                if (refresh == GaLoreProjector.Refresh.REFRESHED) {
                    refreshNanos += System.nanoTime() - refreshStart;
                }
                countRefresh(refresh, parameter, layout, hadBasis, t);
                if (!projector.hasBasis(state)) {
                    forInner.add(handOver(parameter, parameter.weight(), parameter.gradient(), parameter.decay(),
                            state.view(FULL, layout.full())));
                    continue;
                }
                NDArray lowRank = projector.project(state, gradient, scratch); // R
                NDArray virtual = scratch.zeros(lowRank.getShape(), DataType.FLOAT32, lowRank.getDevice()); // N ~ R
                workspaceBytes += virtual.size() * Float.BYTES;
                forInner.add(handOver(parameter, virtual, lowRank, false, state.view("", layout.lowRank())));
                projected.add(new Projected(parameter, projector, virtual));
            }
            if (refreshesLastStep > 0) {
                lastRefreshStep = t;
                lastRefreshNanos = refreshNanos;
            }
            inner.step(t, forInner, loss);
            for (Projected item : projected) {
                apply(item, item.parameter().usesEngineOps(engineOps), scratch);
            }
        }
    }

    private RuleParameter<I> handOver(RuleParameter<GaLoreOptions> parameter, NDArray weight, NDArray gradient,
            boolean decay, RuleState state) {
        // GaLore does not scale gradients itself (the optimizer has scaled them), so the scale it got is 1
        return new RuleParameter<>(parameter.name(), parameter.role(), weight, gradient, parameter.gradientScale(),
                innerOptions(parameter.options()), parameter.lr(), decay, state);
    }

    @SuppressWarnings("unchecked") // built by the inner rule's factory (GaLoreFactory.options)
    private I innerOptions(GaLoreOptions options) {
        return (I) options.inner();
    }

    private void countRefresh(GaLoreProjector.Refresh refresh, RuleParameter<GaLoreOptions> parameter, Layout layout,
            boolean hadBasis, long t) {
        switch (refresh) {
            case REFRESHED -> {
                refreshesLastStep++;
                if (hadBasis && parameter.options().resetMomentsOnRefresh()) {
                    layout.lowRank().forEach(spec -> parameter.state().forget(spec.name()));
                }
            }
            case SKIPPED_NOT_FINITE, SKIPPED_NOT_CONVERGED -> {
                skippedRefreshes++;
                if (warned.add(refresh.name())) {
                    LOG.log(Level.WARNING, "GaLore skipped the basis refresh of '" + parameter.name() + "' at step "
                            + t + " (" + (refresh == GaLoreProjector.Refresh.SKIPPED_NOT_FINITE
                                    ? "the gradient has NaN or infinite values" : "the SVD did not converge")
                            + "); " + (hadBasis ? "the old basis stays" : "the gradient goes unprojected this step")
                            + ". Further skips are counted in telemetry " + SKIPPED + ".");
                }
            }
            case NOT_DUE -> { }
        }
    }

    /** w ← w + α·back(N), then w ← w − lr·wd·w; as engine ops with {@code engine}. */
    private static void apply(Projected item, boolean engine, NDManager scratch) {
        RuleParameter<GaLoreOptions> parameter = item.parameter();
        BackProjectedUpdate.apply(parameter.weight(), item.projector(), parameter.state(), item.virtual(),
                parameter.lr() * parameter.decayed(parameter.options().weightDecay()), engine, scratch);
    }

    /** The randomized method's seed: the same for the same parameter and step, so resumed runs match. */
    private static long seed(String parameterName, long step) {
        return parameterName.hashCode() * 0x9E3779B97F4A7C15L + step;
    }

    /** The projector of a parameter seen in a step, or null if it is not a target. */
    GaLoreProjector projector(String parameterName) {
        Layout layout = layouts.get(parameterName);
        return layout == null ? null : layout.projector();
    }

    /** Bytes of the virtual low-rank weights of the last step (scratch, freed after it; not state). */
    long workspaceBytes() {
        return workspaceBytes;
    }

    /**
     * The inner rule's reports, then {@code galore_refreshes} (bases refreshed in the last step),
     * {@code galore_skipped_refreshes} (so far), {@code galore_steps_since_refresh} (steps from the last step that
     * refreshed a basis to the last step: 0 when the last step refreshed) and {@code galore_refresh_ms} (the time
     * that refreshing step spent computing its bases); both are NaN before the first refresh, and the time is NaN
     * too in a resumed run until its first refresh (the step of the last refresh is saved state, its time is not).
     */
    @Override
    public Map<String, Double> telemetry() {
        Map<String, Double> telemetry = new LinkedHashMap<>(inner.telemetry());
        telemetry.put("galore_refreshes", (double) refreshesLastStep);
        telemetry.put(SKIPPED, (double) skippedRefreshes);
        boolean refreshed = lastRefreshStep > 0;
        telemetry.put("galore_steps_since_refresh", refreshed ? (double) (lastStep - lastRefreshStep) : Double.NaN);
        telemetry.put("galore_refresh_ms", refreshed && lastRefreshNanos >= 0 ? lastRefreshNanos / 1e6 : Double.NaN);
        return telemetry;
    }

    /**
     * The count of skipped refreshes, the step of the last refresh (0 before the first), and the inner rule's scalars
     * under {@code inner.}.
     */
    @Override
    public Map<String, Double> scalars() {
        Map<String, Double> scalars = new LinkedHashMap<>();
        scalars.put(SKIPPED, (double) skippedRefreshes);
        scalars.put(LAST_REFRESH, (double) lastRefreshStep);
        inner.scalars().forEach((name, value) -> scalars.put(INNER_SCALARS + name, value));
        return scalars;
    }

    @Override
    public void restoreScalars(Map<String, Double> scalars) {
        Map<String, Double> ofInner = new LinkedHashMap<>();
        scalars.forEach((name, value) -> {
            if (name.startsWith(INNER_SCALARS)) {
                ofInner.put(name.substring(INNER_SCALARS.length()), value);
            } else if (!name.equals(SKIPPED) && !name.equals(LAST_REFRESH)) {
                throw new IllegalArgumentException("saved scalar '" + name + "' is not GaLore's");
            }
        });
        inner.restoreScalars(ofInner);
        skippedRefreshes = scalars.getOrDefault(SKIPPED, 0.0).longValue();
        lastRefreshStep = scalars.getOrDefault(LAST_REFRESH, 0.0).longValue(); // absent in state saved before it was
        lastRefreshNanos = -1;
    }
}
