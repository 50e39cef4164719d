package dev.tune4j.optim;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Validated, typed optimizer options (see {@link OptionSchema}). Immutable. */
public final class Options {
    private final String optimizerId;
    private final Map<String, Object> values;

    Options(String optimizerId, Map<String, Object> values) {
        this.optimizerId = optimizerId;
        this.values = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(values));
    }

    /** A number option. */
    public double number(String name) {
        return ((Number) require(name)).doubleValue();
    }

    /** A whole-number option. */
    public long integer(String name) {
        return ((Number) require(name)).longValue();
    }

    /** Element {@code index} of a pair option. */
    @SuppressWarnings("unchecked")
    public double pair(String name, int index) {
        return ((List<Double>) require(name)).get(index);
    }

    /** A choice option. */
    public String choice(String name) {
        return (String) require(name);
    }

    /** A flag option. */
    public boolean flag(String name) {
        return (Boolean) require(name);
    }

    /** A word option. */
    public String text(String name) {
        return (String) require(name);
    }

    /** A list-of-words option. */
    @SuppressWarnings("unchecked")
    public List<String> texts(String name) {
        return (List<String>) require(name);
    }

    /** Whether the schema has an option {@code name}. */
    public boolean has(String name) {
        return values.containsKey(name);
    }

    /** All values, sorted by name, for run records. */
    public Map<String, Object> asMap() {
        return new TreeMap<>(values);
    }

    private Object require(String name) {
        Object value = values.get(name);
        if (value == null) {
            throw new IllegalArgumentException(optimizerId + " option '" + name + "' is required"
                    + (values.containsKey(name) ? "" : " (and not in its schema)"));
        }
        return value;
    }

    @Override
    public String toString() {
        return optimizerId + asMap();
    }
}
