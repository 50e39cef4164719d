package dev.tune4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tune4j.lora.Lora;
import dev.tune4j.recipe.Recipe;
import dev.tune4j.recipe.RecipeLoader;
import dev.tune4j.run.TaskData;
import dev.tune4j.runfiles.MetricKeys;
import dev.tune4j.task.TrainingTask;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real runs on the tiny BERT fixture save their model, {@code tune4j export} writes it out, and the exported model,
 * loaded back into tune4j, evaluates to the very eval_loss the run recorded (compared bit for bit).
 */
class SaveAndExportEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;

    @Test
    void bestWeightsAreSavedExportedAndEvaluateToTheRecordedBestLoss() throws IOException {
        Path recipe = fixtureRecipe("full.yaml", text -> text);
        Path out = work.resolve("runs");
        CliRun run = CliRun.of("run", recipe.toString(), "output_dir=" + out, "steps=4", "eval_interval=1",
                "save=best");
        assertEquals(0, run.exitCode(), run.err());
        Path runDirectory = out.resolve("adamw/seed-1");
        List<JsonNode> evals = evalLines(runDirectory);
        JsonNode best = evals.getFirst();
        for (JsonNode line : evals) {
            if (line.get(TrainingTask.EVAL_LOSS).asDouble() < best.get(TrainingTask.EVAL_LOSS).asDouble()) {
                best = line;
            }
        }
        JsonNode saved = JSON.readTree(runDirectory.resolve(MetricKeys.SUMMARY_FILE).toFile()).get("saved");
        assertEquals("best", saved.get("mode").asText(), saved.toString());
        assertEquals(best.get(MetricKeys.STEP).asLong(), saved.get("step").asLong(), saved.toString());
        double recorded = best.get(TrainingTask.EVAL_LOSS).asDouble();
        assertEquals(recorded, saved.get(TrainingTask.EVAL_LOSS).asDouble(), 0.0);
        for (String file : List.of("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json",
                "special_tokens_map.json")) {
            assertTrue(Files.isRegularFile(runDirectory.resolve("model").resolve(file)), file);
        }

        Path exported = work.resolve("exported");
        CliRun export = CliRun.of("export", runDirectory.toString(), "--output", exported.toString());
        assertEquals(0, export.exitCode(), export.err());
        assertSameFiles(runDirectory.resolve("model"), exported);

        // a checkpoint directory in the checkpoint layout (<run>/checkpoints/step-N/model/, weights and config only):
        // the export adds the tokenizer files from the run's recipe
        Path checkpointModel = Files.createDirectories(runDirectory.resolve("checkpoints/step-000004/model"));
        for (String file : List.of("config.json", "model.safetensors")) {
            Files.copy(runDirectory.resolve("model").resolve(file), checkpointModel.resolve(file));
        }
        Path fromCheckpoint = work.resolve("from-checkpoint");
        CliRun checkpointExport = CliRun.of("export", checkpointModel.getParent().toString(), "--output",
                fromCheckpoint.toString());
        assertEquals(0, checkpointExport.exitCode(), checkpointExport.err());
        assertSameFiles(runDirectory.resolve("model"), fromCheckpoint);

        Recipe reload = RecipeLoader.load(recipe.toString(), List.of("model.source=" + exported));
        assertBitEqual(recorded, evaluate(reload, model -> model));

        CliRun again = CliRun.of("export", runDirectory.toString(), "--output", exported.toString(), "--merged");
        assertEquals(2, again.exitCode(), again.out());
        assertTrue(again.err().contains("holds a full model"), again.err());
    }

    @Test
    void loraRunSavesAdapterAndMergedModelThatExportAndLoadBackExactly() throws IOException {
        Path recipe = fixtureRecipe("lora.yaml", text -> text.replace(
                "  - {name: adamw, optimizer: adamw, options: {lr: 1.0e-3}}",
                "  - {name: lora, optimizer: adamw, options: {lr: 1.0e-2}, lora: true}\n"
                        + "lora: {rank: 2, alpha: 4, target_modules: [query, value], modules_to_save: [classifier]}\n"
                        + "save_merged: true"));
        Path out = work.resolve("runs");
        CliRun run = CliRun.of("run", recipe.toString(), "output_dir=" + out, "steps=2");
        assertEquals(0, run.exitCode(), run.err());
        Path runDirectory = out.resolve("lora/seed-1");
        double recorded = evalLines(runDirectory).getLast().get(TrainingTask.EVAL_LOSS).asDouble();
        JsonNode saved = JSON.readTree(runDirectory.resolve(MetricKeys.SUMMARY_FILE).toFile()).get("saved");
        assertEquals("final", saved.get("mode").asText(), saved.toString());
        assertEquals("adapter", saved.get("directory").asText(), saved.toString());
        assertEquals(2, saved.get("step").asLong(), saved.toString());

        Path adapter = work.resolve("adapter");
        assertEquals(0, CliRun.of("export", runDirectory.toString(), "--output", adapter.toString()).exitCode());
        assertSameFiles(runDirectory.resolve("adapter"), adapter);
        Path merged = work.resolve("merged");
        CliRun mergedExport = CliRun.of("export", runDirectory.toString(), "--output", merged.toString(), "--merged");
        assertEquals(0, mergedExport.exitCode(), mergedExport.err());
        // rebuilt from the recipe, the merge writes exactly what the run wrote from its model in memory
        assertArrayEquals(Files.readAllBytes(runDirectory.resolve("merged/model.safetensors")),
                Files.readAllBytes(merged.resolve("model.safetensors")));

        // lora.from starts a model from the exported adapter: it evaluates to the loss the run recorded, and merged
        // in memory to the loss of the merged export loaded as a full model
        Path fromRecipe = Files.writeString(work.resolve("from.yaml"), Files.readString(recipe).replace(
                "lora: {rank: 2, alpha: 4, target_modules: [query, value], modules_to_save: [classifier]}",
                "lora: {from: " + adapter + "}").replace("save_merged: true", ""));
        Recipe from = RecipeLoader.load(fromRecipe.toString(), List.of());
        assertBitEqual(recorded, evaluate(from, model -> model));
        double mergedInMemory = evaluate(from, model -> {
            Lora.merge(model);
            return model;
        });
        Recipe full = RecipeLoader.load(fixtureRecipe("full.yaml", text -> text).toString(),
                List.of("model.source=" + merged));
        assertBitEqual(mergedInMemory, evaluate(full, model -> model));
    }

    /** The tiny BERT checkpoint, its texts and a one-variant recipe on them, changed by {@code change}. */
    private Path fixtureRecipe(String name, UnaryOperator<String> change) throws IOException {
        Path checkpoint = work.resolve("tiny-bert");
        if (!Files.exists(checkpoint)) {
            TinyBertCheckpoint.write(checkpoint, entries -> entries);
            TinyBertCheckpoint.csv(work.resolve("texts.csv"));
        }
        Path recipe = TinyBertCheckpoint.recipe(work.resolve(name), checkpoint, work.resolve("texts.csv"));
        return Files.writeString(recipe, change.apply(Files.readString(recipe)));
    }

    /** eval_loss of a fresh model of the recipe's first variant (after {@code prepare}), seeded as a run is. */
    private static double evaluate(Recipe recipe, UnaryOperator<Block> prepare) throws IOException {
        TaskData data = TaskData.prepare(recipe, new PrintWriter(Writer.nullWriter()));
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(recipe.seeds().getFirst());
            Block model = prepare.apply(data.newModel(manager, recipe.variants().getFirst()));
            return data.evaluate(model, manager).get(TrainingTask.EVAL_LOSS);
        }
    }

    private static List<JsonNode> evalLines(Path runDirectory) throws IOException {
        List<JsonNode> evals = new ArrayList<>();
        for (String text : Files.readAllLines(runDirectory.resolve(MetricKeys.METRICS_FILE))) {
            JsonNode line = JSON.readTree(text);
            if (line.get(MetricKeys.TYPE).asText().equals(MetricKeys.TYPE_EVAL)) {
                evals.add(line);
            }
        }
        assertTrue(!evals.isEmpty(), "no eval line in " + runDirectory);
        return evals;
    }

    private static void assertSameFiles(Path expected, Path actual) throws IOException {
        try (var files = Files.list(expected)) {
            for (Path file : files.toList()) {
                assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(actual.resolve(file.getFileName())),
                        file.getFileName().toString());
            }
        }
        try (var a = Files.list(expected); var b = Files.list(actual)) {
            assertEquals(a.count(), b.count(), "files in " + actual);
        }
    }

    private static void assertBitEqual(double expected, double actual) {
        assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(actual),
                "expected eval_loss " + expected + ", got " + actual);
    }
}
