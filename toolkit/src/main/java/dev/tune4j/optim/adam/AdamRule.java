package dev.tune4j.optim.adam;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tune4j.optim.ParameterRole;
import dev.tune4j.optim.RuleParameter;
import dev.tune4j.optim.StateSpec;
import dev.tune4j.optim.TensorMemory;
import dev.tune4j.optim.UpdateRule;
import java.util.List;
import java.util.OptionalDouble;

/**
 * Adam and AdamW with exactly PyTorch's semantics ({@code torch.optim.Adam} / {@code AdamW}, no amsgrad, minimizing),
 * run by the fused Java kernel {@link FusedAdamKernel} directly on the tensors' memory: for each parameter one pass
 * reads θ, g, m, v and writes θ, m, v. Gradient clipping's factor is applied in that pass as g is read
 * ({@link #scalesGradients()}), so clipping adds no pass over the gradients.
 *
 * <pre>
 *   Adam:  g ← g + wd·θ            AdamW:  θ ← θ·(1 - lr·wd)
 *   m ← β1·m + (1-β1)·g            v ← β2·v + (1-β2)·g²
 *   θ ← θ - lr/(1-β1^t) · m / (sqrt(v)/sqrt(1-β2^t) + eps)
 * </pre>
 *
 * <p>State per parameter: {@code m} and {@code v}, float32 of the parameter's shape (8 bytes per parameter). Weights
 * must be float32. The engine-op path (parameters off the CPU, or every parameter with {@code engine_ops: true}) is
 * the engine's native Adam update with PyTorch's eps ({@link EngineAdamRule#update}) on the parameter's device, with
 * the same state, so a state saved by one path loads into the other.
 *
 * <p>A large tensor is split into chunks run on every core ({@link FusedAdamKernel#updateInChunks}): the update is
 * element-wise, so the split changes no bit of the result.
 */
final class AdamRule implements UpdateRule<AdamOptions> {
    private final String id;
    private final AdamFlavor flavor;
    private final boolean engineOps;

    AdamRule(String id, AdamFlavor flavor, boolean engineOps) {
        this.id = id;
        this.flavor = flavor;
        this.engineOps = engineOps;
    }

    /** {@code m} (first moment) and {@code v} (second moment), float32 of the parameter's shape. */
    @Override
    public List<StateSpec> state(String name, Shape shape, ParameterRole role, AdamOptions options) {
        return moments(shape);
    }

    /** The two float32 moments {@code m} and {@code v} of a parameter of {@code shape}. */
    static List<StateSpec> moments(Shape shape) {
        return List.of(StateSpec.float32("m", shape), StateSpec.float32("v", shape));
    }

    /** The Java kernel multiplies each gradient element by the clipping factor as it reads it. */
    @Override
    public boolean scalesGradients() {
        return true;
    }

    @Override
    public void step(long t, List<RuleParameter<AdamOptions>> parameters, OptionalDouble loss) {
        for (RuleParameter<AdamOptions> parameter : parameters) {
            requireFloat32(id, parameter);
            if (!parameter.usesEngineOps(engineOps)) {
                requireOnCpu(id, parameter);
            }
        }
        for (RuleParameter<AdamOptions> parameter : parameters) {
            if (parameter.usesEngineOps(engineOps)) {
                parameter.scaleGradientTensor(); // the engine's Adam takes no scale
                EngineAdamRule.update(parameter, t, flavor, true);
                continue;
            }
            AdamOptions options = parameter.options();
            AdamStep step = options.step(parameter.lr(), parameter.decayed(options.weightDecay()), flavor.decoupled(),
                    t);
            NDArray m = parameter.state().tensor("m"); // first moment, shape of the parameter
            NDArray v = parameter.state().tensor("v"); // second moment, shape of the parameter
            FusedAdamKernel.updateInChunks(TensorMemory.of(parameter.weight()), TensorMemory.of(parameter.gradient()),
                    TensorMemory.of(m), TensorMemory.of(v), parameter.size(), step, parameter.gradientScale(), false);
        }
    }

    /** Rejects anything but float32 weight and gradient, naming the parameter. */
    static void requireFloat32(String optimizerId, RuleParameter<?> parameter) {
        for (NDArray array : List.of(parameter.weight(), parameter.gradient())) {
            String what = array == parameter.weight() ? "weight" : "gradient";
            if (array.getDataType() != DataType.FLOAT32) {
                throw new IllegalArgumentException(optimizerId + ": " + what + " of parameter '" + parameter.name()
                        + "' is " + array.getDataType() + "; this optimizer updates float32 tensors only"
                        + " (keep trainable parameters in float32)");
            }
        }
    }

    /** Rejects a gradient off the CPU for a CPU weight (the Java kernel reads both from CPU memory). */
    private static void requireOnCpu(String optimizerId, RuleParameter<?> parameter) {
        if (!parameter.gradient().getDevice().getDeviceType().equals(Device.Type.CPU)) {
            throw new IllegalArgumentException(optimizerId + ": the weight of parameter '" + parameter.name()
                    + "' is on the CPU but its gradient on " + parameter.gradient().getDevice()
                    + "; keep weight and gradient on one device");
        }
    }
}
