package dev.tune4j.optim;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The state tensors of one parameter as its rule declared them ({@link UpdateRule#state}), allocated as zeros on
 * first use by the optimizer's state store on the parameter's own device. A wrapper rule hands its inner rule a
 * {@link #view} with the inner rule's own declarations (e.g. GaLore: moments shaped like the projected gradient).
 */
public final class RuleState {
    private final StateStore store;
    private final String owner;
    private final String prefix;
    private final Device device;
    private final Map<String, StateSpec> specs = new LinkedHashMap<>();

    RuleState(StateStore store, String owner, String prefix, Device device, List<StateSpec> declared) {
        this.store = store;
        this.owner = owner;
        this.prefix = prefix;
        this.device = device;
        for (StateSpec spec : declared) {
            if (specs.put(spec.name(), spec) != null) {
                throw new IllegalArgumentException("state '" + spec.name() + "' of " + owner + " is declared twice");
            }
        }
    }

    /**
     * The declared tensor {@code name} on the parameter's device, zeros on first use.
     *
     * @throws IllegalArgumentException if the rule did not declare it
     */
    public NDArray tensor(String name) {
        StateSpec spec = specs.get(name);
        if (spec == null) {
            throw new IllegalArgumentException("state '" + name + "' of " + owner + " was not declared (declared: "
                    + specs.keySet() + ")");
        }
        return store.tensor(owner, new StateSpec(prefix + name, spec.shape(), spec.dataType()), device);
    }

    /** Whether the tensor {@code name} exists yet (was used, or loaded). */
    public boolean has(String name) {
        return store.has(owner, prefix + name);
    }

    /** Frees the tensor {@code name}; it comes back as zeros on next use. */
    public void forget(String name) {
        store.forget(owner, prefix + name);
    }

    /** The declarations. */
    public List<StateSpec> specs() {
        return List.copyOf(specs.values());
    }

    /**
     * The same parameter's state under the name prefix {@code subPrefix}, with other declarations (so that an inner
     * rule's tensors cannot clash with the wrapper's).
     */
    public RuleState view(String subPrefix, List<StateSpec> declared) {
        return new RuleState(store, owner, prefix + subPrefix, device, declared);
    }
}
