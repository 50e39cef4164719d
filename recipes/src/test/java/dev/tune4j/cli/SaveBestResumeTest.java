package dev.tune4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tune4j.recipe.LoadedRecipe;
import dev.tune4j.recipe.Recipe;
import dev.tune4j.recipe.RecipeLoader;
import dev.tune4j.recipe.RecipeWriter;
import dev.tune4j.recipe.VariantSpec;
import dev.tune4j.run.RecipeRunner;
import dev.tune4j.run.RunControl;
import dev.tune4j.run.TaskData;
import dev.tune4j.runfiles.MetricKeys;
import dev.tune4j.runfiles.RunLayout;
import dev.tune4j.runfiles.RunStatus;
import dev.tune4j.task.TrainingTask;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code save: best} across a stop and a resume, in this process, on {@link ExactResumeTest}'s tiny BERT (dropout
 * on): a run of {@value #STEPS} steps with an evaluation after every step, stopped right after the step whose
 * evaluation turns out best and resumed, saves the same model as the run that went straight through: the same step
 * and eval_loss in summary.json (bit for bit) and the same files, byte for byte. The learning rates (0.3, LoRA 3.0)
 * are high enough that the best evaluation comes before the last step (asserted), so the saved model is the one the
 * first process wrote, which the resumed process must recognise as still the best (from the eval lines its metrics
 * file kept) and neither overwrite with a worse one nor report as unsaved.
 */
class SaveBestResumeTest {
    private static final int STEPS = 6;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;

    @Test
    void aResumedRunKeepsTheBestModelItsFirstProcessSaved() throws IOException {
        Path recipeFile = ExactResumeTest.recipe(work, STEPS, 1);
        Files.writeString(recipeFile, Files.readString(recipeFile)
                .replace("options: {lr: 1.0e-3}, lora: true", "options: {lr: 3.0}, lora: true")
                .replace("{lr: 1.0e-3}", "{lr: 0.3}") + "save: best\n");
        LoadedRecipe loaded = RecipeLoader.loadWithWarnings(recipeFile.toString(), List.of());
        StringWriter log = new StringWriter();
        PrintWriter out = new PrintWriter(log);
        TaskData data = TaskData.prepare(loaded.recipe(), new PrintWriter(Writer.nullWriter()));
        RecipeRunner straight = new RecipeRunner(loaded.recipe(), data, work.resolve("straight"), out);
        RecipeRunner resumed = new RecipeRunner(loaded.recipe(), data, work.resolve("resumed"), out);
        for (String name : List.of("adamw", "lora_adamw")) {
            VariantSpec variant = loaded.recipe().variant(name).orElseThrow();
            Recipe only = loaded.recipe().withOnly(name, 1);
            String config = RecipeWriter.toYaml(only);
            var plan = loaded.optimizer(variant);
            RecipeRunner.Outcome whole = straight.run(variant, plan, 1, config, RunControl.FRESH);
            assertEquals(RunStatus.COMPLETED, whole.status(), name + ": " + log);
            JsonNode expected = saved(whole.directory());
            long best = expected.get("step").asLong();
            assertTrue(best < STEPS, name + ": the best eval must come before the last step for this test to check"
                    + " the kept model; the straight run saved " + expected);
            RecipeRunner.Outcome first = resumed.run(variant, plan, 1, config,
                    new RunControl(false, step -> step == best));
            assertEquals(RunStatus.INTERRUPTED, first.status(), name + ": " + log);
            RecipeRunner.Outcome second = resumed.run(variant, plan, 1, config, RunControl.RESUME);
            assertEquals(RunStatus.COMPLETED, second.status(), name + ": " + log);

            JsonNode actual = saved(second.directory());
            assertEquals("best", actual.get("mode").asText(), actual.toString());
            assertEquals(expected.get("directory").asText(), actual.get("directory").asText(), name);
            assertEquals(expected.get("step").asLong(), actual.get("step").asLong(), name + ": " + actual);
            assertEquals(Double.doubleToRawLongBits(expected.get(TrainingTask.EVAL_LOSS).asDouble()),
                    Double.doubleToRawLongBits(actual.get(TrainingTask.EVAL_LOSS).asDouble()),
                    name + ": " + expected + " vs " + actual);
            assertEquals(expected.get("bytes").asLong(), actual.get("bytes").asLong(), name);
            String directory = name.startsWith("lora") ? RunLayout.ADAPTER_DIR : RunLayout.MODEL_DIR;
            assertSameFiles(whole.directory().resolve(directory), second.directory().resolve(directory));
        }
    }

    private static JsonNode saved(Path runDirectory) throws IOException {
        return JSON.readTree(runDirectory.resolve(MetricKeys.SUMMARY_FILE).toFile()).get("saved");
    }

    private static void assertSameFiles(Path expected, Path actual) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.list(expected)) {
            files = walk.map(expected::relativize).sorted().toList();
        }
        try (Stream<Path> walk = Files.list(actual)) {
            assertEquals(files, walk.map(actual::relativize).sorted().toList(), actual.toString());
        }
        assertTrue(!files.isEmpty(), "nothing saved in " + expected);
        for (Path file : files) {
            assertArrayEquals(Files.readAllBytes(expected.resolve(file)), Files.readAllBytes(actual.resolve(file)),
                    actual.resolve(file) + " differs from the uninterrupted run's");
        }
    }
}
