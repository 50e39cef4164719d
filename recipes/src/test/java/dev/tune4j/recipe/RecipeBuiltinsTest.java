package dev.tune4j.recipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tune4j.optim.Optimizers;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class RecipeBuiltinsTest {

    static List<String> builtins() {
        return BuiltinRecipes.names();
    }

    @ParameterizedTest
    @MethodSource("builtins")
    void everyBuiltinValidatesAndIsNamedAfterItsFile(String name) throws IOException {
        LoadedRecipe loaded = RecipeLoader.loadWithWarnings(name, List.of());
        assertEquals(name, loaded.recipe().name());
        assertEquals(name, loaded.source());
        assertEquals("runs/" + name, loaded.recipe().outputDir());
        assertTrue(loaded.recipe().description() != null && !loaded.recipe().description().isBlank());
    }

    @ParameterizedTest
    @MethodSource("builtins")
    void everyBuiltinHeaderGivesTheCommandThatRunsIt(String name) {
        String text = BuiltinRecipes.text(name);
        assertTrue(text.startsWith("# " + name + ": "), text.lines().findFirst().orElse(""));
        assertTrue(text.contains("./tune4j compare " + name + "\n") || text.contains("./tune4j compare " + name + " "),
                "header of " + name + " lacks its compare command");
        assertTrue(text.contains("./tune4j validate " + name), name);
    }

    @ParameterizedTest
    @MethodSource("builtins")
    void resolvedYamlOfEveryBuiltinLoadsBackToAnEqualRecipe(String name) throws IOException {
        Recipe recipe = RecipeLoader.load(name, List.of());
        String resolved = RecipeWriter.toYaml(recipe);
        Recipe again = RecipeLoader.fromText(resolved, "config.resolved.yaml", "config.resolved.yaml", List.of())
                .recipe();
        assertEquals(recipe, again, resolved);
    }

    @Test
    void everyRecipeResourceIsListedAsABuiltin() throws IOException, URISyntaxException {
        Path directory = Path.of(BuiltinRecipes.class.getResource("/dev/tune4j/recipes").toURI());
        try (Stream<Path> files = Files.list(directory)) {
            assertEquals(BuiltinRecipes.names().stream().filter(name -> BuiltinRecipes.shortened(name).isEmpty())
                    .sorted().toList(), files
                    .map(file -> file.getFileName().toString().replaceFirst("\\.yaml$", ""))
                    .sorted()
                    .toList());
        }
    }

    @Test
    void gpuRecipesWarnAboutTheUsersFilesTheyPointAt() throws IOException {
        LoadedRecipe loaded = RecipeLoader.loadWithWarnings("llama2-7b-lora-triviaqa", List.of());
        List<String> warnedPaths = loaded.warnings().stream().map(RecipeProblem::path)
                .filter(path -> !path.startsWith("variants")).toList();
        assertEquals(List.of("model.source", "data.path", "data.evidence_path", "device"), warnedPaths);
        assertEquals("llama2-7b-lora-triviaqa.yaml:28:9 device: warning: gpu: tune4j has not been run on a GPU yet;"
                + " on a GPU every optimizer takes its engine-op path, which is tested on CPU only, and GPU memory is"
                + " read through NVML untested: run scripts/gpu-check.sh on this machine first (README, 'GPU')",
                loaded.warnings().stream().filter(problem -> problem.path().equals("device")).findFirst()
                        .orElseThrow().toString());
        assertTrue(loaded.warnings().getFirst().toString().startsWith(
                "llama2-7b-lora-triviaqa.yaml:20:11 model.source: warning: no such checkpoint directory"
                        + " 'checkpoints/Llama-2-7b-hf'"), loaded.warnings().getFirst().toString());
    }

    @Test
    void cpuRecipesHaveNoWarnings() throws IOException {
        for (String name : List.of("bert-spam-optimizers", "bert-spam-optimizers-quick", "llama-mobydick-optimizers",
                "llama-mobydick-optimizers-quick")) {
            assertEquals(List.of(), RecipeLoader.loadWithWarnings(name, List.of()).warnings(), name);
        }
    }

    @Test
    void aQuickBuiltinIsItsBaseWithItsOverridesAndItsCopyLoadsBackEqual() throws IOException {
        for (String quick : List.of("bert-spam-optimizers-quick", "llama-mobydick-optimizers-quick")) {
            BuiltinRecipes.Shortened shortened = BuiltinRecipes.shortened(quick).orElseThrow();
            Recipe base = RecipeLoader.load(shortened.base(), List.of());
            Recipe recipe = RecipeLoader.load(quick, List.of());
            assertEquals(base.variants(), recipe.variants(), quick);
            assertEquals(base.model(), recipe.model(), quick);
            assertEquals(TuneSpec.OFF, recipe.tune(), quick);
            assertEquals(List.of(1, 2), recipe.seeds(), quick);
            assertTrue(recipe.steps() < base.steps(), quick);
            assertEquals(recipe, RecipeLoader.fromText(BuiltinRecipes.text(quick), "copy.yaml", "copy.yaml", List.of())
                    .recipe(), quick);
            assertEquals(8, RecipeLoader.load(quick, List.of("steps=8")).steps(), "the user's overrides come last");
        }
    }

    /**
     * On a GPU only optimizers with an engine-op path can update the weights: every variant whose optimizer declares
     * none ({@code updatesGpuTensors()} false) is warned about, by name. Every optimizer of the GPU recipes has one
     * today, so none is warned about.
     */
    @Test
    void gpuRecipesHaveNoVariantThatCannotUpdateGpuTensors() throws IOException {
        for (String name : List.of("llama2-7b-lora-triviaqa", "bert-base-imdb", "bert-base-squad")) {
            LoadedRecipe loaded = RecipeLoader.loadWithWarnings(name, List.of());
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < loaded.recipe().variants().size(); i++) {
                if (!Optimizers.factory(loaded.recipe().variants().get(i).optimizer()).updatesGpuTensors()) {
                    expected.add("variants[" + i + "].optimizer");
                }
            }
            List<RecipeProblem> warned = loaded.warnings().stream()
                    .filter(problem -> problem.path().startsWith("variants")).toList();
            assertEquals(expected, warned.stream().map(RecipeProblem::path).toList(), name);
            assertEquals(List.of(), expected, name + ": every variant's optimizer has an engine-op path");
            warned.forEach(problem -> assertTrue(problem.toString().contains("has no engine-op path: its Java kernels"
                    + " update CPU memory only, so it stops at the first step on a GPU"),
                    problem.toString()));
        }
    }
}
