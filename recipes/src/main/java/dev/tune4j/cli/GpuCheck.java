package dev.tune4j.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tune4j.metrics.ProcessMemory;
import dev.tune4j.model.CausalLmLoss;
import dev.tune4j.model.llama.LlamaConfig;
import dev.tune4j.model.llama.LlamaForCausalLM;
import dev.tune4j.nn.ParameterNames;
import dev.tune4j.optim.Optimizer;
import dev.tune4j.optim.OptimizerSettings;
import dev.tune4j.optim.Optimizers;
import dev.tune4j.report.RunStatistics;
import dev.tune4j.run.GpuMemory;
import dev.tune4j.runfiles.MetricKeys;
import dev.tune4j.train.TrainingStep;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One comparison of the GPU check: the same tiny Llama-2-architecture model (identical initial weights, copied from one
 * CPU initialization), the same token batches and the same optimizer options, trained a few steps on two sides (on a
 * GPU and by the CPU engine-op path; or, as a dry run, by the CPU Java kernels and the CPU engine-op path), then the
 * per-step losses and the weight changes compared.
 *
 * <p>The model: vocabulary {@value #VOCAB}, hidden size {@link #hidden}, {@value #LAYERS} layers, 4 heads (2 key/value
 * heads), MLP 2x hidden, batches of {@value #BATCH} sequences of {@value #SEQUENCE} tokens from a fixed pattern (no
 * tokenizer or data set needed: the check is about arithmetic, not language). Gradient clipping at 1.0 runs on each
 * side's device too.
 *
 * <p>Every step ends with one value read back from the first weight, so that a step's time includes the device's work
 * (GPU kernels run asynchronously). Memory: after each step on a GPU, {@link GpuMemory}'s readings (this process, its
 * peak, the whole device); on CPU the process's resident set after the run.
 */
final class GpuCheck {
    static final int VOCAB = 512;
    static final int LAYERS = 2;
    static final int BATCH = 4;
    static final int SEQUENCE = 32;
    /** The optimizer option that selects the engine-op path on CPU (a GPU parameter always takes it). */
    static final String ENGINE_OPS = "engine_ops";

    private final int hidden;
    private final int steps;
    private final long seed;

    /**
     * One side of a comparison.
     *
     * @param label how the report names it, e.g. {@code gpu} or {@code cpu engine ops}
     * @param id optimizer id
     * @param options its options
     * @param device where the model and the optimizer state live
     */
    record Side(String label, String id, Map<String, Object> options, Device device) {
        Side {
            options = Map.copyOf(options);
        }
    }

    /**
     * What one side's training gave.
     *
     * @param losses the loss of every step
     * @param medianStepMillis median wall time of a step (forward, backward, clipping, optimizer, one value read back)
     * @param medianOptimizerMillis median time of clipping and the optimizer step
     * @param stateBytes the optimizer's state after the last step
     * @param weights every trainable parameter after the last step, by name
     * @param memory the GPU memory readings after the last step (metrics keys), or the CPU process's resident bytes
     */
    record Trajectory(double[] losses, double medianStepMillis, double medianOptimizerMillis, long stateBytes,
            Map<String, float[]> weights, ObjectNode memory) {}

    /**
     * The comparison of two sides, or why it could not be made.
     *
     * @param id the optimizer id
     * @param candidate what was checked (GPU, or CPU Java kernels in a dry run)
     * @param reference the CPU engine-op path; null when the comparison failed before it ran
     * @param maxLossDifference the largest |loss_candidate - loss_reference| / max(|loss_reference|, 1e-12) over steps
     * @param updateDifference ||Δw_candidate - Δw_reference|| / ||Δw_reference|| over all trainable weights, Δw being
     *     the change from the initial weights (for information: a handful of weights whose gradient is at rounding
     *     level get Adam-like steps of either sign, which this sum feels)
     * @param mismatchedFraction the share of trainable weights whose changes differ by more than
     *     {@value GpuCheck#MISMATCH_RELATIVE} of the reference change plus {@value GpuCheck#MISMATCH_ABSOLUTE}: what
     *     the verdict uses
     * @param failure why a side failed; empty when both ran
     */
    record Outcome(String id, Trajectory candidate, Trajectory reference, double maxLossDifference,
            double updateDifference, double mismatchedFraction, String failure) {
        Outcome {
            Objects.requireNonNull(failure, "failure");
        }

        /** A comparison that could not be made. */
        static Outcome failed(String id, Trajectory candidate, String failure) {
            return new Outcome(id, candidate, null, Double.NaN, Double.NaN, Double.NaN, failure);
        }

        /** Whether both sides ran and agree within the tolerances. */
        boolean passes(double lossTolerance, double mismatchTolerance) {
            return failure.isEmpty() && maxLossDifference <= lossTolerance && mismatchedFraction <= mismatchTolerance;
        }
    }

    /** A weight's change mismatches when it differs from the reference change by more than this share of it ... */
    static final double MISMATCH_RELATIVE = 1e-2;
    /** ... plus this many units (float32 rounding of a weight near 1 is about 1e-7). */
    static final double MISMATCH_ABSOLUTE = 1e-6;

    /**
     * @param hidden the model's hidden size (a multiple of 4)
     * @param steps optimizer steps per side
     * @param seed the seed of the one initialization both sides start from
     */
    GpuCheck(int hidden, int steps, long seed) {
        this.hidden = hidden;
        this.steps = steps;
        this.seed = seed;
    }

    /** The options every id is checked with: small rank and refresh gap for GaLore, 8-bit from 256 elements. */
    static Map<String, Object> baseOptions(String id) {
        Map<String, Object> options = new HashMap<>(Map.of("lr", 1e-3));
        if (id.startsWith("galore")) {
            options.putAll(Map.of("rank", 8, "update_proj_gap", 4)); // a refresh inside the steps
        }
        if (id.contains("8bit")) {
            options.put("min_8bit_size", 256); // quantize the tiny model's matrices
        }
        return options;
    }

    /** Trains both sides and compares them; a side that throws makes a failed outcome naming it. */
    Outcome compare(Side candidate, Side reference) {
        Map<String, float[]> initial = initialWeights();
        Trajectory ran;
        Trajectory referenceRan;
        try {
            ran = train(candidate, initial);
        } catch (RuntimeException e) {
            return Outcome.failed(candidate.id(), null, candidate.label() + ": " + firstLine(e));
        }
        try {
            referenceRan = train(reference, initial);
        } catch (RuntimeException e) {
            return Outcome.failed(candidate.id(), ran, reference.label() + ": " + firstLine(e));
        }
        double maxLoss = 0;
        for (int s = 0; s < steps; s++) {
            double scale = Math.max(Math.abs(referenceRan.losses()[s]), 1e-12);
            maxLoss = Math.max(maxLoss, Math.abs(ran.losses()[s] - referenceRan.losses()[s]) / scale);
        }
        double differenceSquares = 0;
        double referenceSquares = 0;
        long mismatched = 0;
        long elements = 0;
        for (var entry : initial.entrySet()) {
            float[] start = entry.getValue();
            float[] a = ran.weights().get(entry.getKey());
            float[] b = referenceRan.weights().get(entry.getKey());
            for (int i = 0; i < start.length; i++) {
                double updateA = (double) a[i] - start[i];
                double updateB = (double) b[i] - start[i];
                double difference = Math.abs(updateA - updateB);
                differenceSquares += difference * difference;
                referenceSquares += updateB * updateB;
                if (difference > MISMATCH_RELATIVE * Math.abs(updateB) + MISMATCH_ABSOLUTE) {
                    mismatched++;
                }
            }
            elements += start.length;
        }
        double update = Math.sqrt(differenceSquares) / Math.max(Math.sqrt(referenceSquares), 1e-30);
        return new Outcome(candidate.id(), ran, referenceRan, maxLoss, update, (double) mismatched / elements, "");
    }

    private LlamaConfig config() {
        return LlamaConfig.tiny(VOCAB, hidden, LAYERS, 4, 2, 2 * hidden);
    }

    /** One CPU initialization from the seed; both sides copy it, so they start from the same weights. */
    private Map<String, float[]> initialWeights() {
        Engine.getInstance().setRandomSeed((int) seed);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            var model = new LlamaForCausalLM(config()).initialize(manager, DataType.FLOAT32);
            Map<String, float[]> weights = new LinkedHashMap<>();
            ParameterNames.of(model).forEach((name, parameter) -> {
                if (parameter.requiresGradient()) {
                    weights.put(name, parameter.getArray().toFloatArray());
                }
            });
            return weights;
        }
    }

    private Trajectory train(Side side, Map<String, float[]> initial) {
        try (NDManager manager = NDManager.newBaseManager(side.device());
                Optimizer optimizer = Optimizers.create(side.id(), OptimizerSettings.of(side.options(), steps))) {
            var model = new LlamaForCausalLM(config()).initialize(manager, DataType.FLOAT32);
            Map<String, Parameter> parameters = new LinkedHashMap<>();
            ParameterNames.of(model).forEach((name, parameter) -> {
                if (parameter.requiresGradient()) {
                    parameters.put(name, parameter);
                }
            });
            copyInto(parameters, initial);
            TrainingStep step = new TrainingStep(manager, model, optimizer, 1.0);
            NDArray firstWeight = parameters.values().iterator().next().getArray();
            GpuMemory gpuMemory = GpuMemory.of(side.device());
            ObjectNode memory = JsonNodeFactory.instance.objectNode();
            double[] losses = new double[steps];
            double[] stepMillis = new double[steps];
            double[] optimizerMillis = new double[steps];
            for (int s = 0; s < steps; s++) {
                long[][] tokens = batch(s);
                long start = System.nanoTime();
                TrainingStep.Result result = step.run(scope -> {
                    NDArray ids = scope.create(Arrays.stream(tokens).flatMapToLong(Arrays::stream).toArray(),
                            new Shape(BATCH, SEQUENCE));
                    NDArray mask = scope.ones(ids.getShape(), DataType.INT64);
                    NDArray logits = model.forward(new ParameterStore(scope, false), new NDList(ids, mask), true)
                            .singletonOrThrow();
                    return CausalLmLoss.compute(logits, CausalLmLoss.labelsFromIds(ids, mask), mask);
                });
                readOneValue(firstWeight);
                stepMillis[s] = (System.nanoTime() - start) / 1e6;
                optimizerMillis[s] = result.optimizerNanos() / 1e6;
                losses[s] = result.loss();
                gpuMemory.putReading(memory);
            }
            if (!side.device().isGpu()) {
                memory.put(MetricKeys.RSS_BYTES, ProcessMemory.read().residentBytes());
            }
            gpuMemory.unavailableReason().ifPresent(why -> memory.put(MetricKeys.GPU_MEMORY_UNAVAILABLE, why));
            Map<String, float[]> weights = new LinkedHashMap<>();
            parameters.forEach((name, parameter) -> weights.put(name, parameter.getArray().toFloatArray()));
            return new Trajectory(losses, RunStatistics.median(stepMillis),
                    RunStatistics.median(optimizerMillis), optimizer.stateBytes(), weights, memory);
        }
    }

    /** Copies the initial values into the parameters with a native copy on their own device. */
    private static void copyInto(Map<String, Parameter> parameters, Map<String, float[]> initial) {
        parameters.forEach((name, parameter) -> {
            NDArray weight = parameter.getArray();
            try (NDManager scratch = weight.getManager().newSubManager()) {
                NDArray values = scratch.create(FloatBuffer.wrap(initial.get(name)), weight.getShape());
                weight.set(new NDIndex("..."), values); // keeps requiresGradient, unlike replacing the array
            }
        });
    }

    /** Waits for the device by reading one element back. */
    private static void readOneValue(NDArray weight) {
        try (NDManager scratch = weight.getManager().newSubManager()) {
            NDArray first = weight.get(new NDIndex("0"));
            first.attach(scratch);
            first.toFloatArray();
        }
    }

    /** Step {@code s}'s tokens: a fixed pattern that differs from step to step. */
    static long[][] batch(int s) {
        long[][] tokens = new long[BATCH][SEQUENCE];
        for (int b = 0; b < BATCH; b++) {
            for (int t = 0; t < SEQUENCE; t++) {
                tokens[b][t] = (31L * b + 17L * t + 7L * s + (long) t * t % 13) % VOCAB;
            }
        }
        return tokens;
    }

    private static String firstLine(RuntimeException e) {
        String message = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
        return message.lines().findFirst().orElse(message);
    }
}
