package dev.tune4j.optim;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * The one optimizer of tune4j: an {@link UpdateRule} with everything around its math. It owns the step count t, the
 * learning-rate schedule's scale, parameter groups (resolved once per parameter), the checks of every step, gradient
 * zeroing, the state the rule declares (allocated on first use, exact bytes), save/load and telemetry.
 *
 * <pre>
 * step(parameters, loss):  check names and loss -> t += 1
 *                          -> rule.step(t, [name, role, weight, gradient, group options, lr·scale, state] ..., loss)
 *                          -> zero every gradient
 * </pre>
 *
 * @param <O> the rule's options record
 */
public final class RuleOptimizer<O extends RuleOptions> implements Optimizer {
    private static final ObjectMapper JSON = StateFiles.mapper();
    /** Bytes of a gradient zeroed per parallel chunk. */
    private static final long ZEROING_CHUNK_BYTES = 1L << 18;

    private final OptimizerPlan<O> plan;
    private final UpdateRule<O> rule;
    private final StateStore store = new StateStore();
    private final Map<String, Resolved<O>> resolved = new HashMap<>();
    private long t;
    private double learningRateScale = 1;

    /** A parameter's group options and the state its rule declares for it at its shape. */
    private record Resolved<O extends RuleOptions>(O options, Shape shape, ParameterRole role, List<StateSpec> specs) {}

    /** The optimizer of {@code plan} running {@code rule}. */
    RuleOptimizer(OptimizerPlan<O> plan, UpdateRule<O> rule) {
        this.plan = plan;
        this.rule = rule;
    }

    @Override
    public String id() {
        return plan.id();
    }

    /** The rule (for its own accessors, e.g. SOAA's dt). */
    public UpdateRule<O> rule() {
        return rule;
    }

    /** The checked settings this optimizer was built from. */
    public OptimizerPlan<O> plan() {
        return plan;
    }

    @Override
    public void step(List<TrainableParameter> parameters, OptionalDouble loss) {
        step(parameters, loss, 1f);
    }

    /**
     * One step on the gradients times {@code gradientScale}: handed to the rule when it scales gradients itself
     * ({@link UpdateRule#scalesGradients()}), else applied to the gradient tensors before the rule steps.
     */
    @Override
    public void step(List<TrainableParameter> parameters, OptionalDouble loss, float gradientScale) {
        Optimizer.requireGradientScale(gradientScale);
        Set<String> seen = new HashSet<>();
        for (TrainableParameter parameter : parameters) {
            if (!seen.add(parameter.name())) {
                throw new IllegalArgumentException("parameter '" + parameter.name() + "' was passed twice");
            }
        }
        if (loss.isPresent() && !Double.isFinite(loss.getAsDouble())) {
            throw new IllegalArgumentException("loss is " + loss.getAsDouble() + "; stop the run instead of stepping");
        }
        List<Resolved<O>> resolvedParameters = new ArrayList<>(parameters.size());
        for (TrainableParameter parameter : parameters) { // resolving checks each parameter (e.g. GaLore's rank)
            resolvedParameters.add(resolve(parameter));
        }
        boolean ruleScales = rule.scalesGradients();
        if (!ruleScales) {
            Optimizer.scaleGradients(parameters, gradientScale);
        }
        List<RuleParameter<O>> forRule = new ArrayList<>(parameters.size());
        for (int i = 0; i < parameters.size(); i++) {
            TrainableParameter parameter = parameters.get(i);
            Resolved<O> of = resolvedParameters.get(i);
            forRule.add(new RuleParameter<>(parameter.name(), parameter.role(), parameter.weight(),
                    parameter.gradient(), ruleScales ? gradientScale : 1f, of.options(),
                    of.options().lr() * learningRateScale, true,
                    new RuleState(store, parameter.name(), "", parameter.weight().getDevice(), of.specs())));
        }
        t++; // only once every parameter was accepted: a refused step does not count
        rule.step(t, forRule, loss);
        zero(parameters);
    }

    /** The state of {@code parameter} as its rule declares it (for readers such as reports and notebooks). */
    public RuleState state(TrainableParameter parameter) {
        return new RuleState(store, parameter.name(), "", parameter.weight().getDevice(), resolve(parameter).specs());
    }

    /** The options of {@code parameter}'s group. */
    public O options(TrainableParameter parameter) {
        return resolve(parameter).options();
    }

    private Resolved<O> resolve(TrainableParameter parameter) {
        Shape shape = parameter.weight().getShape();
        Resolved<O> known = resolved.get(parameter.name());
        if (known == null || !known.shape().equals(shape) || known.role() != parameter.role()) {
            O options = plan.groupOf(parameter).options();
            known = new Resolved<>(options, shape, parameter.role(),
                    List.copyOf(rule.state(parameter.name(), shape, parameter.role(), options)));
            resolved.put(parameter.name(), known);
        }
        return known;
    }

    /** Whether the optimizer's option {@code engine_ops} is on ({@link OptimizerPlan#engineOps()}). */
    @Override
    public boolean engineOps() {
        return plan.engineOps();
    }

    @Override
    public long stepCount() {
        return t;
    }

    @Override
    public void setLearningRateScale(double scale) {
        if (!(scale >= 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("learning-rate scale must be finite and >= 0, got " + scale);
        }
        this.learningRateScale = scale;
    }

    @Override
    public double learningRate() {
        return plan.options().lr() * learningRateScale;
    }

    @Override
    public long stateBytes() {
        return store.bytes();
    }

    @Override
    public Map<String, Double> telemetry() {
        return rule.telemetry();
    }

    @Override
    public void resetState(String parameterName) {
        store.forget(parameterName);
    }

    @Override
    public void saveState(Path directory) throws IOException {
        Files.createDirectories(directory);
        store.save(directory.resolve(StateFiles.TENSORS), Map.of("optimizer", id()));
        ObjectNode json = JSON.createObjectNode();
        json.put("optimizer", id());
        json.put("t", t);
        json.put("learning_rate_scale", learningRateScale);
        ObjectNode scalars = json.putObject("scalars");
        rule.scalars().forEach(scalars::put);
        json.set("options", JSON.valueToTree(plan.parsed().asMap()));
        StateFiles.writeJson(directory, json);
    }

    @Override
    public void loadState(Path directory) throws IOException {
        JsonNode json = StateFiles.readJson(directory);
        String savedId = json.path("optimizer").asText();
        if (!savedId.equals(id())) {
            throw new IOException(directory.resolve(StateFiles.JSON_FILE) + " holds state of optimizer '" + savedId
                    + "', not '" + id() + "'");
        }
        Map<String, Double> scalars = new LinkedHashMap<>();
        json.path("scalars").properties().forEach(e -> scalars.put(e.getKey(), e.getValue().asDouble()));
        rule.restoreScalars(scalars);
        store.load(directory.resolve(StateFiles.TENSORS));
        t = json.path("t").asLong();
        learningRateScale = json.path("learning_rate_scale").asDouble(1);
    }

    /**
     * Writes zeros over every gradient (NaN-safe, unlike subtracting it from itself): CPU memory in chunks on the
     * kernel threads ({@link KernelThreads}), since one thread's stores do not fill the memory bandwidth, all tensors'
     * chunks in one parallel run (one hand-over to the threads per step, not one per tensor: a model has a hundred-odd
     * gradients, most of them small); other devices' by the engine.
     */
    private static void zero(List<TrainableParameter> parameters) {
        List<MemorySegment> chunks = new ArrayList<>();
        for (TrainableParameter parameter : parameters) {
            NDArray gradient = parameter.gradient();
            if (gradient.getDevice().getDeviceType().equals(Device.Type.CPU)) {
                MemorySegment memory = TensorMemory.of(gradient);
                for (long from = 0; from < memory.byteSize(); from += ZEROING_CHUNK_BYTES) {
                    chunks.add(memory.asSlice(from, Math.min(ZEROING_CHUNK_BYTES, memory.byteSize() - from)));
                }
            } else {
                gradient.set(new NDIndex("..."), 0);
            }
        }
        KernelThreads.forEachChunk(chunks.size(), 1, (chunk, from, to) -> {
            for (int c = (int) from; c < to; c++) {
                chunks.get(c).fill((byte) 0);
            }
        });
    }

    @Override
    public void close() {
        store.close();
    }
}
