package dev.tune4j.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tune4j.recipe.Recipe;
import dev.tune4j.recipe.RecipeLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The order a comparison's runs go in: seed by seed, every variant within a seed, in the recipe's orders. */
class ComparisonScheduleTest {
    /** A project-written fixture recipe; seeds deliberately not sorted, so the recipe's order is what is checked. */
    private static final String RECIPE = """
            # test fixture written by ComparisonScheduleTest
            name: schedule-order
            model:
              source: tiny_llama
              tiny: {hidden_size: 32, layers: 1, heads: 2, key_value_heads: 1, intermediate_size: 64}
            task: causal_lm
            data: {source: moby-dick, train_tokens: 4000, eval_tokens: 640}
            seeds: [7, 1, 4]
            steps: 2
            variants:
              - {name: soaa, optimizer: soaa}
              - {name: adamw, optimizer: adamw}
              - {name: adam, optimizer: adam}
            """;

    @Test
    void everyVariantRunsWithOneSeedBeforeAnyRunsWithTheNext(@TempDir Path directory) throws IOException {
        Path file = directory.resolve("schedule.yaml");
        Files.writeString(file, RECIPE);
        Recipe recipe = RecipeLoader.load(file.toString(), List.of());
        List<String> order = ComparisonRunner.schedule(recipe).stream()
                .map(run -> run.variant().name() + "/" + run.seed()).toList();
        assertEquals(List.of("soaa/7", "adamw/7", "adam/7", "soaa/1", "adamw/1", "adam/1", "soaa/4", "adamw/4",
                "adam/4"), order);
    }
}
