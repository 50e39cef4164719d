package dev.tune4j.nn;

import ai.djl.nn.Block;
import dev.tune4j.optim.ParameterRole;

/**
 * A block that says what its parameters and its children are for, so that {@link ParameterRoles#of} can name the role
 * of every parameter of a model without knowing its architecture.
 */
public interface DeclaresRoles {

    /**
     * The role of this block's own parameter {@code name} (e.g. {@link ParameterRole#EMBEDDING} for an embedding's
     * table), or null to leave it to the rules of {@link ParameterRoles#of}.
     */
    default ParameterRole ownParameterRole(String name) {
        return null;
    }

    /**
     * The role this block gives {@code child} as a whole (e.g. {@link ParameterRole#PROJECTION} for an attention
     * projection, {@link ParameterRole#HEAD} for a task head), or null when it declares none.
     */
    ParameterRole childRole(Block child);
}
