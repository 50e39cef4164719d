package dev.tune4j.recipe;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Binds a located YAML tree strictly to records: each record component is the YAML key of its snake_case name;
 * {@link DefaultValue} gives the YAML of a left-out key, {@link OptionalKey} makes a left-out key null, any other
 * left-out key is an error. An explicit {@code null} (or an empty value) counts as left out. Supported component
 * types: int, long, double, boolean, their boxes, String, enums (lower-case names), nested records,
 * {@code List<T>} of any of these, and {@code Map<String, Object>} of plain YAML values.
 *
 * <p>Every problem goes to the {@link ProblemCollector} and binding carries on, so one pass reports all of them; a
 * value that failed is a placeholder (null, 0 or false) and its path is marked failed in the {@link KeyLocations}.
 *
 * <p><b>Why not Jackson databind.</b> Jackson reads the YAML ({@link YamlReader} walks its token stream) and writes
 * the resolved recipe ({@link RecipeWriter}); only the step from located nodes to records is written here, because
 * databind (2.23, checked with a scratch program against these records) cannot give what recipe errors promise:
 * <ul>
 *   <li>all errors at once: databind throws at the first problem. A {@code DeserializationProblemHandler} can note
 *       and skip unknown keys and unparsable scalars, but a missing required creator property (only the first is
 *       named) and a compact constructor that refuses its values ({@code ValueInstantiationException}) end the whole
 *       read, taking the unknown keys noted so far with them; a duplicate key of a record ends it too, as "No
 *       fallback setter/field defined for creator property";
 *   <li>file:line:column for every error: a record is built through its constructor, so databind buffers its
 *       properties and an unknown key of a record reaches the handler without a location (-1:-1); and overrides
 *       ({@link RecipeOverrides}) rewrite the tree before binding, where databind bound from a {@code JsonNode}
 *       reports no location at all, while a {@link YamlNode} replaced by an override points at the override;
 *   <li>strict scalars: by default databind turns {@code '3'} into an int and truncates {@code 2.5} into one, where a
 *       recipe must say "expected an integer, found '2.5'";
 *   <li>the messages themselves (the did-you-mean hints, "missing required key", the placeholders that let
 *       {@link RecipeValidator} skip checks on values that already failed).
 * </ul>
 */
final class RecordBinder {
    private final ProblemCollector problems;
    private final KeyLocations locations;

    RecordBinder(ProblemCollector problems, KeyLocations locations) {
        this.problems = problems;
        this.locations = locations;
    }

    /** The YAML key of a component: its name in snake_case ({@code maxSequenceLength} is max_sequence_length). */
    static String yamlKey(RecordComponent component) {
        return component.getName().replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }

    /** Binds {@code node} to a record of {@code type}; returns a record with placeholders where binding failed. */
    <T extends Record> T bindRecord(YamlNode node, Class<T> type, String path) {
        return type.cast(bind(node, type, path));
    }

    private Object bind(YamlNode node, Type type, String path) {
        locations.put(path, node.location());
        if (type instanceof ParameterizedType generic) {
            Type raw = generic.getRawType();
            if (raw == List.class) {
                return list(node, generic.getActualTypeArguments()[0], path);
            }
            if (raw == Map.class && generic.getActualTypeArguments()[0] == String.class
                    && generic.getActualTypeArguments()[1] == Object.class) {
                return node instanceof YamlNode.Mapping mapping ? plainMapping(mapping, path)
                        : mismatch(node, path, "a mapping");
            }
        } else if (type instanceof Class<?> plain) {
            if (plain == TuneSpec.class && node instanceof YamlNode.Scalar scalar
                    && (Boolean.FALSE.equals(scalar.value()) || "off".equals(scalar.value()))) {
                return TuneSpec.OFF; // tune: off
            }
            if (plain.isRecord()) {
                return node instanceof YamlNode.Mapping mapping ? record(mapping, plain, path)
                        : mismatch(node, path, "a mapping");
            }
            if (plain.isEnum()) {
                return enumConstant(node, plain, path);
            }
            return scalar(node, plain, path);
        }
        throw new IllegalArgumentException("recipe records cannot use the component type " + type + " (at " + path
                + ")");
    }

    private Object record(YamlNode.Mapping mapping, Class<?> type, String path) {
        RecordComponent[] components = type.getRecordComponents();
        Map<String, Integer> indexByKey = new LinkedHashMap<>();
        for (int i = 0; i < components.length; i++) {
            indexByKey.put(yamlKey(components[i]), i);
        }
        YamlNode[] given = new YamlNode[components.length];
        Map<String, YamlNode.Entry> firstByKey = new HashMap<>();
        for (YamlNode.Entry entry : mapping.entries()) {
            String entryPath = KeyLocations.child(path, entry.key());
            Integer index = indexByKey.get(entry.key());
            if (index == null) {
                problems.error(entry.keyLocation(), entryPath, "unknown key '" + entry.key() + "'"
                        + DidYouMean.hint(entry.key(), indexByKey.keySet()));
                continue;
            }
            YamlNode.Entry first = firstByKey.putIfAbsent(entry.key(), entry);
            if (first != null) {
                problems.error(entry.keyLocation(), entryPath, "duplicate key (first at "
                        + first.keyLocation() + ")");
                continue;
            }
            given[index] = entry.value();
        }
        Object[] values = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            values[i] = component(components[i], given[i], mapping, path);
        }
        return construct(type, components, values, mapping, path);
    }

    private Object component(RecordComponent component, YamlNode given, YamlNode.Mapping mapping, String path) {
        String key = yamlKey(component);
        String componentPath = KeyLocations.child(path, key);
        boolean leftOut = given == null
                || given instanceof YamlNode.Scalar scalar && scalar.kind() == YamlNode.ScalarKind.NULL;
        if (!leftOut) {
            return orPlaceholder(bind(given, component.getGenericType(), componentPath), component);
        }
        DefaultValue fallback = component.getAnnotation(DefaultValue.class);
        if (fallback != null) {
            // a default reads like file input; its nodes point at the mapping that left the key out
            return orPlaceholder(bind(YamlReader.readAt(fallback.value(), mapping.location()),
                    component.getGenericType(), componentPath), component);
        }
        if (component.isAnnotationPresent(OptionalKey.class)) {
            locations.put(componentPath, mapping.location());
            return null;
        }
        problems.error(given == null ? mapping.location() : given.location(), componentPath,
                given == null ? "missing required key" : "required key has no value");
        locations.markFailed(componentPath);
        return placeholder(component.getType());
    }

    private Object construct(Class<?> type, RecordComponent[] components, Object[] values, YamlNode.Mapping mapping,
            String path) {
        Class<?>[] parameterTypes = Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new);
        try {
            Constructor<?> constructor = type.getDeclaredConstructor(parameterTypes);
            return constructor.newInstance(values);
        } catch (InvocationTargetException e) {
            // a compact constructor refused the values
            problems.error(mapping.location(), path, Objects.requireNonNullElse(e.getCause().getMessage(),
                    e.getCause().toString()));
            locations.markFailed(path);
            return null;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot construct the recipe record " + type.getName(), e);
        }
    }

    private List<Object> list(YamlNode node, Type itemType, String path) {
        if (!(node instanceof YamlNode.Sequence sequence)) {
            mismatch(node, path, "a list");
            return null;
        }
        List<Object> items = new ArrayList<>();
        for (int i = 0; i < sequence.items().size(); i++) {
            YamlNode item = sequence.items().get(i);
            String itemPath = KeyLocations.item(path, i);
            if (item instanceof YamlNode.Scalar scalar && scalar.kind() == YamlNode.ScalarKind.NULL) {
                items.add(mismatch(item, itemPath, "a value"));
            } else {
                items.add(bind(item, itemType, itemPath));
            }
        }
        return items.contains(null) ? Collections.unmodifiableList(items) : List.copyOf(items);
    }

    private Object enumConstant(YamlNode node, Class<?> type, String path) {
        List<String> names = Arrays.stream(type.getEnumConstants())
                .map(constant -> ((Enum<?>) constant).name().toLowerCase(Locale.ROOT))
                .toList();
        if (node instanceof YamlNode.Scalar scalar && scalar.kind() == YamlNode.ScalarKind.STRING) {
            int index = names.indexOf(scalar.text());
            if (index >= 0) {
                return type.getEnumConstants()[index];
            }
            problems.error(node.location(), path, "expected one of " + String.join(", ", names) + ", found "
                    + node.describe() + DidYouMean.closest(scalar.text(), names)
                            .map(match -> " (did you mean '" + match + "'?)").orElse(""));
            locations.markFailed(path);
            return null;
        }
        return mismatch(node, path, "one of " + String.join(", ", names));
    }

    private Object scalar(YamlNode node, Class<?> type, String path) {
        if (!(node instanceof YamlNode.Scalar scalar) || scalar.kind() == YamlNode.ScalarKind.NULL) {
            return mismatch(node, path, expected(type));
        }
        Object value = scalar.value();
        if (type == String.class) {
            // unquoted 2024 or yes are still fine as a name or path: take the text as written
            return scalar.text();
        }
        if (type == boolean.class || type == Boolean.class) {
            return value instanceof Boolean flag ? flag : mismatch(node, path, expected(type));
        }
        if (type == double.class || type == Double.class) {
            return value instanceof Number number ? (Object) number.doubleValue()
                    : mismatch(node, path, expected(type));
        }
        if (type == int.class || type == Integer.class) {
            if (value instanceof Integer whole) {
                return whole;
            }
            return mismatch(node, path, value instanceof Long || value instanceof BigInteger
                    ? "an integer from " + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE : expected(type));
        }
        if (type == long.class || type == Long.class) {
            if (value instanceof Integer || value instanceof Long) {
                return ((Number) value).longValue();
            }
            return mismatch(node, path, value instanceof BigInteger
                    ? "an integer from " + Long.MIN_VALUE + " to " + Long.MAX_VALUE : expected(type));
        }
        throw new IllegalArgumentException("recipe records cannot use the component type " + type.getName()
                + " (at " + path + ")");
    }

    private static String expected(Class<?> type) {
        if (type == String.class) {
            return "a string";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type == double.class || type == Double.class) {
            return "a number";
        }
        return "an integer";
    }

    /** A {@code Map<String, Object>} of plain values: strings, numbers, booleans, lists and mappings of them. */
    private Map<String, Object> plainMapping(YamlNode.Mapping mapping, String path) {
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, YamlNode.Entry> firstByKey = new HashMap<>();
        for (YamlNode.Entry entry : mapping.entries()) {
            String entryPath = KeyLocations.child(path, entry.key());
            YamlNode.Entry first = firstByKey.putIfAbsent(entry.key(), entry);
            if (first != null) {
                problems.error(entry.keyLocation(), entryPath, "duplicate key (first at " + first.keyLocation() + ")");
                continue;
            }
            locations.put(entryPath, entry.keyLocation());
            Object value = plainValue(entry.value(), entryPath);
            if (value != null) {
                values.put(entry.key(), value);
            }
        }
        return Collections.unmodifiableMap(values);
    }

    private Object plainValue(YamlNode node, String path) {
        return switch (node) {
            case YamlNode.Mapping mapping -> plainMapping(mapping, path);
            case YamlNode.Sequence sequence -> {
                List<Object> items = new ArrayList<>();
                for (int i = 0; i < sequence.items().size(); i++) {
                    items.add(plainValue(sequence.items().get(i), KeyLocations.item(path, i)));
                }
                yield items.contains(null) ? null : List.copyOf(items);
            }
            case YamlNode.Scalar scalar when scalar.kind() == YamlNode.ScalarKind.NULL ->
                    mismatch(node, path, "a value");
            case YamlNode.Scalar scalar when scalar.value() instanceof BigInteger ->
                    mismatch(node, path, "an integer from " + Long.MIN_VALUE + " to " + Long.MAX_VALUE);
            case YamlNode.Scalar scalar -> scalar.value();
        };
    }

    /** Reports "expected X, found Y" and returns the placeholder null. */
    private Object mismatch(YamlNode node, String path, String expected) {
        problems.error(node.location(), path, "expected " + expected + ", found " + node.describe());
        locations.markFailed(path);
        return null;
    }

    private static Object orPlaceholder(Object value, RecordComponent component) {
        return value == null ? placeholder(component.getType()) : value;
    }

    private static Object placeholder(Class<?> type) {
        if (type == int.class) {
            return 0;
        }
        if (type == long.class) {
            return 0L;
        }
        if (type == double.class) {
            return 0.0;
        }
        return type == boolean.class ? false : null;
    }
}
