package dev.tune4j.recipe;

import java.util.List;
import java.util.Map;

/**
 * A parameter group of a variant: parameters whose Hugging Face name matches one of the globs get these option
 * overrides (see {@link dev.tune4j.optim.ParameterGroup}); the first matching group wins.
 *
 * @param name group name, for reports and errors
 * @param match globs over dotted names ({@code *} within a component, {@code **} across)
 * @param options option overrides, checked against the optimizer's schema
 */
public record ParameterGroupSpec(String name, List<String> match, Map<String, Object> options) {}
