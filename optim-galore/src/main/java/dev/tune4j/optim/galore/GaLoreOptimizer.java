package dev.tune4j.optim.galore;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tune4j.checkpoint.SafeTensorsFile;
import dev.tune4j.checkpoint.SafeTensorsWriter;
import dev.tune4j.checkpoint.TensorInfo;
import dev.tune4j.optim.OptimizerFactory;
import dev.tune4j.optim.OptimizerSettings;
import dev.tune4j.optim.Optimizer;
import dev.tune4j.optim.Optimizers;
import dev.tune4j.optim.OptionSchema;
import dev.tune4j.optim.Options;
import dev.tune4j.optim.ParameterGroup;
import dev.tune4j.optim.StateFiles;
import dev.tune4j.optim.TensorMemory;
import dev.tune4j.optim.TrainableParameter;
import java.io.IOException;
import java.lang.System.Logger.Level;
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
 * GaLore around any registered optimizer rule (notes §2.2): for each 2-D parameter whose name matches
 * {@code target_modules}, the gradient G is projected to R (see {@link GaLoreProjector}), the inner optimizer steps a
 * virtual low-rank weight named {@code <parameter>::galore} (shaped like R, zero before every step) with gradient R,
 * and the change of that virtual weight N is projected back, scaled by α and added to the real weight; then the real
 * weight gets decoupled weight decay {@code w ← w − lr·wd·w}, after the update as the reference does. The inner rule's
 * own {@code weight_decay} is set to 0 for the virtual weights (through parameter groups named
 * {@code <group>::galore} and {@code galore_virtual}), as the reference disables it inside its 8-bit inner rule;
 * decay inside the inner rule would shrink the low-rank update itself.
 *
 * <p>All other parameters go to the inner optimizer unchanged, in the same single inner {@code step} (so rules that
 * sum over all parameters, like SOAA, see everything). The inner moments live in the projected space; by default they
 * are kept when the basis changes (as the reference), or forgotten with {@code reset_moments_on_refresh: true}.
 *
 * <p>A projector whose rank covers its whole dimension is the identity; with scale 1 its parameter is handed to the
 * inner optimizer as it is, so GaLore-X then equals X bit for bit. If a basis cannot be computed yet (NaN/Inf gradient
 * or a failed SVD at the first refresh) the parameter is handed over unprojected for that step.
 *
 * <p>State: the bases ({@code optimizer.safetensors} and {@code optimizer.json} in the state directory) and the inner
 * optimizer's state (in its subdirectory {@code inner}).
 */
public final class GaLoreOptimizer implements Optimizer {
    /** Suffix of the virtual low-rank parameters the inner optimizer sees. */
    public static final String VIRTUAL_SUFFIX = "::galore";

    /** Subdirectory of the state directory holding the inner optimizer's state. */
    public static final String INNER_STATE = "inner";

    /** File name of the saved bases. */
    public static final String STATE_TENSORS = StateFiles.TENSORS;

    /** File name of the saved scalars and projector layout. */
    public static final String STATE_JSON = StateFiles.JSON_FILE;

    /** The attention and MLP projections of Llama and BERT. */
    public static final List<String> DEFAULT_TARGET_MODULES = List.of(
            "**.q_proj.weight", "**.k_proj.weight", "**.v_proj.weight", "**.o_proj.weight",
            "**.gate_proj.weight", "**.up_proj.weight", "**.down_proj.weight",
            "**.attention.self.*.weight", "**.attention.output.dense.weight", "**.intermediate.dense.weight",
            "**.output.dense.weight");

    /** Options GaLore itself reads; every other option goes to the inner optimizer. */
    static final Set<String> OWN_OPTIONS = Set.of("rank", "update_proj_gap", "scale", "proj_type", "svd",
            "power_iterations", "oversampling", "target_modules", "reset_moments_on_refresh", "inner");

    private static final System.Logger LOG = System.getLogger(GaLoreOptimizer.class.getName());
    private static final ObjectMapper JSON = StateFiles.mapper();
    private static final String SEPARATOR = "::";

    private final String id;
    private final String innerId;
    private final Optimizer inner;
    private final Options options;
    private final List<ParameterGroup> groupSpecs;
    private final List<Options> groupOptions = new ArrayList<>();
    private final NDManager manager = NDManager.newBaseManager();
    private final NDManager workspace = manager.newSubManager();
    private final Map<String, Options> optionsOfParameter = new HashMap<>();
    private final Map<String, GaLoreProjector> projectors = new LinkedHashMap<>();
    private final Map<String, NDArray> virtualWeights = new HashMap<>();
    private final Map<String, Boolean> isTarget = new HashMap<>();
    private final Set<String> warned = new HashSet<>();
    private long t;
    private double learningRateScale = 1;
    private long refreshesLastStep;
    private long skippedRefreshes;

    /** A projected parameter of the step in progress. */
    private record Projected(TrainableParameter parameter, GaLoreProjector projector, NDArray virtualWeight,
            Options options) {}

    /**
     * GaLore over the optimizer {@code innerId}.
     *
     * @param id this optimizer's registry id
     * @param innerId the inner optimizer's registry id
     * @param settings GaLore options, the inner optimizer's options, and parameter groups (whose overrides may hold
     *     both)
     * @throws IllegalArgumentException for unknown or invalid options, or an inner optimizer not on the class path
     */
    public GaLoreOptimizer(String id, String innerId, OptimizerSettings settings) {
        this.id = id;
        this.innerId = innerId;
        OptimizerFactory innerFactory = innerFactory(id, innerId);
        OptionSchema schema = schema(id, innerFactory.schema(), id.equals(GaLoreOptimizerFactory.GENERIC_ID));
        this.options = schema.parse(settings.options(), "optimizer '" + id + "'");
        this.groupSpecs = settings.groups();
        boolean innerDecays = innerFactory.schema().names().contains("weight_decay");
        List<ParameterGroup> virtualGroups = new ArrayList<>();
        List<ParameterGroup> realGroups = new ArrayList<>();
        for (ParameterGroup spec : groupSpecs) {
            Map<String, Object> merged = new LinkedHashMap<>(settings.options());
            merged.putAll(spec.overrides());
            groupOptions.add(schema.parse(merged, "group '" + spec.name() + "'"));
            Map<String, Object> innerOverrides = withoutOwnOptions(spec.overrides());
            realGroups.add(new ParameterGroup(spec.name(), spec.patterns(), innerOverrides));
            Map<String, Object> virtualOverrides = new LinkedHashMap<>(innerOverrides);
            if (innerDecays) {
                virtualOverrides.put("weight_decay", 0.0);
            }
            virtualGroups.add(new ParameterGroup(spec.name() + VIRTUAL_SUFFIX,
                    spec.patterns().stream().map(pattern -> pattern + VIRTUAL_SUFFIX).toList(), virtualOverrides));
        }
        if (innerDecays) {
            virtualGroups.add(new ParameterGroup("galore_virtual", List.of("**" + VIRTUAL_SUFFIX),
                    Map.of("weight_decay", 0.0)));
        }
        // virtual names match only virtual patterns, so listing those first keeps first-match-wins for both kinds
        List<ParameterGroup> innerGroups = new ArrayList<>(virtualGroups);
        innerGroups.addAll(realGroups);
        projectionSettings(options); // validates the combination early
        this.inner = innerFactory.create(new OptimizerSettings(withoutOwnOptions(settings.options()), innerGroups,
                settings.totalSteps()));
    }

    /**
     * GaLore's own options followed by the inner optimizer's.
     *
     * @param withInnerOption whether to accept {@code inner} (the generic {@code galore} id)
     */
    static OptionSchema schema(String id, OptionSchema innerSchema, boolean withInnerOption) {
        OptionSchema.Builder builder = ownOptions(id, withInnerOption);
        return innerSchema == null ? builder.build() : builder.include(innerSchema).build();
    }

    /** GaLore's own options with their defaults. */
    static OptionSchema.Builder ownOptions(String id, boolean withInnerOption) {
        ProjectionSettings defaults = ProjectionSettings.defaults();
        OptionSchema.Builder builder = OptionSchema.builder(id)
                .integer("rank", (long) defaults.rank(), x -> x >= 1 && x <= Integer.MAX_VALUE, "at least 1")
                .integer("update_proj_gap", defaults.updateProjGap(), x -> x >= 1, "at least 1")
                .number("scale", defaults.scale(), x -> x > 0 && Double.isFinite(x), "a finite number > 0")
                .choice("proj_type", defaults.type().word(), "std", "reverse_std", "left", "right", "full")
                .choice("svd", defaults.method().word(), "exact", "randomized")
                .integer("power_iterations", (long) defaults.powerIterations(), x -> x >= 0 && x <= 100, "in [0, 100]")
                .integer("oversampling", (long) defaults.oversampling(), x -> x >= 0 && x <= 1_000_000, ">= 0")
                .texts("target_modules", DEFAULT_TARGET_MODULES)
                .flag("reset_moments_on_refresh", false);
        if (withInnerOption) {
            builder.text("inner", GaLoreOptimizerFactory.DEFAULT_INNER);
        }
        return builder;
    }

    /** The factory of the inner optimizer, or an error naming the module that provides it. */
    static OptimizerFactory innerFactory(String id, String innerId) {
        if (innerId.startsWith("galore")) {
            throw new IllegalArgumentException("optimizer '" + id + "' cannot wrap another GaLore optimizer ('"
                    + innerId + "'); choose a plain rule such as adamw as inner");
        }
        try {
            return Optimizers.factory(innerId);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("optimizer '" + id + "' wraps '" + innerId + "', which is not on the "
                    + "class path: add the module " + moduleOf(innerId) + " to the run (" + e.getMessage() + ")", e);
        }
    }

    private static String moduleOf(String innerId) {
        return switch (innerId) {
            case "adam", "adamw" -> "toolkit (dev.tune4j:toolkit)";
            case "adam8bit", "adamw8bit" -> "optim-8bit (dev.tune4j:optim-8bit)";
            case "soaa" -> "optim-soaa (dev.tune4j:optim-soaa)";
            default -> "that provides the optimizer '" + innerId + "'";
        };
    }

    private static Map<String, Object> withoutOwnOptions(Map<String, Object> values) {
        Map<String, Object> rest = new LinkedHashMap<>(values);
        rest.keySet().removeAll(OWN_OPTIONS);
        return rest;
    }

    private static ProjectionSettings projectionSettings(Options options) {
        return new ProjectionSettings(Math.toIntExact(options.integer("rank")), options.integer("update_proj_gap"),
                options.number("scale"), ProjectionType.of(options.choice("proj_type")),
                SubspaceMethod.of(options.choice("svd")), Math.toIntExact(options.integer("power_iterations")),
                Math.toIntExact(options.integer("oversampling")));
    }

    @Override
    public String id() {
        return id;
    }

    /** The inner optimizer's id. */
    public String innerId() {
        return innerId;
    }

    /** The inner optimizer (for its telemetry and tests); GaLore owns it. */
    Optimizer inner() {
        return inner;
    }

    /** The projector of {@code parameterName}, or null if it is not projected (yet). */
    public GaLoreProjector projector(String parameterName) {
        return projectors.get(parameterName);
    }

    @Override
    public void step(List<TrainableParameter> parameters, OptionalDouble loss) {
        Set<String> seen = new HashSet<>();
        for (TrainableParameter parameter : parameters) {
            if (!seen.add(parameter.name())) {
                throw new IllegalArgumentException("parameter '" + parameter.name() + "' was passed twice");
            }
            if (parameter.name().endsWith(VIRTUAL_SUFFIX)) {
                throw new IllegalArgumentException("parameter name '" + parameter.name() + "' ends with "
                        + VIRTUAL_SUFFIX + ", which GaLore reserves for its virtual parameters; rename it");
            }
        }
        if (loss.isPresent() && !Double.isFinite(loss.getAsDouble())) {
            throw new IllegalArgumentException("loss is " + loss.getAsDouble() + "; stop the run instead of stepping");
        }
        long step = t + 1;
        List<GaLoreProjector> plan = new ArrayList<>(parameters.size());
        for (TrainableParameter parameter : parameters) {
            plan.add(projectorFor(parameter)); // validates every parameter before anything changes
        }
        refreshesLastStep = 0;
        List<TrainableParameter> forInner = new ArrayList<>(parameters.size());
        List<Projected> projected = new ArrayList<>();
        try (NDManager scratch = manager.newSubManager()) {
            for (int i = 0; i < parameters.size(); i++) {
                TrainableParameter parameter = parameters.get(i);
                GaLoreProjector projector = plan.get(i);
                if (projector == null || (projector.isIdentity() && projector.settings().scale() == 1)) {
                    forInner.add(parameter);
                    continue;
                }
                NDArray gradient = asFloat32(parameter.gradient(), scratch);
                boolean hadBasis = projector.hasBasis();
                GaLoreProjector.Refresh refresh = projector.refreshIfDue(gradient, step, seed(parameter.name(), step));
                switch (refresh) {
                    case REFRESHED -> {
                        refreshesLastStep++;
                        if (hadBasis && options(parameter.name()).flag("reset_moments_on_refresh")) {
                            inner.resetState(parameter.name() + VIRTUAL_SUFFIX);
                        }
                    }
                    case SKIPPED_NOT_FINITE, SKIPPED_NOT_CONVERGED -> {
                        skippedRefreshes++;
                        warnOnce(refresh.name(), "GaLore skipped the basis refresh of '" + parameter.name()
                                + "' at step " + step + " (" + (refresh == GaLoreProjector.Refresh.SKIPPED_NOT_FINITE
                                        ? "the gradient has NaN or infinite values" : "the SVD did not converge")
                                + "); " + (hadBasis ? "the old basis stays" : "the gradient goes unprojected this step")
                                + ". Further skips are counted in telemetry galore_skipped_refreshes.");
                    }
                    case NOT_DUE -> { }
                }
                if (!projector.hasBasis()) {
                    forInner.add(parameter);
                    continue;
                }
                NDArray lowRank = projector.project(gradient, scratch);
                NDArray virtualWeight = virtualWeight(parameter.name(), lowRank.getShape());
                forInner.add(new TrainableParameter(parameter.name() + VIRTUAL_SUFFIX, virtualWeight, lowRank));
                projected.add(new Projected(parameter, projector, virtualWeight, options(parameter.name())));
            }
            inner.step(forInner, loss);
            for (Projected item : projected) {
                apply(item, scratch);
            }
        }
        t = step;
    }

    /**
     * w ← w + α·back(N), then w ← w − lr·wd·w; zeroes the virtual weight and the real gradient. A float32 CPU weight
     * takes both in one pass over its memory ({@link BackProjectedUpdate}, the same floats as the engine calls that
     * other weights get).
     */
    private void apply(Projected item, NDManager scratch) {
        NDArray weight = item.parameter().weight();
        float scale = (float) item.projector().settings().scale();
        double decay = learningRate(item.options()) * weightDecay(item.options());
        if (weight.getDataType() == DataType.FLOAT32 && weight.getDevice().getDeviceType().equals(Device.Type.CPU)) {
            NDArray update = item.projector().backProject(item.virtualWeight(), scratch);
            BackProjectedUpdate.apply(TensorMemory.of(weight), TensorMemory.of(update), weight.size(), scale,
                    decay > 0 ? (float) decay : 0f);
        } else {
            applyOnEngine(weight, item.projector().projectBack(item.virtualWeight(), scratch), decay);
        }
        FloatTensors.zero(item.virtualWeight());
        FloatTensors.zero(item.parameter().gradient());
    }

    private static void applyOnEngine(NDArray parameterWeight, NDArray update, double decay) {
        NDArray weight = parameterWeight.stopGradient();
        try {
            if (weight.getDataType() == DataType.FLOAT32) {
                weight.addi(update);
            } else {
                try (NDArray cast = update.toType(weight.getDataType(), true)) {
                    weight.addi(cast);
                }
            }
            if (decay > 0) {
                try (NDArray decrement = weight.mul(decay)) {
                    weight.subi(decrement);
                }
            }
        } finally {
            weight.close();
        }
    }

    private double learningRate(Options parameterOptions) {
        return parameterOptions.has("lr") ? parameterOptions.number("lr") * learningRateScale : 0;
    }

    private static double weightDecay(Options parameterOptions) {
        return parameterOptions.has("weight_decay") ? parameterOptions.number("weight_decay") : 0;
    }

    /** The projector of {@code parameter} (made on first sight), or null if it is not a GaLore target. */
    private GaLoreProjector projectorFor(TrainableParameter parameter) {
        String name = parameter.name();
        Shape shape = parameter.weight().getShape();
        Options parameterOptions = options(name);
        boolean target = shape.dimension() == 2 && isTarget.computeIfAbsent(name,
                key -> new ParameterGroup("target_modules", parameterOptions.texts("target_modules"), Map.of())
                        .matches(key));
        GaLoreProjector projector = projectors.get(name);
        if (!target) {
            if (projector != null) {
                throw new IllegalStateException("parameter '" + name + "' has GaLore state but is no longer a target "
                        + "(shape " + shape + ", target_modules " + parameterOptions.texts("target_modules") + ")");
            }
            return null;
        }
        ProjectionSettings settings = projectionSettings(parameterOptions);
        if (projector == null) {
            projector = new GaLoreProjector(name, shape, settings, manager);
            projectors.put(name, projector);
        } else if (!projector.fullShape().equals(shape) || projector.settings().rank() != settings.rank()
                || projector.side() != settings.type().sideFor(shape.get(0), shape.get(1))) {
            throw new IllegalStateException("GaLore state of '" + name + "' (" + projector + ") does not match the "
                    + "parameter and options now (shape " + shape + ", rank " + settings.rank() + ", proj_type "
                    + settings.type().word() + "); resume with the model and options of the saved run");
        }
        return projector;
    }

    private Options options(String parameterName) {
        return optionsOfParameter.computeIfAbsent(parameterName, name -> {
            for (int i = 0; i < groupSpecs.size(); i++) {
                if (groupSpecs.get(i).matches(name)) {
                    return groupOptions.get(i);
                }
            }
            return options;
        });
    }

    private NDArray virtualWeight(String parameterName, Shape shape) {
        NDArray weight = virtualWeights.get(parameterName);
        if (weight == null || !weight.getShape().equals(shape)) {
            if (weight != null) {
                weight.close();
            }
            weight = workspace.zeros(shape, DataType.FLOAT32);
            virtualWeights.put(parameterName, weight);
        }
        return weight;
    }

    private static NDArray asFloat32(NDArray gradient, NDManager scratch) {
        if (gradient.getDataType() == DataType.FLOAT32) {
            return gradient;
        }
        NDArray converted = gradient.toType(DataType.FLOAT32, true);
        converted.attach(scratch);
        return converted;
    }

    /** The randomized method's seed: the same for the same parameter and step, so resumed runs match. */
    private static long seed(String parameterName, long step) {
        return parameterName.hashCode() * 0x9E3779B97F4A7C15L + step;
    }

    private void warnOnce(String key, String message) {
        if (warned.add(key)) {
            LOG.log(Level.WARNING, message);
        }
    }

    @Override
    public long stepCount() {
        return t;
    }

    @Override
    public double learningRate() {
        return inner.learningRate();
    }

    @Override
    public void setLearningRateScale(double scale) {
        inner.setLearningRateScale(scale); // validates
        learningRateScale = scale;
    }

    /** Projector bases plus the inner optimizer's state. */
    @Override
    public long stateBytes() {
        long bytes = inner.stateBytes();
        for (GaLoreProjector projector : projectors.values()) {
            bytes += projector.stateBytes();
        }
        return bytes;
    }

    /** Bytes of the virtual low-rank weights (scratch, zero between steps, not saved; not in {@link #stateBytes}). */
    public long workspaceBytes() {
        return virtualWeights.values().stream().mapToLong(w -> w.size() * Float.BYTES).sum();
    }

    @Override
    public Map<String, Double> telemetry() {
        Map<String, Double> telemetry = new LinkedHashMap<>(inner.telemetry());
        telemetry.put("galore_refreshes", (double) refreshesLastStep);
        telemetry.put("galore_skipped_refreshes", (double) skippedRefreshes);
        return telemetry;
    }

    @Override
    public void saveState(Path directory) throws IOException {
        Files.createDirectories(directory);
        List<SafeTensorsWriter.Entry> entries = new ArrayList<>();
        ObjectNode json = JSON.createObjectNode();
        json.put("optimizer", id);
        json.put("inner", innerId);
        json.put("t", t);
        json.put("learning_rate_scale", learningRateScale);
        json.put("skipped_refreshes", skippedRefreshes);
        json.set("options", JSON.valueToTree(options.asMap()));
        ObjectNode saved = json.putObject("projectors");
        for (GaLoreProjector projector : projectors.values()) {
            ObjectNode entry = saved.putObject(projector.parameterName());
            Shape shape = projector.fullShape();
            entry.put("rows", shape.get(0));
            entry.put("cols", shape.get(1));
            entry.put("side", projector.side().name());
            entry.put("rank", projector.settings().rank());
            projector.tensors().forEach((name, tensor) ->
                    entries.add(SafeTensorsWriter.Entry.of(projector.parameterName() + SEPARATOR + name, tensor)));
        }
        SafeTensorsWriter.write(directory.resolve(STATE_TENSORS), entries, Map.of("optimizer", id));
        inner.saveState(directory.resolve(INNER_STATE));
        StateFiles.writeJson(directory, json);
    }

    @Override
    public void loadState(Path directory) throws IOException {
        Path jsonFile = directory.resolve(STATE_JSON);
        Path tensorFile = directory.resolve(STATE_TENSORS);
        JsonNode json = StateFiles.readJson(directory);
        String savedId = json.path("optimizer").asText();
        String savedInner = json.path("inner").asText();
        if (!savedId.equals(id) || !savedInner.equals(innerId)) {
            throw new IOException(jsonFile + " holds state of optimizer '" + savedId + "' over '" + savedInner
                    + "', not '" + id + "' over '" + innerId + "'");
        }
        Map<String, GaLoreProjector> restored = new LinkedHashMap<>();
        try {
            for (var entry : json.path("projectors").properties()) {
                String name = entry.getKey();
                JsonNode saved = entry.getValue();
                Shape shape = new Shape(saved.path("rows").asLong(), saved.path("cols").asLong());
                ProjectionSettings settings = projectionSettings(options(name));
                if (saved.path("rank").asInt() != settings.rank()) {
                    throw new IOException(jsonFile + ": GaLore state of '" + name + "' has rank "
                            + saved.path("rank").asInt() + " but the options give rank " + settings.rank());
                }
                restored.put(name, new GaLoreProjector(name, shape, settings,
                        ProjectionSide.valueOf(saved.path("side").asText()), manager));
            }
            try (SafeTensorsFile file = SafeTensorsFile.open(tensorFile)) {
                for (TensorInfo info : file.tensors()) {
                    int split = info.name().lastIndexOf(SEPARATOR);
                    GaLoreProjector projector = split < 0 ? null : restored.get(info.name().substring(0, split));
                    if (projector == null) {
                        throw new IOException(tensorFile + ": tensor '" + info.name() + "' belongs to no saved "
                                + "GaLore projector");
                    }
                    projector.restore(info.name().substring(split + SEPARATOR.length()),
                            file.load(info.name(), manager));
                }
            }
        } catch (IllegalArgumentException e) {
            restored.values().forEach(GaLoreProjector::close);
            throw new IOException(tensorFile + ": " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            restored.values().forEach(GaLoreProjector::close);
            throw e;
        }
        inner.loadState(directory.resolve(INNER_STATE));
        projectors.values().forEach(GaLoreProjector::close);
        projectors.clear();
        projectors.putAll(restored);
        virtualWeights.values().forEach(FloatTensors::zero);
        t = json.path("t").asLong();
        learningRateScale = json.path("learning_rate_scale").asDouble(1);
        skippedRefreshes = json.path("skipped_refreshes").asLong();
    }

    @Override
    public void close() {
        inner.close();
        projectors.values().forEach(GaLoreProjector::close);
        projectors.clear();
        virtualWeights.clear();
        manager.close();
    }
}
