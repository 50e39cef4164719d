package dev.tune4j.recipe;

import java.util.List;

/**
 * A YAML value as {@link YamlReader} read it, with the location of every key and value, so that the binder and the
 * validator can point at the line a problem comes from. Overrides replace parts of the tree with nodes located at
 * the override.
 */
sealed interface YamlNode {
    /** Where the value starts. */
    SourceLocation location();

    /** How the value reads in an error message: the scalar's text in quotes, or "a mapping" / "a list". */
    String describe();

    /** The kind of a scalar, as YAML 1.1 (Jackson's reading) resolves an unquoted one; quoted scalars are strings. */
    enum ScalarKind { STRING, INTEGER, FLOAT, BOOLEAN, NULL }

    /**
     * A scalar.
     *
     * @param kind its resolved kind
     * @param text the text as written (without quotes)
     * @param value the resolved value: String, Integer/Long/BigInteger, Double, Boolean or null
     * @param location where it starts
     */
    record Scalar(ScalarKind kind, String text, Object value, SourceLocation location) implements YamlNode {
        @Override
        public String describe() {
            return kind == ScalarKind.NULL ? "null" : "'" + text + "'";
        }
    }

    /**
     * A key of a mapping with its value.
     *
     * @param key the key
     * @param keyLocation where the key is written
     * @param value its value
     */
    record Entry(String key, SourceLocation keyLocation, YamlNode value) {}

    /**
     * A mapping, in file order; a repeated key stays repeated here and the binder reports it.
     *
     * @param entries the keys with their values
     * @param location where the mapping starts
     */
    record Mapping(List<Entry> entries, SourceLocation location) implements YamlNode {
        public Mapping {
            entries = List.copyOf(entries);
        }

        /** The last entry of {@code key}, or null. */
        Entry entry(String key) {
            Entry found = null;
            for (Entry entry : entries) {
                if (entry.key().equals(key)) {
                    found = entry;
                }
            }
            return found;
        }

        @Override
        public String describe() {
            return "a mapping";
        }
    }

    /**
     * A list.
     *
     * @param items the items in order
     * @param location where the list starts
     */
    record Sequence(List<YamlNode> items, SourceLocation location) implements YamlNode {
        public Sequence {
            items = List.copyOf(items);
        }

        @Override
        public String describe() {
            return "a list";
        }
    }
}
