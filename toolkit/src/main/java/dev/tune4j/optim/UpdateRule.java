package dev.tune4j.optim;

import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The math of one optimizer rule, and nothing else: {@link RuleOptimizer} owns the step count t, the learning-rate
 * schedule, parameter groups, gradient zeroing, checks, the state store, save/load and telemetry around it.
 *
 * <p>A rule declares the state it keeps for a parameter ({@link #state}); the optimizer allocates each declared tensor
 * as zeros on first use and hands it over through {@link RuleParameter#state()}. Scalar state that belongs to the
 * whole rule (SOAA's dt, pr and loss average) round-trips through {@link #scalars()} and {@link #restoreScalars}.
 *
 * @param <O> the rule's options record
 */
public interface UpdateRule<O extends RuleOptions> {
    /**
     * The state tensors the rule keeps for one parameter of {@code shape} with {@code options}.
     *
     * @param name the parameter's name, for error messages
     */
    List<StateSpec> state(String name, Shape shape, ParameterRole role, O options);

    /**
     * One step over every parameter of the optimizer step: update each weight in place (not the gradients).
     *
     * @param t the step number, starting at 1
     * @param loss the loss that produced the gradients, or empty
     */
    void step(long t, List<RuleParameter<O>> parameters, OptionalDouble loss);

    /**
     * Whether {@link #step} multiplies each gradient element by {@link RuleParameter#gradientScale()} itself, in float
     * before anything else uses it (so the result is the same bits as a step on the scaled gradient tensor). A rule
     * that does (the Java kernels of Adam/AdamW, SOAA and 8-bit Adam) spares the optimizer a pass that reads and writes
     * every gradient when clipping acts; for any other rule (GaLore) the optimizer scales the gradient tensors first and
     * hands it a scale of 1.
     */
    default boolean scalesGradients() {
        return false;
    }

    /** Scalars of the last step for reports, in a stable order; empty if none. */
    default Map<String, Double> telemetry() {
        return Map.of();
    }

    /** Rule-wide scalar state to save; empty if none. */
    default Map<String, Double> scalars() {
        return Map.of();
    }

    /**
     * Restores what {@link #scalars()} returned.
     *
     * @throws IllegalArgumentException if the saved scalars do not belong to this rule and its options
     */
    default void restoreScalars(Map<String, Double> scalars) {}
}
