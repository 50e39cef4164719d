package dev.tune4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tune4j.model.bert.BertConfig;
import dev.tune4j.recipe.LoadedRecipe;
import dev.tune4j.recipe.RecipeLoader;
import dev.tune4j.recipe.RecipeWriter;
import dev.tune4j.recipe.VariantSpec;
import dev.tune4j.run.RecipeRunner;
import dev.tune4j.run.RunControl;
import dev.tune4j.run.TaskData;
import dev.tune4j.runfiles.CheckpointStore;
import dev.tune4j.runfiles.MetricKeys;
import dev.tune4j.runfiles.RunStatus;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exact resume, in this process, for every optimizer id and LoRA: a run of {@value #STEPS} steps stopped after
 * {@value #STOP} (as SIGTERM would stop it: a checkpoint, status interrupted) and resumed to the end leaves the same
 * weights, the same optimizer state and the same metrics lines (timings aside), bit for bit, as the run that went
 * straight through. The reference is the uninterrupted run, which never touches a checkpoint on its way. The model is
 * the project-made tiny BERT with dropout switched on (0.1), so the engine's random numbers matter after the resume,
 * and GaLore refreshes its projection every 3 steps (at steps 1 and 4), on each side of the stop. For the first
 * variant the newest checkpoint is cut short by one byte before the resume: it is refused, naming the file, and the
 * run resumes from the one before, to the same end.
 */
class ExactResumeTest {
    private static final int STEPS = 4;
    private static final int STOP = 3;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Metrics keys that measure time or memory of this process, not the training. */
    private static final Set<String> TIMINGS = Set.of(MetricKeys.ELAPSED_S, MetricKeys.STEP_MS, MetricKeys.FORWARD_MS,
            MetricKeys.BACKWARD_MS, MetricKeys.OPTIMIZER_MS, MetricKeys.GRAD_NORM_MS, MetricKeys.TOKENS_PER_S,
            MetricKeys.RSS_BYTES,
            MetricKeys.PEAK_RSS_BYTES, MetricKeys.HEAP_USED_BYTES, MetricKeys.HEAP_COMMITTED_BYTES, MetricKeys.CPU_S,
            MetricKeys.GPU_PROCESS_BYTES, MetricKeys.GPU_PROCESS_PEAK_BYTES, MetricKeys.GPU_DEVICE_USED_BYTES,
            MetricKeys.LOAD_1M, MetricKeys.GALORE_REFRESH_MS, MetricKeys.OTHER_CPU_MS);
    static final List<String> OPTIMIZER_IDS = List.of("adam", "adamw", "adam_engine", "adamw_engine", "soaa",
            "adam8bit", "adamw8bit", "galore", "galore_adamw", "galore_adam8bit", "galore_soaa");

    @TempDir
    Path work;

    @Test
    void everyOptimizerAndLoraResumesBitForBit() throws IOException {
        Path recipeFile = recipe(work);
        LoadedRecipe loaded = RecipeLoader.loadWithWarnings(recipeFile.toString(), List.of());
        TaskData data = TaskData.prepare(loaded.recipe(), new PrintWriter(Writer.nullWriter()));
        StringWriter log = new StringWriter();
        PrintWriter out = new PrintWriter(log);
        RecipeRunner straight = new RecipeRunner(loaded.recipe(), data, work.resolve("straight"), out);
        RecipeRunner resumed = new RecipeRunner(loaded.recipe(), data, work.resolve("resumed"), out);
        List<String> checked = new ArrayList<>();
        for (VariantSpec variant : loaded.recipe().variants()) {
            String config = RecipeWriter.toYaml(loaded.recipe().withOnly(variant.name(), 1));
            var plan = loaded.optimizer(variant);
            RecipeRunner.Outcome whole = straight.run(variant, plan, 1, config, RunControl.FRESH);
            assertEquals(RunStatus.COMPLETED, whole.status(), variant.name() + ": " + log);
            RecipeRunner.Outcome first = resumed.run(variant, plan, 1, config,
                    new RunControl(false, step -> step == STOP));
            assertEquals(RunStatus.INTERRUPTED, first.status(), variant.name());
            assertEquals(STOP, first.stepsCompleted(), variant.name());
            CheckpointStore store = new CheckpointStore(first.directory(), 2);
            long resumeStep = STOP;
            if (checked.isEmpty()) { // the first variant's newest checkpoint is cut short: resume falls back
                Path optimizerState = store.stepDirectory(STOP).resolve("optimizer/optimizer.safetensors");
                long size = Files.size(optimizerState);
                try (FileChannel channel = FileChannel.open(optimizerState, StandardOpenOption.WRITE)) {
                    channel.truncate(size - 1);
                }
                resumeStep = STOP - 1;
                String refusal = "refusing checkpoint " + store.stepDirectory(STOP) + ": " + optimizerState + ": "
                        + (size - 1) + " bytes, but the manifest says " + size + " (truncated)";
                String fallback = "falling back to the previous valid checkpoint " + store.stepDirectory(resumeStep);
                RecipeRunner.Outcome second = resumed.run(variant, plan, 1, config, RunControl.RESUME);
                assertTrue(log.toString().contains(refusal) && log.toString().contains(fallback), log.toString());
                assertEquals(RunStatus.COMPLETED, second.status(), variant.name() + ": " + log);
            } else {
                RecipeRunner.Outcome second = resumed.run(variant, plan, 1, config, RunControl.RESUME);
                assertEquals(RunStatus.COMPLETED, second.status(), variant.name() + ": " + log);
            }
            assertTrue(log.toString().contains("resuming from " + store.stepDirectory(resumeStep) + " (step "
                    + resumeStep + ")"), log.toString());
            log.getBuffer().setLength(0);
            assertSameRun(variant.name(), whole.directory(), first.directory());
            checked.add(variant.name());
        }
        assertEquals(OPTIMIZER_IDS.size() + 1, checked.size(), checked.toString());
    }

    /** The final checkpoint's weights and optimizer files, byte for byte, and the metrics lines without timings. */
    private static void assertSameRun(String variant, Path expected, Path actual) throws IOException {
        Path expectedCheckpoint = new CheckpointStore(expected, 2).stepDirectory(STEPS);
        Path actualCheckpoint = new CheckpointStore(actual, 2).stepDirectory(STEPS);
        List<Path> files = filesOf(expectedCheckpoint);
        assertTrue(files.stream().anyMatch(f -> f.toString().endsWith(".safetensors") && f.startsWith("optimizer")),
                files.toString());
        assertTrue(files.stream().anyMatch(f -> f.toString().endsWith(".safetensors")
                && (f.startsWith("model") || f.startsWith("adapter"))), files.toString());
        assertEquals(files, filesOf(actualCheckpoint), variant);
        for (Path file : files) {
            if (file.toString().equals("trainer_state.json") || file.toString().equals("manifest.json")) {
                continue; // they hold the training time, which differs (checked below: the manifest lists them)
            }
            assertArrayEquals(Files.readAllBytes(expectedCheckpoint.resolve(file)),
                    Files.readAllBytes(actualCheckpoint.resolve(file)), variant + ": " + file + " differs");
        }
        assertEquals(withoutTimings(expected.resolve(MetricKeys.METRICS_FILE)),
                withoutTimings(actual.resolve(MetricKeys.METRICS_FILE)), variant + ": metrics lines");
    }

    private static List<Path> filesOf(Path directory) throws IOException {
        try (Stream<Path> walk = Files.walk(directory)) {
            return walk.filter(Files::isRegularFile).map(directory::relativize).sorted().toList();
        }
    }

    private static List<String> withoutTimings(Path metrics) throws IOException {
        List<String> lines = new ArrayList<>();
        for (String text : Files.readAllLines(metrics)) {
            ObjectNode line = (ObjectNode) JSON.readTree(text);
            line.remove(TIMINGS);
            lines.add(line.toString());
        }
        assertEquals(STEPS + STEPS / 2, lines.size(), "a train line per step, an eval line every 2 steps: " + lines);
        return lines;
    }

    /**
     * The tiny BERT (dropout 0.1), 32 labelled rows, and one variant per optimizer id plus LoRA-AdamW, with a
     * checkpoint every 2 steps and an evaluation every 2 steps.
     */
    static Path recipe(Path work) throws IOException {
        return recipe(work, STEPS, 2);
    }

    /** {@link #recipe(Path)} with {@code steps} steps and an evaluation every {@code evalInterval} steps. */
    static Path recipe(Path work, int steps, int evalInterval) throws IOException {
        Path checkpoint = TinyBertCheckpoint.write(work.resolve("tiny-bert"), entries -> entries);
        BertConfig base = TinyBertCheckpoint.CONFIG;
        new BertConfig(base.vocabSize(), base.hiddenSize(), base.numHiddenLayers(), base.numAttentionHeads(),
                base.intermediateSize(), base.maxPositionEmbeddings(), base.typeVocabSize(), base.layerNormEps(), 0.1,
                0.1, base.padTokenId()).write(checkpoint);
        Path csv = TinyBertCheckpoint.csv(work.resolve("texts.csv"));
        StringBuilder variants = new StringBuilder();
        for (String id : OPTIMIZER_IDS) {
            String options = id.startsWith("galore") ? "{lr: 1.0e-3, rank: 2, update_proj_gap: 3}" : "{lr: 1.0e-3}";
            variants.append("  - {name: ").append(id).append(", optimizer: ").append(id).append(", options: ")
                    .append(options).append("}\n");
        }
        variants.append("  - {name: lora_adamw, optimizer: adamw, options: {lr: 1.0e-3}, lora: true}\n");
        return Files.writeString(work.resolve("resume.yaml"), """
                # test fixture written by ExactResumeTest
                name: exact-resume
                model: {source: %s}
                task: classification
                data: {source: csv, path: %s, eval_examples: 8}
                seeds: [1]
                steps: %d
                batch_size: 4
                max_sequence_length: 32
                eval_interval: %d
                checkpoint_every: 2
                keep_checkpoints: 2
                lora: {rank: 2, alpha: 4, dropout: 0.1, target_modules: [query, value], modules_to_save: [classifier]}
                variants:
                %s""".formatted(checkpoint, csv, steps, evalInterval, variants));
    }
}
