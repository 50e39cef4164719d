package dev.tune4j.recipe;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tune4j.testing.FuzzInputs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzzes the recipe loader. The input, split at zero bytes, is up to three {@code key=value} overrides and then the
 * recipe file. {@link RecipeLoader#load} may only refuse with a {@link RecipeException} listing its problems, a
 * {@link RecipeArgumentException} (a malformed override) or an {@link IOException} (the file), each saying why; a
 * recipe it accepts writes itself as YAML ({@link RecipeWriter}) that loads back to an equal recipe.
 */
class RecipeLoaderFuzzTest {
    @FuzzTest(maxDuration = "15s")
    void loadWithOverrides(byte[] input) throws IOException {
        Path directory = FuzzInputs.freshDirectory("recipe");
        List<byte[]> parts = FuzzInputs.parts(input, 4);
        List<String> overrides = new ArrayList<>();
        for (byte[] override : parts.subList(0, 3)) {
            if (override.length > 0) {
                overrides.add(new String(override, StandardCharsets.UTF_8));
            }
        }
        Path file = Files.write(directory.resolve("fuzz.yaml"), parts.get(3));
        Recipe recipe;
        try {
            recipe = RecipeLoader.load(file.toString(), overrides);
        } catch (RecipeException refused) {
            if (refused.errors().isEmpty()) {
                throw new AssertionError("a RecipeException without errors", refused);
            }
            return;
        } catch (RecipeArgumentException | IOException refused) {
            FuzzInputs.assertExplained(refused);
            return;
        }
        Path resolved = Files.writeString(directory.resolve("resolved.yaml"), RecipeWriter.toYaml(recipe));
        Recipe again = RecipeLoader.load(resolved.toString(), List.of());
        if (!again.equals(recipe)) {
            throw new AssertionError(recipe + " wrote itself as\n" + RecipeWriter.toYaml(recipe) + "read back as "
                    + again);
        }
    }
}
