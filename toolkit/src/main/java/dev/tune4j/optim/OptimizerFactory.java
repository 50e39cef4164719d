package dev.tune4j.optim;

import java.util.List;
import java.util.Map;

/**
 * Service interface: one per optimizer id, found through {@link java.util.ServiceLoader} (a
 * {@code META-INF/services/dev.tune4j.optim.OptimizerFactory} line per implementation), so recipes select optimizers
 * by id and the toolkit never depends on the optimizer modules. Every tune4j optimizer is a {@link RuleFactory}.
 */
public interface OptimizerFactory {
    /** The id recipes use, lower case, e.g. {@code soaa}. */
    String id();

    /** One line for {@code tune4j} listings. */
    String description();

    /** The options the optimizer accepts. */
    OptionSchema schema();

    /**
     * The options accepted together with {@code options}: the same as {@link #schema()} except for a wrapper whose
     * options depend on the rule it wraps (GaLore's {@code inner}).
     */
    default OptionSchema schema(Map<String, Object> options) {
        return schema();
    }

    /**
     * Whether the optimizer updates tensors wherever they live, through in-place engine ops on their own device (true
     * for every {@link RuleFactory}); false for an optimizer that works on CPU memory only ({@link TensorMemory}).
     */
    default boolean updatesGpuTensors() {
        return false;
    }

    /**
     * Every check the optimizer's construction makes, without allocating anything: options, groups, combinations.
     *
     * @throws IllegalArgumentException naming every invalid or unknown option, or what does not go together
     */
    OptimizerPlan<?> check(OptimizerSettings settings);

    /**
     * Builds an optimizer.
     *
     * @throws IllegalArgumentException naming every invalid or unknown option
     */
    default Optimizer create(OptimizerSettings settings) {
        return check(settings).create(settings.totalSteps());
    }

    /** Further ids this factory registers, each a fixed setting of it (e.g. {@code galore_adamw}); none by default. */
    default List<OptimizerFactory> aliases() {
        return List.of();
    }
}
