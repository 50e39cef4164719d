package dev.tune4j.nn;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SequencedMap;

/**
 * Hugging Face style names of a block tree's parameters: child names joined with dots, then the parameter name.
 *
 * <p>DJL prefixes each child's name with its position ({@code 01model}, {@code 02layers.0}); the prefix is stripped.
 * tune4j's child names never start with a digit ({@code layers.0}, not {@code 0}), so the stripping is unambiguous.
 */
public final class ParameterNames {
    private ParameterNames() {}

    /** Every parameter of {@code root}, in model order, keyed by its HF name. */
    public static SequencedMap<String, Parameter> of(Block root) {
        SequencedMap<String, Parameter> names = new LinkedHashMap<>();
        collect(root, "", names);
        return names;
    }

    private static void collect(Block block, String prefix, Map<String, Parameter> names) {
        for (Pair<String, Parameter> entry : block.getDirectParameters()) {
            names.put(prefix + entry.getKey(), entry.getValue());
        }
        for (Pair<String, Block> entry : block.getChildren()) {
            collect(entry.getValue(), prefix + childName(entry.getKey(), prefix) + ".", names);
        }
    }

    /**
     * The HF name of a child from DJL's key for it ({@code 02layers.0 -> layers.0}).
     *
     * @param parent the parent's dotted name with a trailing dot, for the error message
     */
    public static String childName(String djlKey, String parent) {
        String name = djlKey.replaceFirst("^\\d+", "");
        if (name.isEmpty()) {
            throw new IllegalStateException("child block '" + djlKey + "' under '" + parent
                    + "' has no name beyond DJL's position prefix; name children as Hugging Face does");
        }
        return name;
    }
}
