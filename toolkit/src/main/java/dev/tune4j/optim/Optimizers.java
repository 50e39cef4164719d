package dev.tune4j.optim;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** The registry of optimizers by id, filled from every {@link OptimizerFactory} on the class path. */
public final class Optimizers {
    private Optimizers() {}

    /** Every registered factory and alias by id, sorted. */
    public static Map<String, OptimizerFactory> all() {
        Map<String, OptimizerFactory> factories = new TreeMap<>();
        for (OptimizerFactory registered : ServiceLoader.load(OptimizerFactory.class)) {
            List<OptimizerFactory> withAliases = new ArrayList<>(List.of(registered));
            withAliases.addAll(registered.aliases());
            for (OptimizerFactory factory : withAliases) {
                OptimizerFactory previous = factories.put(factory.id(), factory);
                if (previous != null) {
                    throw new IllegalStateException("two optimizers claim the id '" + factory.id() + "': "
                            + previous.getClass().getName() + " and " + factory.getClass().getName());
                }
            }
        }
        return factories;
    }

    /**
     * The factory for {@code id}.
     *
     * @throws IllegalArgumentException listing the known ids when {@code id} is unknown
     */
    public static OptimizerFactory factory(String id) {
        Map<String, OptimizerFactory> factories = all();
        OptimizerFactory factory = factories.get(id);
        if (factory == null) {
            throw new IllegalArgumentException("unknown optimizer '" + id + "'; known: "
                    + String.join(", ", factories.keySet()));
        }
        return factory;
    }

    /** Builds optimizer {@code id}. */
    public static Optimizer create(String id, OptimizerSettings settings) {
        return factory(id).create(settings);
    }
}
