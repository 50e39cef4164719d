package dev.tune4j.optim.adam;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.tune4j.optim.AbstractOptimizer;
import dev.tune4j.optim.OptimizerSettings;
import dev.tune4j.optim.Options;
import dev.tune4j.optim.TensorMemory;
import dev.tune4j.optim.TrainableParameter;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.OptionalDouble;

/**
 * Adam and AdamW with exactly PyTorch's semantics ({@code torch.optim.Adam} / {@code AdamW}, no amsgrad, minimizing),
 * run by the fused Java kernel {@link FusedAdamKernel} directly on the tensors' memory: for each parameter one pass
 * reads θ, g, m, v and writes θ, m, v.
 *
 * <pre>
 *   Adam:  g ← g + wd·θ            AdamW:  θ ← θ·(1 - lr·wd)
 *   m ← β1·m + (1-β1)·g            v ← β2·v + (1-β2)·g²
 *   θ ← θ - lr/(1-β1^t) · m / (sqrt(v)/sqrt(1-β2^t) + eps)
 * </pre>
 *
 * <p>State per parameter: {@code m} and {@code v}, float32 of the parameter's shape (8 bytes per parameter). Options
 * {@code lr}, {@code betas}, {@code eps}, {@code weight_decay}, all overridable per parameter group. Only float32 CPU
 * tensors are accepted (the engine path {@link EngineAdamOptimizer} handles what this does not).
 *
 * <p>One thread: the kernel is memory-bound (about 20-27 GB/s, 32 bytes per parameter with the gradient zeroing), and
 * splitting a tensor across the machine's 2 cores measured no gain (10M parameters: 11.0 vs 10.6 ms; 100M: 150-158
 * vs 152-171 ms, medians of 10 steps, three runs each).
 */
public final class AdamOptimizer extends AbstractOptimizer {
    private final AdamFlavor flavor;

    /**
     * Builds {@code adam} or {@code adamw}.
     *
     * @throws IllegalArgumentException naming every invalid or unknown option
     */
    public AdamOptimizer(AdamFlavor flavor, OptimizerSettings settings) {
        super(flavor.id(), flavor.schema(flavor.id()), settings);
        this.flavor = flavor;
    }

    @Override
    protected void update(List<TrainableParameter> parameters, OptionalDouble loss) {
        for (TrainableParameter parameter : parameters) {
            requireFloat32Cpu(id(), parameter);
        }
        for (TrainableParameter parameter : parameters) {
            AdamHyperparameters step = hyperparameters(parameter);
            NDArray m = state(parameter, "m", DataType.FLOAT32); // first moment, shape of the parameter
            NDArray v = state(parameter, "v", DataType.FLOAT32); // second moment, shape of the parameter
            MemorySegment weight = TensorMemory.of(parameter.weight());
            MemorySegment gradient = TensorMemory.of(parameter.gradient());
            FusedAdamKernel.update(weight, gradient, TensorMemory.of(m), TensorMemory.of(v), 0, parameter.size(),
                    step);
        }
    }

    private AdamHyperparameters hyperparameters(TrainableParameter parameter) {
        Group group = group(parameter);
        Options options = group.options();
        return new AdamHyperparameters(learningRate(group), options.pair("betas", 0), options.pair("betas", 1),
                options.number("eps"), options.number("weight_decay"), flavor.decoupled(), t);
    }

    /** Rejects anything but float32 CPU weight and gradient, naming the parameter. */
    static void requireFloat32Cpu(String optimizerId, TrainableParameter parameter) {
        for (NDArray array : List.of(parameter.weight(), parameter.gradient())) {
            String what = array == parameter.weight() ? "weight" : "gradient";
            if (array.getDataType() != DataType.FLOAT32) {
                throw new IllegalArgumentException(optimizerId + ": " + what + " of parameter '" + parameter.name()
                        + "' is " + array.getDataType() + "; this optimizer updates float32 tensors only"
                        + " (keep trainable parameters in float32)");
            }
            if (!array.getDevice().getDeviceType().equals(Device.Type.CPU)) {
                throw new IllegalArgumentException(optimizerId + ": " + what + " of parameter '" + parameter.name()
                        + "' is on " + array.getDevice() + "; this optimizer runs on CPU tensors only");
            }
        }
    }
}
