package dev.tune4j.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tune4j.checkpoint.SafeTensorsFile;
import dev.tune4j.checkpoint.SafeTensorsWriter;
import dev.tune4j.checkpoint.TensorInfo;
import java.io.IOException;
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
 * What every tune4j optimizer shares: option validation and parameter groups, step counting, gradient zeroing, the
 * learning-rate schedule multiplier, named state tensors in an optimizer-owned {@link NDManager} (so nothing leaks and
 * {@link #stateBytes()} is exact), and state save/load.
 *
 * <p>Subclasses implement {@link #update}: the math of one step, with {@link #t} already incremented. State tensors
 * are created on first use with {@link #state}; scalar state (SOAA's dt, pr) is saved through {@link #saveScalars} and
 * {@link #loadScalars}.
 */
public abstract class AbstractOptimizer implements Optimizer {
    /** File name of saved state tensors (see {@link StateFiles}). */
    public static final String STATE_TENSORS = StateFiles.TENSORS;

    /** File name of the saved scalars (see {@link StateFiles}). */
    public static final String STATE_JSON = StateFiles.JSON_FILE;

    private static final ObjectMapper JSON = StateFiles.mapper();
    private static final String SEPARATOR = "::";

    private final String id;
    private final OptionSchema schema;
    private final Options options;
    private final List<ParameterGroup> groupSpecs;
    private final List<Group> groups = new ArrayList<>();
    private final Group defaultGroup;
    private final Map<String, Group> groupOfParameter = new HashMap<>();
    private final NDManager stateManager = NDManager.newBaseManager();
    private final Map<String, Map<String, NDArray>> state = new LinkedHashMap<>(); // parameter -> state name -> tensor
    private final long totalSteps;
    private double learningRateScale = 1;

    /** Optimizer steps taken, including the one in progress during {@link #update}. */
    protected long t;

    /**
     * A resolved parameter group: its options merged over the optimizer's and validated.
     *
     * @param name the group's name ({@code default} for parameters no group matches)
     * @param options validated options
     */
    protected record Group(String name, Options options) {}

    /**
     * Validates the options and every group's overrides.
     *
     * @throws IllegalArgumentException naming every unknown option and invalid value
     */
    protected AbstractOptimizer(String id, OptionSchema schema, OptimizerSettings settings) {
        this.id = id;
        this.schema = schema;
        this.totalSteps = settings.totalSteps();
        this.options = schema.parse(settings.options(), "optimizer '" + id + "'");
        this.groupSpecs = settings.groups();
        Set<String> names = new HashSet<>();
        for (ParameterGroup spec : groupSpecs) {
            if (!names.add(spec.name())) {
                throw new IllegalArgumentException("two parameter groups are named '" + spec.name() + "'");
            }
            Map<String, Object> merged = new LinkedHashMap<>(settings.options());
            merged.putAll(spec.overrides());
            groups.add(new Group(spec.name(), schema.parse(merged, "group '" + spec.name() + "'")));
        }
        this.defaultGroup = new Group("default", options);
    }

    @Override
    public final String id() {
        return id;
    }

    /** The optimizer-wide options. */
    protected final Options options() {
        return options;
    }

    /** The run's total optimizer steps. */
    protected final long totalSteps() {
        return totalSteps;
    }

    @Override
    public final void step(List<TrainableParameter> parameters, OptionalDouble loss) {
        Set<String> seen = new HashSet<>();
        for (TrainableParameter parameter : parameters) {
            if (!seen.add(parameter.name())) {
                throw new IllegalArgumentException("parameter '" + parameter.name() + "' was passed twice");
            }
        }
        if (loss.isPresent() && !Double.isFinite(loss.getAsDouble())) {
            throw new IllegalArgumentException("loss is " + loss.getAsDouble() + "; stop the run instead of stepping");
        }
        t++;
        update(parameters, loss);
        for (TrainableParameter parameter : parameters) {
            zero(parameter.gradient());
        }
    }

    /** The math of one step; {@link #t} is the step's number, starting at 1. */
    protected abstract void update(List<TrainableParameter> parameters, OptionalDouble loss);

    /** The group of {@code parameter} (first matching group, else the default group). */
    protected final Group group(TrainableParameter parameter) {
        return groupOfParameter.computeIfAbsent(parameter.name(), name -> {
            for (int i = 0; i < groupSpecs.size(); i++) {
                if (groupSpecs.get(i).matches(name)) {
                    return groups.get(i);
                }
            }
            return defaultGroup;
        });
    }

    /** The group's learning rate for this step: its {@code lr} times the schedule's multiplier. */
    protected final double learningRate(Group group) {
        return group.options().number("lr") * learningRateScale;
    }

    @Override
    public final double learningRate() {
        return defaultGroup.options().has("lr") ? learningRate(defaultGroup) : Double.NaN;
    }

    @Override
    public final void setLearningRateScale(double scale) {
        if (!(scale >= 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("learning-rate scale must be finite and >= 0, got " + scale);
        }
        this.learningRateScale = scale;
    }

    @Override
    public final long stepCount() {
        return t;
    }

    /**
     * The state tensor {@code name} of {@code parameter}, created as zeros of the parameter's shape and
     * {@code dataType} on first use.
     */
    protected final NDArray state(TrainableParameter parameter, String name, DataType dataType) {
        return state(parameter.name(), name, parameter.weight().getShape(), dataType);
    }

    /** The state tensor {@code name} of {@code owner} with its own shape (codes, scales, projectors). */
    protected final NDArray state(String owner, String name, Shape shape, DataType dataType) {
        Map<String, NDArray> tensors = state.computeIfAbsent(owner, key -> new LinkedHashMap<>());
        NDArray tensor = tensors.get(name);
        if (tensor == null) {
            tensor = stateManager.zeros(shape, dataType);
            tensors.put(name, tensor);
        } else if (!tensor.getShape().equals(shape) || tensor.getDataType() != dataType) {
            throw new IllegalStateException("state " + name + " of " + owner + " is " + tensor.getShape() + " "
                    + tensor.getDataType() + ", asked for " + shape + " " + dataType);
        }
        return tensor;
    }

    /** Frees the state tensor {@code name} of {@code owner}, if any. */
    protected final void dropState(String owner, String name) {
        Map<String, NDArray> tensors = state.get(owner);
        if (tensors != null) {
            NDArray removed = tensors.remove(name);
            if (removed != null) {
                removed.close();
            }
        }
    }

    /** Frees every state tensor of {@code parameterName}; they come back as zeros on first use. */
    @Override
    public void resetState(String parameterName) {
        Map<String, NDArray> tensors = state.remove(parameterName);
        if (tensors != null) {
            tensors.values().forEach(NDArray::close);
        }
    }

    @Override
    public long stateBytes() {
        long bytes = 0;
        for (Map<String, NDArray> tensors : state.values()) {
            for (NDArray tensor : tensors.values()) {
                bytes += tensor.size() * tensor.getDataType().getNumOfBytes();
            }
        }
        return bytes;
    }

    @Override
    public Map<String, Double> telemetry() {
        return Map.of();
    }

    /** Scalar state to save besides {@code t}; the default has none. */
    protected Map<String, Double> saveScalars() {
        return Map.of();
    }

    /** Restores what {@link #saveScalars} returned. */
    protected void loadScalars(Map<String, Double> scalars) {}

    @Override
    public void saveState(Path directory) throws IOException {
        Files.createDirectories(directory);
        List<SafeTensorsWriter.Entry> entries = new ArrayList<>();
        for (var owner : state.entrySet()) {
            for (var tensor : owner.getValue().entrySet()) {
                entries.add(SafeTensorsWriter.Entry.of(owner.getKey() + SEPARATOR + tensor.getKey(), tensor.getValue()));
            }
        }
        SafeTensorsWriter.write(directory.resolve(STATE_TENSORS), entries, Map.of("optimizer", id));
        ObjectNode json = JSON.createObjectNode();
        json.put("optimizer", id);
        json.put("t", t);
        json.put("learning_rate_scale", learningRateScale);
        ObjectNode scalars = json.putObject("scalars");
        saveScalars().forEach(scalars::put);
        json.set("options", JSON.valueToTree(options.asMap()));
        StateFiles.writeJson(directory, json);
    }

    @Override
    public void loadState(Path directory) throws IOException {
        Path jsonFile = directory.resolve(STATE_JSON);
        Path tensorFile = directory.resolve(STATE_TENSORS);
        JsonNode json = StateFiles.readJson(directory);
        String savedId = json.path("optimizer").asText();
        if (!savedId.equals(id)) {
            throw new IOException(jsonFile + " holds state of optimizer '" + savedId + "', not '" + id + "'");
        }
        Map<String, Double> scalars = new LinkedHashMap<>();
        json.path("scalars").properties().forEach(e -> scalars.put(e.getKey(), e.getValue().asDouble()));
        try (SafeTensorsFile file = SafeTensorsFile.open(tensorFile)) {
            for (Map<String, NDArray> tensors : state.values()) {
                tensors.values().forEach(NDArray::close);
            }
            state.clear();
            for (TensorInfo info : file.tensors()) {
                int split = info.name().lastIndexOf(SEPARATOR);
                if (split < 0) {
                    throw new IOException(tensorFile + ": tensor '" + info.name() + "' is not optimizer state");
                }
                NDArray loaded = file.load(info.name(), stateManager);
                state.computeIfAbsent(info.name().substring(0, split), key -> new LinkedHashMap<>())
                        .put(info.name().substring(split + SEPARATOR.length()), loaded);
            }
        }
        t = json.path("t").asLong();
        learningRateScale = json.path("learning_rate_scale").asDouble(1);
        loadScalars(scalars);
    }

    /** Writes zeros over {@code gradient} (NaN-safe, unlike subtracting it from itself). */
    private static void zero(NDArray gradient) {
        if (gradient.getDevice().getDeviceType().equals(ai.djl.Device.Type.CPU)) {
            TensorMemory.of(gradient).fill((byte) 0);
        } else {
            gradient.set(new NDIndex("..."), 0);
        }
    }

    @Override
    public void close() {
        state.clear();
        stateManager.close();
    }
}
