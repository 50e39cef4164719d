package dev.tune4j.recipe;

import dev.tune4j.optim.ParameterGroup;
import dev.tune4j.optim.ParameterRole;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A parameter group of a variant: parameters whose Hugging Face name matches one of the globs, or whose role (as the
 * model declares it) is one of the roles, get these option overrides (see {@link ParameterGroup}); the first matching
 * group wins.
 *
 * @param name group name, for reports and errors
 * @param match globs over dotted names ({@code *} within a component, {@code **} across)
 * @param roles parameter roles ({@code bias}, {@code norm}, {@code embedding}, {@code projection}, {@code head})
 * @param options option overrides, checked against the optimizer's schema
 */
public record ParameterGroupSpec(String name, @DefaultValue("[]") List<String> match,
        @DefaultValue("[]") List<ParameterRole> roles, Map<String, Object> options) {

    /** This group with {@code option} set to {@code value} over its own options. */
    public ParameterGroupSpec withOption(String option, Object value) {
        Map<String, Object> merged = new LinkedHashMap<>(options == null ? Map.of() : options);
        merged.put(option, value);
        return new ParameterGroupSpec(name, match, roles, Collections.unmodifiableMap(merged));
    }

    /** The optimizer's group; {@code index} names a group without a name ({@code group <index>}). */
    ParameterGroup toGroup(int index) {
        return new ParameterGroup(name == null ? "group " + index : name, match, Set.copyOf(roles),
                options == null ? Map.of() : options);
    }
}
