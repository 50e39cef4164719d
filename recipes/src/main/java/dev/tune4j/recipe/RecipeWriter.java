package dev.tune4j.recipe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a {@link Recipe} as the YAML {@link RecipeLoader} reads: snake_case keys in component order, every default
 * written out, null keys left out, enums in lower case. Loading the text gives back an equal recipe, so the resolved
 * config saved with a run reproduces it exactly.
 */
public final class RecipeWriter {
    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
            .disable(YAMLGenerator.Feature.SPLIT_LINES)
            .build());

    private RecipeWriter() {}

    /** The recipe as YAML, with a one-line header comment. */
    public static String toYaml(Recipe recipe) {
        try {
            return "# Resolved recipe '" + recipe.name() + "': defaults filled in, overrides applied.\n"
                    + YAML.writeValueAsString(tree(recipe));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a recipe of plain values could not be written as YAML", e);
        }
    }

    /** Writes {@link #toYaml} to {@code file}, creating its directory (e.g. {@code config.resolved.yaml} of a run). */
    public static void write(Recipe recipe, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, toYaml(recipe), StandardCharsets.UTF_8);
    }

    /** Records become ordered maps of their non-null components; lists, maps and scalars are copied as they are. */
    private static Object tree(Object value) {
        if (value instanceof Record record) {
            Map<String, Object> keys = new LinkedHashMap<>();
            for (RecordComponent component : record.getClass().getRecordComponents()) {
                Object componentValue = read(component, record);
                if (componentValue != null) {
                    keys.put(RecordBinder.yamlKey(component), tree(componentValue));
                }
            }
            return keys;
        }
        if (value instanceof Enum<?> constant) {
            return constant.name().toLowerCase(Locale.ROOT);
        }
        if (value instanceof List<?> list) {
            List<Object> items = new ArrayList<>();
            list.forEach(item -> items.add(tree(item)));
            return items;
        }
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> entries = new LinkedHashMap<>();
            map.forEach((key, item) -> entries.put(key, tree(item)));
            return entries;
        }
        return value;
    }

    private static Object read(RecordComponent component, Record record) {
        try {
            return component.getAccessor().invoke(record);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read " + component.getName() + " of " + record.getClass(), e);
        }
    }
}
