package dev.tune4j.nn;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.tune4j.optim.ParameterRole;
import java.util.LinkedHashMap;
import java.util.SequencedMap;

/**
 * The role of every parameter of a block tree, keyed by the same Hugging Face names as {@link ParameterNames#of}, as
 * the blocks declare them ({@link DeclaresRoles}). For each parameter, the first rule that applies:
 *
 * <ol>
 *   <li>its block declares the parameter's role (embedding tables, normalization gains and shifts);
 *   <li>a parameter named {@code bias} is {@link ParameterRole#BIAS};
 *   <li>inside a module declared {@link ParameterRole#HEAD} (at any depth), {@link ParameterRole#HEAD};
 *   <li>otherwise the role its nearest declaring ancestor gives the module holding it ({@link ParameterRole#PROJECTION}
 *       for a linear map's weight, and for the A and B matrices of a LoRA adapter on it);
 *   <li>{@link ParameterRole#OTHER}.
 * </ol>
 */
public final class ParameterRoles {
    private ParameterRoles() {}

    /** Every parameter of {@code root}, in model order, with its role. */
    public static SequencedMap<String, ParameterRole> of(Block root) {
        SequencedMap<String, ParameterRole> roles = new LinkedHashMap<>();
        collect(root, "", null, roles);
        return roles;
    }

    private static void collect(Block block, String prefix, ParameterRole moduleRole,
            SequencedMap<String, ParameterRole> roles) {
        DeclaresRoles declaring = block instanceof DeclaresRoles d ? d : null;
        for (Pair<String, Parameter> entry : block.getDirectParameters()) {
            ParameterRole own = declaring == null ? null : declaring.ownParameterRole(entry.getKey());
            ParameterRole role = own != null ? own
                    : entry.getKey().equals("bias") ? ParameterRole.BIAS
                    : moduleRole != null ? moduleRole
                    : ParameterRole.OTHER;
            roles.put(prefix + entry.getKey(), role);
        }
        for (Pair<String, Block> entry : block.getChildren()) {
            ParameterRole declared = declaring == null ? null : declaring.childRole(entry.getValue());
            ParameterRole childRole = moduleRole == ParameterRole.HEAD || declared == null ? moduleRole : declared;
            collect(entry.getValue(), prefix + ParameterNames.childName(entry.getKey(), prefix) + ".", childRole,
                    roles);
        }
    }
}
