package dev.tune4j.run;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import dev.tune4j.nn.ParameterNames;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Exact sizes of a model's tensors for the memory breakdown: element count times element size, each parameter once
 * (a parameter shared under two names, such as tied embeddings, counts once).
 */
final class ParameterBytes {
    private ParameterBytes() {}

    /** Bytes of every parameter of {@code model}, frozen ones too. */
    static long weights(Block model) {
        return sum(parameters(model, parameter -> true));
    }

    /** Bytes of the parameters of {@code model} that require a gradient. */
    static long trainableWeights(Block model) {
        return sum(parameters(model, Parameter::requiresGradient));
    }

    /**
     * Bytes of the gradients libtorch holds for the trainable parameters of {@code model}, read from the gradient
     * tensors themselves (after a backward pass: before it, libtorch has allocated none).
     */
    static long gradients(Block model) {
        long bytes = 0;
        for (Parameter parameter : parameters(model, Parameter::requiresGradient)) {
            try (NDArray gradient = parameter.getArray().getGradient()) { // closes the handle, not the gradient
                bytes += gradient.size() * gradient.getDataType().getNumOfBytes();
            }
        }
        return bytes;
    }

    private static List<Parameter> parameters(Block model, Predicate<Parameter> filter) {
        Set<Parameter> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        return ParameterNames.of(model).values().stream().filter(seen::add).filter(filter).toList();
    }

    private static long sum(List<Parameter> parameters) {
        return parameters.stream().mapToLong(p -> p.getArray().size() * p.getArray().getDataType().getNumOfBytes())
                .sum();
    }
}
