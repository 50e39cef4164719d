package dev.tune4j.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads typed values out of a Hugging Face {@code config.json} tree, collecting every missing or mistyped required
 * key so that one error names them all. Unknown keys are ignored (newer transformers versions add many).
 */
public final class ConfigJson {
    private final JsonNode root;
    private final String source;
    private final List<String> problems = new ArrayList<>();

    public ConfigJson(JsonNode root, String source) {
        this.root = root;
        this.source = source;
    }

    public int requiredInt(String key) {
        JsonNode node = root.get(key);
        if (node == null || node.isNull()) {
            problems.add("missing required key '" + key + "'");
            return 0;
        }
        if (!node.canConvertToInt() || !node.isIntegralNumber()) {
            problems.add("'" + key + "' must be an integer, got " + node);
            return 0;
        }
        return node.intValue();
    }

    public int optionalInt(String key, int fallback) {
        JsonNode node = root.get(key);
        return node == null || node.isNull() ? fallback : requiredInt(key);
    }

    public double optionalDouble(String key, double fallback) {
        JsonNode node = root.get(key);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isNumber()) {
            problems.add("'" + key + "' must be a number, got " + node);
            return fallback;
        }
        return node.doubleValue();
    }

    public boolean optionalBoolean(String key, boolean fallback) {
        JsonNode node = root.get(key);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isBoolean()) {
            problems.add("'" + key + "' must be true or false, got " + node);
            return fallback;
        }
        return node.booleanValue();
    }

    public String optionalString(String key, String fallback) {
        JsonNode node = root.get(key);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isTextual()) {
            problems.add("'" + key + "' must be a string, got " + node);
            return fallback;
        }
        return node.textValue();
    }

    public JsonNode node(String key) {
        return root.get(key);
    }

    public void problem(String message) {
        problems.add(message);
    }

    /** Builds the config, prefixing a validation failure of its constructor with the source's name. */
    public <T> T validated(java.util.function.Supplier<T> constructor) {
        try {
            return constructor.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
    }

    /** Throws one exception naming every problem found so far. */
    public void check() {
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(source + ": " + String.join("; ", problems));
        }
    }
}
