package dev.tune4j.optim;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An immutable parameter group: which parameters (by name pattern, or by the role their model declares) get which
 * option overrides, e.g. no weight decay for biases and norms, or another learning rate for the embeddings. A parameter
 * belongs to the first group (in the optimizer's order) it matches; parameters no group matches use the optimizer's own
 * options.
 *
 * <p>Patterns are globs over the dotted HF name: {@code *} matches within one dotted component, {@code **} across
 * components; e.g. {@code **.bias}, {@code **.LayerNorm.*}, {@code model.embed_tokens.weight}.
 *
 * @param name group name for reports and errors
 * @param patterns the globs
 * @param roles the roles whose parameters belong to the group (e.g. {@code BIAS, NORM} for no decay)
 * @param overrides option values that replace the optimizer's for this group ({@code lr}, {@code weight_decay}, any
 *     rule option); validated by the optimizer's {@link OptionSchema}
 */
public record ParameterGroup(String name, List<String> patterns, Set<ParameterRole> roles,
        Map<String, Object> overrides) {

    /** Validates and copies. */
    public ParameterGroup {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a parameter group needs a name");
        }
        if (patterns.isEmpty() && roles.isEmpty()) {
            throw new IllegalArgumentException("parameter group '" + name + "' has no patterns and no roles");
        }
        patterns = List.copyOf(patterns);
        roles = Set.copyOf(roles);
        overrides = Map.copyOf(overrides);
    }

    /** A group of parameters chosen by name pattern. */
    public ParameterGroup(String name, List<String> patterns, Map<String, Object> overrides) {
        this(name, patterns, Set.of(), overrides);
    }

    /** Whether a parameter of this name and role belongs to the group. */
    public boolean matches(String parameterName, ParameterRole role) {
        return roles.contains(role) || matches(parameterName);
    }

    /** Whether {@code parameterName} matches one of the patterns. */
    public boolean matches(String parameterName) {
        Path asPath = Path.of(parameterName.replace('.', '/'));
        for (String pattern : patterns) {
            PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern.replace('.', '/'));
            if (matcher.matches(asPath)) {
                return true;
            }
        }
        return false;
    }
}
