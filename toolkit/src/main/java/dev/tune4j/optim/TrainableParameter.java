package dev.tune4j.optim;

import ai.djl.ndarray.NDArray;
import java.util.Objects;

/**
 * One tensor an optimizer updates: its name (HF parameter name, used for parameter groups and saved state), the
 * weight to update in place, the gradient of this step and the parameter's role in its model. The caller owns both
 * arrays; the optimizer zeroes the gradient after the step.
 *
 * @param name stable name, e.g. {@code model.layers.0.self_attn.q_proj.weight}
 * @param weight the parameter's array
 * @param gradient its gradient, same shape and dtype
 * @param role what the parameter is for, as its model declares it ({@link ParameterRole#OTHER} when unknown)
 */
public record TrainableParameter(String name, NDArray weight, NDArray gradient, ParameterRole role) {
    /** Checks that weight and gradient agree. */
    public TrainableParameter {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(role, "role of " + name);
        Objects.requireNonNull(weight, "weight of " + name);
        Objects.requireNonNull(gradient, "gradient of " + name);
        if (!weight.getShape().equals(gradient.getShape())) {
            throw new IllegalArgumentException("gradient of " + name + " has shape " + gradient.getShape()
                    + " but the weight has " + weight.getShape());
        }
    }

    /** A parameter whose model declares no role ({@link ParameterRole#OTHER}). */
    public TrainableParameter(String name, NDArray weight, NDArray gradient) {
        this(name, weight, gradient, ParameterRole.OTHER);
    }

    /** Number of elements. */
    public long size() {
        return weight.size();
    }
}
