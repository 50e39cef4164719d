package dev.tune4j.optim;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;

/**
 * One parameter as an {@link UpdateRule} sees it in one step.
 *
 * @param name the parameter's name (its state is saved under it)
 * @param role what the parameter is for in its model
 * @param weight the array to update in place
 * @param gradient this step's gradient, same shape (the optimizer zeroes it afterwards, not the rule)
 * @param gradientScale the factor the rule multiplies every gradient element by, in float, before using it (gradient
 *     clipping's); always 1 for a rule whose {@link UpdateRule#scalesGradients()} is false
 * @param options the options of the parameter's group
 * @param lr this step's learning rate: the group's {@code lr} times the schedule's scale
 * @param decay whether the rule applies its weight decay here; false where a wrapper (GaLore) steps a projected
 *     gradient and decays the real weight itself
 * @param state the parameter's state tensors, as the rule declared them
 * @param <O> the rule's options type
 */
public record RuleParameter<O extends RuleOptions>(String name, ParameterRole role, NDArray weight, NDArray gradient,
        float gradientScale, O options, double lr, boolean decay, RuleState state) {

    /** Validates the gradient scale ({@link Optimizer#requireGradientScale}). */
    public RuleParameter {
        Optimizer.requireGradientScale(gradientScale);
    }

    /**
     * Multiplies the gradient tensor by {@link #gradientScale()} in place, for a path of a rule that scales gradients
     * ({@link UpdateRule#scalesGradients()}) but cannot do it as it reads them (the engine ops); once per step.
     */
    public void scaleGradientTensor() {
        if (gradientScale != 1f) {
            gradient.muli(gradientScale);
        }
    }

    /** Number of elements. */
    public long size() {
        return weight.size();
    }

    /**
     * Whether this parameter takes its rule's engine-op path: always when its weight is not on the CPU, and on the
     * CPU when the optimizer's option {@code engine_ops} ({@code engineOps}) is on.
     */
    public boolean usesEngineOps(boolean engineOps) {
        return engineOps || !weight.getDevice().getDeviceType().equals(Device.Type.CPU);
    }

    /** {@code weightDecay} where this parameter is decayed, else 0. */
    public double decayed(double weightDecay) {
        return decay ? weightDecay : 0;
    }
}
