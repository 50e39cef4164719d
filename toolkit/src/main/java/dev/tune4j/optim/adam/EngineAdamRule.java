package dev.tune4j.optim.adam;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import dev.tune4j.optim.ParameterRole;
import dev.tune4j.optim.RuleParameter;
import dev.tune4j.optim.StateSpec;
import dev.tune4j.optim.UpdateRule;
import java.util.List;
import java.util.OptionalDouble;

/**
 * The engine baselines {@code adam_engine} and {@code adamw_engine}: DJL's built-in Adam/AdamW as a DJL user gets it,
 * driven as a tune4j update rule, without its state leak.
 *
 * <p><b>How.</b> DJL's {@code ai.djl.training.optimizer.Adam/AdamW.update} call the engine kernel
 * {@code weight.getNDArrayInternal().adamUpdate(inputs [θ, g, m, v], outputs [θ], lr, lr·sqrt(1-β2^t)/(1-β1^t), wd,
 * rescaleGrad, clipGrad, β1, β2, eps, lazyUpdate, adamw)} with m and v made by {@code withDefaultState}, which
 * {@code detach()}es them so that nobody ever frees them. This class makes the same call with the same arguments, but
 * m and v are the rule's declared state, live in the optimizer's state store and are freed with the optimizer. rescaleGrad is
 * 1 and clipGrad -1 (off), DJL's defaults. The native kernel (PyTorch engine) runs under no-grad, clones the gradient,
 * and zeroes {@code θ.grad} if the weight has one; the optimizer zeroes the passed gradient as usual.
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
 * <p><b>Device.</b> The call runs on the tensors' own device (no CPU check); m and v are allocated by the state store
 * on the parameter's device. Weights must be float32 (the state is).
 *
 * <p><b>The engine-op path of {@code adam}/{@code adamw}.</b> {@link #update} with PyTorch's eps is the same native
 * call with eps replaced by {@code eps·sqrt(1-β2^t)}, which turns DJL's formula into torch's exactly:
 * {@code lr·sqrt(1-β2^t)/(1-β1^t) · m/(sqrt(v) + eps·sqrt(1-β2^t)) = lr/(1-β1^t) · m/(sqrt(v)/sqrt(1-β2^t) + eps)}.
 * {@link AdamRule} sends its engine-op parameters there, so adam with {@code engine_ops} and the fused Java kernel
 * compute the same formula (up to float32 rounding: different operation order and no fused multiply-adds).
 */
final class EngineAdamRule implements UpdateRule<AdamOptions> {
    private static final float RESCALE_GRAD = 1f;
    private static final float NO_CLIPPING = -1f;

    private final String id;
    private final AdamFlavor flavor;

    EngineAdamRule(String id, AdamFlavor flavor) {
        this.id = id;
        this.flavor = flavor;
    }

    /** {@code m} and {@code v}, float32 of the parameter's shape, as DJL's Adam keeps them. */
    @Override
    public List<StateSpec> state(String name, Shape shape, ParameterRole role, AdamOptions options) {
        return AdamRule.moments(shape);
    }

    @Override
    public void step(long t, List<RuleParameter<AdamOptions>> parameters, OptionalDouble loss) {
        for (RuleParameter<AdamOptions> parameter : parameters) {
            AdamRule.requireFloat32(id, parameter);
        }
        for (RuleParameter<AdamOptions> parameter : parameters) {
            update(parameter, t, flavor, false);
        }
    }

    /**
     * One native Adam step of {@code parameter} on its device, with its state {@code m} and {@code v}.
     *
     * @param torchEps whether eps goes where PyTorch adds it (the engine-op path of {@code adam}/{@code adamw}) or
     *     where DJL's formula adds it ({@code adam_engine}/{@code adamw_engine})
     */
    static void update(RuleParameter<AdamOptions> parameter, long t, AdamFlavor flavor, boolean torchEps) {
        AdamOptions options = parameter.options();
        double lr = parameter.lr();
        double sqrtBiasCorrection2 = Math.sqrt(1 - Math.pow(options.beta2(), t));
        double correctedLr = lr * sqrtBiasCorrection2 / (1 - Math.pow(options.beta1(), t));
        double eps = torchEps ? options.eps() * sqrtBiasCorrection2 : options.eps();
        NDArray weight = parameter.weight();
        NDArray m = parameter.state().tensor("m"); // first moment, shape of the parameter, on its device
        NDArray v = parameter.state().tensor("v"); // second moment, shape of the parameter, on its device
        weight.getNDArrayInternal().adamUpdate(new NDList(weight, parameter.gradient(), m, v), new NDList(weight),
                (float) lr, (float) correctedLr, (float) parameter.decayed(options.weightDecay()), RESCALE_GRAD,
                NO_CLIPPING, (float) options.beta1(), (float) options.beta2(), (float) eps, true, flavor.decoupled());
    }
}
