package dev.tune4j.optim.adam;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import dev.tune4j.optim.AbstractOptimizer;
import dev.tune4j.optim.OptimizerSettings;
import dev.tune4j.optim.Options;
import dev.tune4j.optim.TrainableParameter;
import java.util.List;
import java.util.OptionalDouble;

/**
 * The engine baselines {@code adam_engine} and {@code adamw_engine}: DJL's built-in Adam/AdamW as a DJL user gets it,
 * driven through tune4j's optimizer API, without its state leak.
 *
 * <p><b>How.</b> DJL's {@code ai.djl.training.optimizer.Adam/AdamW.update} call the engine kernel
 * {@code weight.getNDArrayInternal().adamUpdate(inputs [θ, g, m, v], outputs [θ], lr, lr·sqrt(1-β2^t)/(1-β1^t), wd,
 * rescaleGrad, clipGrad, β1, β2, eps, lazyUpdate, adamw)} with m and v made by {@code withDefaultState}, which
 * {@code detach()}es them so that nobody ever frees them. This class makes the same call with the same arguments, but
 * m and v come from {@link #state}, live in the optimizer's manager and are freed by {@link #close()}. rescaleGrad is
 * 1 and clipGrad -1 (off), DJL's defaults. The native kernel (PyTorch engine) runs under no-grad, clones the gradient,
 * and zeroes {@code θ.grad} if the weight has one; the base class zeroes the passed gradient as usual.
 *
 * <p><b>Semantics versus PyTorch.</b> DJL's native update is, per element:
 *
 * <pre>
 *   Adam:  g ← g + wd·θ            AdamW:  θ ← θ - lr·wd·θ        (decay scaled by lr, as in torch)
 *   m ← β1·m + (1-β1)·g            v ← β2·v + (1-β2)·g²           (as in torch)
 *   θ ← θ - lr·sqrt(1-β2^t)/(1-β1^t) · m / (sqrt(v) + eps)
 * </pre>
 *
 * Both moments are bias-corrected, but eps is added to the uncorrected {@code sqrt(v)}; torch adds it to
 * {@code sqrt(v)/sqrt(1-β2^t)}. DJL's step therefore equals torch's with eps replaced by {@code eps/sqrt(1-β2^t)}
 * (with β2 = 0.999: about 31.6·eps at t = 1, falling to eps as t grows). Everything else matches torch. The engine
 * baselines are tested against {@code ScalarAdam.updateDjl}, that formula.
 *
 * <p>Only float32 CPU tensors for now (state is created on the CPU).
 */
public final class EngineAdamOptimizer extends AbstractOptimizer {
    private static final float RESCALE_GRAD = 1f;
    private static final float NO_CLIPPING = -1f;

    private final AdamFlavor flavor;

    /**
     * Builds {@code adam_engine} or {@code adamw_engine}.
     *
     * @throws IllegalArgumentException naming every invalid or unknown option
     */
    public EngineAdamOptimizer(AdamFlavor flavor, OptimizerSettings settings) {
        super(idOf(flavor), flavor.schema(idOf(flavor)), settings);
        this.flavor = flavor;
    }

    /** The id of the engine baseline of {@code flavor}, e.g. {@code adamw_engine}. */
    public static String idOf(AdamFlavor flavor) {
        return flavor.id() + "_engine";
    }

    @Override
    protected void update(List<TrainableParameter> parameters, OptionalDouble loss) {
        for (TrainableParameter parameter : parameters) {
            AdamOptimizer.requireFloat32Cpu(id(), parameter);
        }
        for (TrainableParameter parameter : parameters) {
            Group group = group(parameter);
            Options options = group.options();
            double lr = learningRate(group);
            double beta1 = options.pair("betas", 0);
            double beta2 = options.pair("betas", 1);
            double correctedLr = lr * Math.sqrt(1 - Math.pow(beta2, t)) / (1 - Math.pow(beta1, t));
            NDArray weight = parameter.weight();
            NDArray m = state(parameter, "m", DataType.FLOAT32); // first moment, shape of the parameter
            NDArray v = state(parameter, "v", DataType.FLOAT32); // second moment, shape of the parameter
            weight.getNDArrayInternal().adamUpdate(new NDList(weight, parameter.gradient(), m, v), new NDList(weight),
                    (float) lr, (float) correctedLr, (float) options.number("weight_decay"), RESCALE_GRAD, NO_CLIPPING,
                    (float) beta1, (float) beta2, (float) options.number("eps"), true, flavor.decoupled());
        }
    }
}
