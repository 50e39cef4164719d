package dev.tune4j.optim.q8;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tune4j.optim.Optimizer;
import dev.tune4j.optim.ParameterGroup;
import dev.tune4j.optim.ParameterRole;
import dev.tune4j.optim.RuleOptimizer;
import dev.tune4j.optim.RuleParameter;
import dev.tune4j.optim.RuleState;
import dev.tune4j.optim.StateSpec;
import dev.tune4j.optim.TensorMemory;
import dev.tune4j.optim.TrainableParameter;
import dev.tune4j.optim.UpdateRule;
import dev.tune4j.optim.adam.AdamOptions;
import dev.tune4j.optim.adam.AdamStep;
import dev.tune4j.optim.adam.FusedAdamKernel;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Blockwise 8-bit Adam ({@code adam8bit}) and AdamW ({@code adamw8bit}), after bitsandbytes' {@code Adam8bit} and
 * {@code AdamW8bit} (Dettmers et al., "8-bit Optimizers via Block-wise Quantization", ICLR 2022): each moment is a
 * UINT8 code per element (signed dynamic map for the first moment, unsigned for the second) and a float32 absmax per
 * block of {@code block_size} elements, updated by {@link BlockwiseAdamKernel} in place. The math per element is
 * torch's Adam/AdamW with the constants of {@link AdamStep}: Adam's {@code weight_decay} is L2 added to the gradient,
 * AdamW's is the decoupled {@code θ·(1 − lr·wd)}.
 *
 * <p>Tensors that keep float32 moments ({@link #quantizes}: below {@code min_8bit_size}, {@code optim_bits: 32},
 * stable embeddings) are updated by Adam's fused float32 kernel ({@link FusedAdamKernel}) that also runs
 * {@code adam}/{@code adamw}, told to skip non-finite gradient elements as bitsandbytes does (weight kept, m = v = 0).
 *
 * <p>Options ({@link Adam8bitOptions}, group overrides allowed for all): {@code lr} (1e-3), {@code betas}
 * ([0.9, 0.999]), {@code eps} (1e-8), {@code weight_decay} (0 for adam8bit, 0.01 for adamw8bit), {@code block_size}
 * (256, a power of two ≥ 64; 2048 reproduces the paper), {@code min_8bit_size} (4096), {@code optim_bits} (8, or 32),
 * {@code stable_embedding} (false).
 *
 * <p>State per quantized tensor of n elements in B-element blocks: {@code state1}, {@code state2} (UINT8, the weight's
 * shape) and {@code absmax1}, {@code absmax2} (float32, ⌈n/B⌉): 2n + 8⌈n/B⌉ bytes. Per float32 tensor:
 * {@code exp_avg}, {@code exp_avg_sq}: 8n bytes. Only float32 parameters are supported.
 *
 * <p>Engine-op path (parameters off the CPU, or all with {@code engine_ops: true}): {@link BlockwiseEngineOps}, the
 * same math as engine operations on the parameter's device, with the same state names, shapes and dtypes there.
 *
 * <p>The static readers ({@link #moments}, {@link #dequantizedMoments}, {@link #quantizes(Optimizer,
 * TrainableParameter)}) take the optimizer that {@code Optimizers.create("adamw8bit", ...)} returns, so a reader can
 * hold 8-bit moments against float32 ones of the same run (notebook 03).
 */
public final class Adam8bit implements UpdateRule<Adam8bitOptions> {
    /**
     * Names of embeddings that keep float32 state under {@code stable_embedding: true} in models that declare no
     * parameter roles.
     */
    public static final List<String> EMBEDDING_PATTERNS = List.of("**.embed_tokens.weight",
            "**.word_embeddings.weight");

    private static final ParameterGroup EMBEDDINGS = new ParameterGroup("stable_embedding", EMBEDDING_PATTERNS,
            Map.of());

    private final String id;
    private final boolean decoupled;
    private final boolean engineOps;
    // telemetry of the last step: parameter elements stepped, and those among them with float32 moments
    private long lastElements;
    private long lastFloat32Elements;

    /**
     * The rule of optimizer {@code id}.
     *
     * @param decoupled true for AdamW's decoupled weight decay, false for Adam's L2 term
     * @param engineOps whether CPU parameters take the engine-op path too ({@link BlockwiseEngineOps})
     */
    Adam8bit(String id, boolean decoupled, boolean engineOps) {
        this.id = id;
        this.decoupled = decoupled;
        this.engineOps = engineOps;
    }

    /**
     * Whether a parameter gets 8-bit state: its group has {@code optim_bits} 8, it has at least {@code min_8bit_size}
     * elements, and it is not an embedding kept in float32 by {@code stable_embedding}. An embedding is a parameter
     * whose model declares it {@link ParameterRole#EMBEDDING}, or, in a model that declares no roles (role
     * {@link ParameterRole#OTHER}), one named like {@link #EMBEDDING_PATTERNS} (as bitsandbytes'
     * {@code StableEmbedding} registers its weight for 32-bit state). The one decision both the declared state and the
     * step follow.
     */
    public static boolean quantizes(String name, ParameterRole role, long size, Adam8bitOptions options) {
        return options.optimBits() == 8
                && size >= options.min8bitSize()
                && !(options.stableEmbedding() && isEmbedding(name, role));
    }

    private static boolean isEmbedding(String name, ParameterRole role) {
        return role == ParameterRole.EMBEDDING || (role == ParameterRole.OTHER && EMBEDDINGS.matches(name));
    }

    /**
     * Quantized: {@code state1}, {@code state2} (UINT8 codes, the weight's shape) and {@code absmax1},
     * {@code absmax2} (float32, one per block); otherwise {@code exp_avg}, {@code exp_avg_sq} (float32, the weight's
     * shape).
     */
    @Override
    public List<StateSpec> state(String name, Shape shape, ParameterRole role, Adam8bitOptions options) {
        if (quantizes(name, role, shape.size(), options)) {
            Shape blocks = new Shape((shape.size() + options.blockSize() - 1) / options.blockSize());
            return List.of(new StateSpec("state1", shape, DataType.UINT8), StateSpec.float32("absmax1", blocks),
                    new StateSpec("state2", shape, DataType.UINT8), StateSpec.float32("absmax2", blocks));
        }
        return List.of(StateSpec.float32("exp_avg", shape), StateSpec.float32("exp_avg_sq", shape));
    }

    /** The Java kernels multiply each gradient element by the clipping factor as they read it. */
    @Override
    public boolean scalesGradients() {
        return true;
    }

    @Override
    public void step(long t, List<RuleParameter<Adam8bitOptions>> parameters, OptionalDouble loss) {
        for (RuleParameter<Adam8bitOptions> parameter : parameters) {
            checkSupported(parameter);
        }
        long elements = 0;
        long float32Elements = 0;
        for (RuleParameter<Adam8bitOptions> parameter : parameters) {
            Adam8bitOptions options = parameter.options();
            AdamOptions adam = options.adam();
            AdamStep step = adam.step(parameter.lr(), parameter.decayed(adam.weightDecay()), decoupled, t);
            RuleState state = parameter.state();
            long size = parameter.size();
            boolean engine = parameter.usesEngineOps(engineOps);
            if (engine) {
                parameter.scaleGradientTensor(); // the engine ops take no scale
            }
            if (quantizes(parameter.name(), parameter.role(), size, options) && engine) {
                BlockwiseEngineOps.step8bit(parameter.weight(), parameter.gradient(), state.tensor("state1"),
                        state.tensor("absmax1"), state.tensor("state2"), state.tensor("absmax2"),
                        options.blockSize(), step);
            } else if (engine) {
                float32Step(parameter.weight(), parameter.gradient(), state.tensor("exp_avg"),
                        state.tensor("exp_avg_sq"), step);
                float32Elements += size;
            } else if (quantizes(parameter.name(), parameter.role(), size, options)) {
                NDArray codes1 = state.tensor("state1"); // (weight's shape) UINT8 codes of m, signed map
                NDArray absmax1 = state.tensor("absmax1"); // (⌈n/B⌉) float32 scale of m per block
                NDArray codes2 = state.tensor("state2"); // (weight's shape) UINT8 codes of v, unsigned map
                NDArray absmax2 = state.tensor("absmax2"); // (⌈n/B⌉) float32 scale of v per block
                BlockwiseAdamKernel.step8bit(TensorMemory.of(parameter.weight()),
                        TensorMemory.of(parameter.gradient()), TensorMemory.of(codes1), TensorMemory.of(absmax1),
                        TensorMemory.of(codes2), TensorMemory.of(absmax2), size, options.blockSize(), step,
                        parameter.gradientScale());
            } else {
                NDArray m = state.tensor("exp_avg"); // (weight's shape) float32 first moment
                NDArray v = state.tensor("exp_avg_sq"); // (weight's shape) float32 second moment
                FusedAdamKernel.updateInChunks(TensorMemory.of(parameter.weight()),
                        TensorMemory.of(parameter.gradient()), TensorMemory.of(m), TensorMemory.of(v), size, step,
                        parameter.gradientScale(), true);
                float32Elements += size;
            }
            elements += size;
        }
        lastElements = elements;
        lastFloat32Elements = float32Elements;
    }

    /**
     * The engine-op step of a tensor with float32 moments ({@code exp_avg}, {@code exp_avg_sq}): the element math of
     * the 8-bit step ({@link BlockwiseEngineOps#adamElements}) written back in place, on the tensors' device.
     */
    private static void float32Step(NDArray weight, NDArray gradient, NDArray m, NDArray v, AdamStep step) {
        try (NDManager scope = NDManager.subManagerOf(weight)) {
            scope.tempAttachAll(weight, gradient, m, v);
            NDArray[] updated = BlockwiseEngineOps.adamElements(weight, gradient, m, v, step);
            NDIndex all = new NDIndex("...");
            weight.set(all, updated[0]);
            m.set(all, updated[1]);
            v.set(all, updated[2]);
        }
    }

    /**
     * {@code fp32_state_fraction}: the share of the last step's parameter elements whose moments are float32 (see
     * {@link #quantizes}) rather than 8-bit codes, 0 to 1; nothing before the first step or after a step without
     * parameters.
     */
    @Override
    public Map<String, Double> telemetry() {
        if (lastElements == 0) {
            return Map.of();
        }
        return Map.of("fp32_state_fraction", lastFloat32Elements / (double) lastElements);
    }

    /**
     * Whether {@code parameter} gets 8-bit state in {@code optimizer} (an {@code adam8bit} or {@code adamw8bit}
     * optimizer), by its group's options.
     */
    public static boolean quantizes(Optimizer optimizer, TrainableParameter parameter) {
        return quantizes(parameter.name(), parameter.role(), parameter.size(), eightBit(optimizer).options(parameter));
    }

    /**
     * The moments of {@code parameter} in {@code optimizer} as float32 values ({@code [m, v]}, each of the weight's
     * size): dequantized from the codes when the parameter is quantized, copies of its float32 state otherwise (small
     * tensors, embeddings, {@code min_8bit_size} above its size). Empty arrays before the parameter's first step.
     */
    public static float[][] moments(Optimizer optimizer, TrainableParameter parameter) {
        if (quantizes(optimizer, parameter)) {
            return dequantizedMoments(optimizer, parameter);
        }
        RuleState state = eightBit(optimizer).state(parameter);
        if (!state.has("exp_avg")) {
            return new float[][] {new float[0], new float[0]};
        }
        return new float[][] {state.tensor("exp_avg").toFloatArray(), state.tensor("exp_avg_sq").toFloatArray()};
    }

    /**
     * The dequantized moments of a quantized parameter ({@code [m, v]}, each of the weight's size), for reports and
     * tests; empty arrays before its first step.
     *
     * @throws IllegalArgumentException if the parameter keeps float32 state
     */
    public static float[][] dequantizedMoments(Optimizer optimizer, TrainableParameter parameter) {
        RuleOptimizer<Adam8bitOptions> q8 = eightBit(optimizer);
        Adam8bitOptions options = q8.options(parameter);
        if (!quantizes(parameter.name(), parameter.role(), parameter.size(), options)) {
            throw new IllegalArgumentException("parameter '" + parameter.name() + "' keeps float32 state");
        }
        RuleState state = q8.state(parameter);
        if (!state.has("state1")) {
            return new float[][] {new float[0], new float[0]};
        }
        return new float[][] {
            dequantize(state.tensor("state1"), state.tensor("absmax1"), options.blockSize(),
                    DynamicQuantizationMap.signed()),
            dequantize(state.tensor("state2"), state.tensor("absmax2"), options.blockSize(),
                    DynamicQuantizationMap.unsigned())};
    }

    private static float[] dequantize(NDArray codes, NDArray absmax, int blockSize, DynamicQuantizationMap map) {
        byte[] bytes = codes.toByteArray();
        float[] scales = absmax.toFloatArray();
        float[] values = new float[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            values[i] = map.value(bytes[i] & 0xff) * scales[i / blockSize];
        }
        return values;
    }

    /** {@code optimizer} as the 8-bit rule's optimizer, or an error naming what it is. */
    private static RuleOptimizer<Adam8bitOptions> eightBit(Optimizer optimizer) {
        if (optimizer instanceof RuleOptimizer<?> rules && rules.rule() instanceof Adam8bit) {
            @SuppressWarnings("unchecked") // the rule is Adam8bit, so the options are Adam8bitOptions
            RuleOptimizer<Adam8bitOptions> q8 = (RuleOptimizer<Adam8bitOptions>) rules;
            return q8;
        }
        throw new IllegalArgumentException("optimizer '" + optimizer.id() + "' is not 8-bit Adam ("
                + Adam8bitFactory.ADAM_ID + ", " + Adam8bitFactory.ADAMW_ID + ")");
    }

    private void checkSupported(RuleParameter<?> parameter) {
        boolean engine = parameter.usesEngineOps(engineOps);
        for (NDArray array : new NDArray[] {parameter.weight(), parameter.gradient()}) {
            boolean cpu = array.getDevice().getDeviceType().equals(Device.Type.CPU);
            if (array.getDataType() != DataType.FLOAT32 || !(cpu || engine)) {
                String what = array == parameter.weight() ? "weight" : "gradient";
                throw new IllegalArgumentException(id + ": the " + what + " of parameter '" + parameter.name()
                        + "' is " + array.getDataType() + " on " + array.getDevice() + "; 8-bit Adam needs float32"
                        + " weights and gradients, each pair on one device (load the model as float32)");
            }
        }
    }
}
