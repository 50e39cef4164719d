package dev.tune4j.recipe;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Command-line overrides {@code key=value}, applied to the located YAML tree before binding, so that an override is
 * checked exactly like the file. The key is a dotted path ({@code steps}, {@code data.train_examples},
 * {@code schedule.type}); inside a list a component is an index ({@code variants.0.options.lr}) or the {@code name}
 * of an item ({@code variants.soaa.options.lr}). A missing key is added, with missing mappings on the way. The value
 * is YAML ({@code seeds=[1,2]}, {@code lora=null} removes the block); everything an override brings in is located at
 * the override in errors.
 */
final class RecipeOverrides {
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*");

    private RecipeOverrides() {}

    /**
     * Checks that each override reads {@code key=value} with a dotted key.
     *
     * @throws RecipeArgumentException naming the first malformed one
     */
    static void checkSyntax(List<String> overrides) {
        for (String override : overrides) {
            int equals = override.indexOf('=');
            if (equals <= 0 || !KEY.matcher(override.substring(0, equals)).matches()) {
                throw new RecipeArgumentException("override '" + override + "' is not key=value with a dotted key"
                        + " (e.g. steps=4, data.train_examples=32, variants.soaa.options.lr=1e-3)");
            }
        }
    }

    /**
     * Applies {@code overrides} in order to {@code root}; problems with a path or a value go to {@code problems}
     * and that override is skipped.
     */
    static YamlNode apply(YamlNode root, List<String> overrides, ProblemCollector problems) {
        checkSyntax(overrides);
        YamlNode result = root;
        for (int i = 0; i < overrides.size(); i++) {
            String override = overrides.get(i);
            int equals = override.indexOf('=');
            String key = override.substring(0, equals);
            SourceLocation location = SourceLocation.override(override, i + 1);
            YamlNode value;
            try {
                value = YamlReader.readAt(override.substring(equals + 1), location);
            } catch (RecipeException e) {
                e.errors().forEach(error -> problems.error(location, key, error.message()));
                continue;
            }
            Setter setter = new Setter(List.of(key.split("\\.")), value, location, key, problems);
            YamlNode changed = setter.set(result, 0, "");
            if (changed != null) {
                result = changed;
            }
        }
        return result;
    }

    /** One override's walk down the tree; returns the changed copy, or null after reporting why it cannot apply. */
    private record Setter(List<String> segments, YamlNode value, SourceLocation location, String key,
            ProblemCollector problems) {

        YamlNode set(YamlNode node, int depth, String path) {
            if (depth == segments.size()) {
                return value;
            }
            String segment = segments.get(depth);
            return switch (node) {
                case YamlNode.Mapping mapping -> inMapping(mapping, segment, depth, path);
                case YamlNode.Sequence sequence -> inSequence(sequence, segment, depth, path);
                case YamlNode.Scalar scalar when scalar.kind() == YamlNode.ScalarKind.NULL ->
                        inMapping(new YamlNode.Mapping(List.of(), location), segment, depth, path);
                case YamlNode.Scalar scalar -> fail("cannot set '" + segment + "' inside " + shown(path)
                        + ": it holds the value " + scalar.describe());
            };
        }

        private YamlNode inMapping(YamlNode.Mapping mapping, String segment, int depth, String path) {
            List<YamlNode.Entry> entries = new ArrayList<>(mapping.entries());
            int index = -1;
            for (int i = 0; i < entries.size(); i++) {
                if (entries.get(i).key().equals(segment)) {
                    index = i; // the last of repeated keys: the one the binder would read
                }
            }
            String childPath = KeyLocations.child(path, segment);
            if (index < 0) {
                YamlNode added = set(new YamlNode.Scalar(YamlNode.ScalarKind.NULL, "", null, location), depth + 1,
                        childPath);
                if (added == null) {
                    return null;
                }
                entries.add(new YamlNode.Entry(segment, location, added));
            } else {
                YamlNode.Entry entry = entries.get(index);
                YamlNode changed = set(entry.value(), depth + 1, childPath);
                if (changed == null) {
                    return null;
                }
                entries.set(index, new YamlNode.Entry(segment, depth + 1 == segments.size() ? location
                        : entry.keyLocation(), changed));
            }
            return new YamlNode.Mapping(entries, mapping.location());
        }

        private YamlNode inSequence(YamlNode.Sequence sequence, String segment, int depth, String path) {
            List<YamlNode> items = new ArrayList<>(sequence.items());
            int index = segment.chars().allMatch(Character::isDigit) ? Integer.parseInt(segment)
                    : indexOfNamed(items, segment);
            if (index < 0) {
                List<String> names = items.stream().map(RecipeOverrides::nameOf).filter(name -> name != null).toList();
                String hint = DidYouMean.closest(segment, names).map(match -> " (did you mean '" + match + "'?)")
                        .orElse(names.isEmpty() ? "" : "; names: " + String.join(", ", names));
                return fail(shown(path) + " has no item named '" + segment + "'" + hint);
            }
            if (index >= items.size()) {
                return fail(shown(path) + " has no item " + index + " (it has " + items.size() + ", from 0)");
            }
            YamlNode changed = set(items.get(index), depth + 1, KeyLocations.item(path, index));
            if (changed == null) {
                return null;
            }
            items.set(index, changed);
            return new YamlNode.Sequence(items, sequence.location());
        }

        private static int indexOfNamed(List<YamlNode> items, String name) {
            for (int i = 0; i < items.size(); i++) {
                if (name.equals(nameOf(items.get(i)))) {
                    return i;
                }
            }
            return -1;
        }

        private static String shown(String path) {
            return path.isEmpty() ? "the recipe" : "'" + path + "'";
        }

        private YamlNode fail(String message) {
            problems.error(location, key, message);
            return null;
        }
    }

    /** The {@code name} of a list item that is a mapping with a scalar name, else null. */
    private static String nameOf(YamlNode item) {
        if (item instanceof YamlNode.Mapping mapping && mapping.entry("name") != null
                && mapping.entry("name").value() instanceof YamlNode.Scalar name
                && name.kind() != YamlNode.ScalarKind.NULL) {
            return name.text();
        }
        return null;
    }
}
