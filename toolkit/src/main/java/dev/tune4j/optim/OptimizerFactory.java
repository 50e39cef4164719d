package dev.tune4j.optim;

/**
 * Service interface: one per optimizer id, found through {@link java.util.ServiceLoader} (a
 * {@code META-INF/services/dev.tune4j.optim.OptimizerFactory} line per implementation), so recipes select optimizers
 * by id and the toolkit never depends on the optimizer modules.
 */
public interface OptimizerFactory {
    /** The id recipes use, lower case, e.g. {@code soaa}. */
    String id();

    /** One line for {@code tune4j} listings. */
    String description();

    /** The options the optimizer accepts. */
    OptionSchema schema();

    /**
     * Whether the optimizer updates tensors wherever they live (through engine ops). False for the Java kernels, which
     * work on zero-copy views of CPU memory ({@link TensorMemory}) and refuse GPU tensors.
     */
    default boolean updatesGpuTensors() {
        return false;
    }

    /**
     * Builds an optimizer.
     *
     * @throws IllegalArgumentException naming every invalid or unknown option
     */
    Optimizer create(OptimizerSettings settings);
}
