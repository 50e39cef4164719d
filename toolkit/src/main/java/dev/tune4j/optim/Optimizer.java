package dev.tune4j.optim;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * An optimizer as tune4j's training loop drives it: one {@link #step} per optimizer step with every trainable
 * parameter and the loss of the forward pass that produced the gradients.
 *
 * <p>Contract: {@code step} updates each weight in place and then zeroes each gradient; it never keeps references to
 * the caller's arrays; all state lives in native memory the optimizer owns and frees in {@link #close()}.
 * {@link #stateBytes()} is exact (every state tensor, code, scale and projector), and {@link #saveState} /
 * {@link #loadState} round-trip everything a bit-identical resume needs.
 */
public interface Optimizer extends AutoCloseable {
    /** The registry id, e.g. {@code adamw}. */
    String id();

    /**
     * One optimizer step.
     *
     * @param parameters every trainable parameter, with this step's gradients; names must be unique
     * @param loss the loss of the forward pass that produced the gradients, or empty when not available
     */
    void step(List<TrainableParameter> parameters, OptionalDouble loss);

    /**
     * One optimizer step on the gradients multiplied by {@code gradientScale} (gradient clipping's factor): the step
     * is the one {@link #step(List, OptionalDouble)} takes after every gradient element was multiplied by it in float.
     * This default scales the gradient tensors in place first; an optimizer whose kernels scale each element as they
     * read it overrides it and leaves the gradients unscaled.
     *
     * @param gradientScale finite and not negative; 1 when the gradients are used as they are, 0 when clipping's factor
     *     underflows float (a norm near float's range: the gradients count as zero, as in PyTorch)
     * @throws IllegalArgumentException if {@code gradientScale} is negative, NaN or infinite
     */
    default void step(List<TrainableParameter> parameters, OptionalDouble loss, float gradientScale) {
        requireGradientScale(gradientScale);
        scaleGradients(parameters, gradientScale);
        step(parameters, loss);
    }

    /**
     * Refuses a gradient scale that {@link #step(List, OptionalDouble, float)} does not take.
     *
     * @throws IllegalArgumentException if {@code gradientScale} is negative, NaN or infinite
     */
    static void requireGradientScale(float gradientScale) {
        if (!(gradientScale >= 0) || !Float.isFinite(gradientScale)) {
            throw new IllegalArgumentException("gradient scale must be finite and >= 0, got " + gradientScale);
        }
    }

    /** Multiplies every gradient tensor by {@code gradientScale} in place (nothing to do at 1). */
    static void scaleGradients(List<TrainableParameter> parameters, float gradientScale) {
        if (gradientScale != 1f) {
            for (TrainableParameter parameter : parameters) {
                parameter.gradient().muli(gradientScale);
            }
        }
    }

    /**
     * Whether the optimizer runs its engine-op path on CPU parameters too (the option {@code engine_ops}); parameters
     * on another device always take it. False by default.
     */
    default boolean engineOps() {
        return false;
    }

    /** Optimizer steps taken so far (t after the last step). */
    long stepCount();

    /** Multiplies every group's base learning rate from the next step on (the lr schedule); 1 restores the base. */
    void setLearningRateScale(double scale);

    /**
     * The learning rate the next step gives parameters outside any group: the {@code lr} option times the schedule's
     * scale; NaN for a rule without an {@code lr} option.
     */
    double learningRate();

    /** Bytes of optimizer state held now, exactly. */
    long stateBytes();

    /** Scalars of the last step for reports (e.g. SOAA's dt, pr), in a stable order; empty if none. */
    Map<String, Double> telemetry();

    /** Writes the state into {@code directory} ({@code optimizer.safetensors} + {@code optimizer.json}). */
    void saveState(Path directory) throws IOException;

    /**
     * Restores state written by {@link #saveState} of the same optimizer id.
     *
     * @throws IOException if the files are missing, of another optimizer, or do not match the parameters
     */
    void loadState(Path directory) throws IOException;

    /**
     * Forgets the state of one parameter, so that it restarts from zeros at its next step (GaLore resets the moments
     * of a projected parameter this way when its basis changes). The step count is not reset.
     *
     * @param parameterName the name the parameter is stepped under; unknown names are ignored
     * @throws UnsupportedOperationException if this optimizer cannot forget one parameter's state
     */
    default void resetState(String parameterName) {
        throw new UnsupportedOperationException("optimizer '" + id() + "' cannot reset the state of one parameter ("
                + parameterName + ")");
    }

    /** Frees all state. */
    @Override
    void close();
}
