package dev.tune4j.optim.q8;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tune4j.optim.AbstractOptimizer;
import dev.tune4j.optim.OptimizerSettings;
import dev.tune4j.optim.OptionSchema;
import dev.tune4j.optim.Options;
import dev.tune4j.optim.ParameterGroup;
import dev.tune4j.optim.TensorMemory;
import dev.tune4j.optim.TrainableParameter;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Blockwise 8-bit Adam ({@code adam8bit}) and AdamW ({@code adamw8bit}), after bitsandbytes' {@code Adam8bit} and
 * {@code AdamW8bit} (Dettmers et al., "8-bit Optimizers via Block-wise Quantization", ICLR 2022): each moment is a
 * UINT8 code per element (signed dynamic map for the first moment, unsigned for the second) and a float32 absmax per
 * block of {@code block_size} elements, updated by {@link BlockwiseAdamKernel} in place. The math per element is
 * torch's Adam/AdamW ({@link AdamStepConstants}): Adam's {@code weight_decay} is L2 added to the gradient, AdamW's is
 * the decoupled {@code θ·(1 − lr·wd)}.
 *
 * <p>Options (group overrides allowed for all): {@code lr} (1e-3), {@code betas} ([0.9, 0.999]), {@code eps} (1e-8),
 * {@code weight_decay} (0 for adam8bit, 0.01 for adamw8bit), {@code block_size} (256, a power of two ≥ 64; 2048
 * reproduces the paper), {@code min_8bit_size} (4096: tensors with fewer elements keep float32 moments),
 * {@code optim_bits} (8, or 32 to keep float32 moments, e.g. as a group override), {@code stable_embedding} (false;
 * when true, parameters named {@code **.embed_tokens.weight} or {@code **.word_embeddings.weight} keep float32
 * moments, as bitsandbytes' {@code StableEmbedding} registers its weight for 32-bit state).
 *
 * <p>State per quantized tensor of n elements in B-element blocks: {@code state1}, {@code state2} (UINT8, the weight's
 * shape) and {@code absmax1}, {@code absmax2} (float32, ⌈n/B⌉): 2n + 8⌈n/B⌉ bytes. Per float32 tensor:
 * {@code exp_avg}, {@code exp_avg_sq}: 8n bytes. Only float32 CPU parameters are supported.
 */
public final class Adam8bit extends AbstractOptimizer {
    /** Id of 8-bit Adam (L2 weight decay, default 0). */
    public static final String ADAM_ID = "adam8bit";

    /** Id of 8-bit AdamW (decoupled weight decay, default 0.01). */
    public static final String ADAMW_ID = "adamw8bit";

    /** Parameter names whose state stays float32 under {@code stable_embedding: true}. */
    public static final List<String> EMBEDDING_PATTERNS = List.of("**.embed_tokens.weight",
            "**.word_embeddings.weight");

    private static final ParameterGroup EMBEDDINGS = new ParameterGroup("stable_embedding", EMBEDDING_PATTERNS,
            Map.of());

    private final boolean decoupled;

    /**
     * An optimizer with {@code settings}.
     *
     * @param id {@link #ADAM_ID} or {@link #ADAMW_ID}
     * @throws IllegalArgumentException naming every invalid or unknown option
     */
    public Adam8bit(String id, OptimizerSettings settings) {
        super(id, schema(id), settings);
        this.decoupled = id.equals(ADAMW_ID);
    }

    /** The options of {@code id} ({@link #ADAM_ID} or {@link #ADAMW_ID}). */
    public static OptionSchema schema(String id) {
        double weightDecay = switch (id) {
            case ADAM_ID -> 0.0;
            case ADAMW_ID -> 0.01;
            default -> throw new IllegalArgumentException("unknown 8-bit optimizer id '" + id + "'; use " + ADAM_ID
                    + " or " + ADAMW_ID);
        };
        return OptionSchema.builder(id)
                .adamFamily(1e-3, 0.9, 0.999, 1e-8, weightDecay)
                .integer("block_size", 256L, x -> x >= 64 && x <= (1 << 20) && Long.bitCount((long) x) == 1,
                        "a power of two from 64 to 2^20 (256 default, 2048 as in the paper)")
                .integer("min_8bit_size", 4096L, x -> x >= 0, ">= 0 (tensors with fewer elements keep fp32 state)")
                .integer("optim_bits", 8L, x -> x == 8 || x == 32, "8 or 32")
                .flag("stable_embedding", false)
                .build();
    }

    /**
     * Whether {@code parameter} gets 8-bit state: its group has {@code optim_bits} 8, it has at least
     * {@code min_8bit_size} elements, and it is not an embedding kept in 32 bits by {@code stable_embedding}.
     */
    public boolean quantizes(TrainableParameter parameter) {
        Options options = group(parameter).options();
        return options.integer("optim_bits") == 8
                && parameter.size() >= options.integer("min_8bit_size")
                && !(options.flag("stable_embedding") && EMBEDDINGS.matches(parameter.name()));
    }

    @Override
    protected void update(List<TrainableParameter> parameters, OptionalDouble loss) {
        for (TrainableParameter parameter : parameters) {
            checkSupported(parameter);
            Group group = group(parameter);
            Options options = group.options();
            AdamStepConstants constants = AdamStepConstants.of(learningRate(group), options.pair("betas", 0),
                    options.pair("betas", 1), options.number("eps"), options.number("weight_decay"), decoupled, t);
            long size = parameter.size();
            if (quantizes(parameter)) {
                int blockSize = Math.toIntExact(options.integer("block_size"));
                Shape blocks = new Shape((size + blockSize - 1) / blockSize);
                NDArray codes1 = state(parameter, "state1", DataType.UINT8);
                NDArray absmax1 = state(parameter.name(), "absmax1", blocks, DataType.FLOAT32);
                NDArray codes2 = state(parameter, "state2", DataType.UINT8);
                NDArray absmax2 = state(parameter.name(), "absmax2", blocks, DataType.FLOAT32);
                BlockwiseAdamKernel.step8bit(TensorMemory.of(parameter.weight()),
                        TensorMemory.of(parameter.gradient()), TensorMemory.of(codes1), TensorMemory.of(absmax1),
                        TensorMemory.of(codes2), TensorMemory.of(absmax2), size, blockSize, constants);
            } else {
                NDArray m = state(parameter, "exp_avg", DataType.FLOAT32);
                NDArray v = state(parameter, "exp_avg_sq", DataType.FLOAT32);
                BlockwiseAdamKernel.step32bit(TensorMemory.of(parameter.weight()),
                        TensorMemory.of(parameter.gradient()), TensorMemory.of(m), TensorMemory.of(v), size,
                        constants);
            }
        }
    }

    /**
     * The moments of {@code parameter} as float32 values ({@code [m, v]}, each of the weight's size): dequantized from
     * the codes when the parameter is quantized, copies of its float32 state otherwise (small tensors, embeddings,
     * {@code min_8bit_size} above its size). This lets a reader hold 8-bit moments against float32 ones of the same
     * run (notebook 03). Empty arrays before the parameter's first step.
     */
    public float[][] moments(TrainableParameter parameter) {
        if (quantizes(parameter)) {
            return dequantizedMoments(parameter);
        }
        if (t == 0) {
            return new float[][] {new float[0], new float[0]};
        }
        return new float[][] {
            state(parameter, "exp_avg", DataType.FLOAT32).toFloatArray(),
            state(parameter, "exp_avg_sq", DataType.FLOAT32).toFloatArray()};
    }

    /**
     * The dequantized moments of a quantized parameter ({@code [m, v]}, each of the weight's size), for reports and
     * tests; empty arrays before its first step.
     */
    public float[][] dequantizedMoments(TrainableParameter parameter) {
        if (!quantizes(parameter)) {
            throw new IllegalArgumentException("parameter '" + parameter.name() + "' keeps float32 state");
        }
        if (t == 0) {
            return new float[][] {new float[0], new float[0]};
        }
        int blockSize = Math.toIntExact(group(parameter).options().integer("block_size"));
        Shape blocks = new Shape((parameter.size() + blockSize - 1) / blockSize);
        return new float[][] {
            dequantize(state(parameter, "state1", DataType.UINT8),
                    state(parameter.name(), "absmax1", blocks, DataType.FLOAT32), blockSize,
                    DynamicQuantizationMap.signed()),
            dequantize(state(parameter, "state2", DataType.UINT8),
                    state(parameter.name(), "absmax2", blocks, DataType.FLOAT32), blockSize,
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

    private void checkSupported(TrainableParameter parameter) {
        for (NDArray array : new NDArray[] {parameter.weight(), parameter.gradient()}) {
            boolean cpu = array.getDevice().getDeviceType().equals(ai.djl.Device.Type.CPU);
            if (array.getDataType() != DataType.FLOAT32 || !cpu) {
                String what = array == parameter.weight() ? "weight" : "gradient";
                throw new IllegalArgumentException(id() + ": the " + what + " of parameter '" + parameter.name()
                        + "' is " + array.getDataType() + " on " + array.getDevice() + "; the 8-bit kernels need"
                        + " float32 CPU tensors (load the model as float32 on the CPU)");
            }
        }
    }
}
