package dev.tune4j.recipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecipeWriterTest {
    @TempDir
    Path directory;

    @Test
    void resolvedYamlHasTheTopLevelKeysScriptsReadWithDefaultsFilledAndNullsLeftOut() throws IOException {
        String yaml = RecipeWriter.toYaml(RecipeLoader.load("bert-spam-optimizers", List.of("steps=4")));
        List<String> lines = yaml.lines().toList();
        assertTrue(lines.contains("steps: 4"), yaml);
        assertTrue(lines.contains("seeds:"), yaml);
        assertTrue(lines.contains("output_dir: runs/bert-spam-optimizers"), yaml);
        assertTrue(lines.contains("variants:"), yaml);
        assertTrue(lines.contains("  - name: soaa"), yaml);
        assertTrue(lines.contains("    optimizer: soaa"), yaml);
        assertTrue(lines.contains("gradient_accumulation: 1"), "a default is written out:\n" + yaml);
        assertTrue(lines.contains("  type: linear"), "enums in lower case:\n" + yaml);
        assertFalse(yaml.contains("epochs"), "a null key is left out");
        assertFalse(yaml.contains("tokenizer"), "a null key is left out");
    }

    @Test
    void valuesThatLookLikeOtherTypesKeepTheirType() throws IOException {
        Path file = directory.resolve("tricky.yaml");
        Files.writeString(file, """
                name: '2024'
                model: {source: minilm, tokenizer: 'yes'}
                task: classification
                data: {source: spam-assassin, text_field: 'null', label_field: '1e-4'}
                epochs: 1
                variants:
                  - name: galore
                    optimizer: galore
                    options: {inner: adamw, target_modules: ['on', '**.weight', 'true'], rank: 4, scale: 1}
                """);
        Recipe recipe = RecipeLoader.load(file.toString(), List.of());
        assertEquals(List.of("on", "**.weight", "true"), recipe.variants().getFirst().options().get("target_modules"));
        assertEquals(4, recipe.variants().getFirst().options().get("rank"));
        Path written = directory.resolve("run/config.resolved.yaml");
        RecipeWriter.write(recipe, written);
        assertEquals(recipe, RecipeLoader.load(written.toString(), List.of()));
    }
}
