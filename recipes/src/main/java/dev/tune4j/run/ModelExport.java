package dev.tune4j.run;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import dev.tune4j.data.fetch.FetchProgress;
import dev.tune4j.io.Directories;
import dev.tune4j.lora.PeftAdapters;
import dev.tune4j.model.ModelConfig;
import dev.tune4j.model.llama.LlamaConfig;
import dev.tune4j.recipe.Recipe;
import dev.tune4j.recipe.RecipeLoader;
import dev.tune4j.recipe.VariantSpec;
import dev.tune4j.runfiles.MetricKeys;
import dev.tune4j.runfiles.RunLayout;
import dev.tune4j.task.PretrainedModel;
import dev.tune4j.tokenizer.TokenizerDirectory;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code tune4j export}: a run's or a checkpoint's saved model as a self-contained directory for Hugging Face or
 * tune4j. The source is a run directory or a checkpoint directory (holding {@value RunLayout#MODEL_DIR}/ or
 * {@value RunLayout#ADAPTER_DIR}/), or such a model or adapter directory itself.
 *
 * <ul>
 *   <li>A full model is copied file for file (so it evaluates bit for bit as the run did), with the tokenizer files
 *       and, for Llama, generation_config.json added where the source lacks them.
 *   <li>An adapter is copied as it is (adapter_config.json, adapter_model.safetensors), or with {@code merged} its
 *       update is folded into the base model: the run's model is rebuilt from its resolved recipe (base weights, the
 *       task head initialized with the run's seed, as the run did), the adapter loaded, and the merged weights
 *       written as a Hugging Face model directory.
 * </ul>
 *
 * The run's recipe ({@value MetricKeys#CONFIG_FILE} in the run directory, found from the source and up to three
 * parents) supplies the tokenizer and the base model; paths in it are relative to the directory the run started in.
 */
public final class ModelExport {
    private ModelExport() {}

    /**
     * Writes the export into {@code output}, which must not exist or be empty; it appears whole or not at all.
     *
     * @param merged fold a LoRA adapter into its base model
     * @param log what the export reads and writes
     * @return what was written: {@code model}, {@code adapter} or {@code merged}
     * @throws IllegalArgumentException naming the source when it holds no saved model, or {@code merged} for a
     *     full model
     */
    public static String export(Path source, Path output, boolean merged, PrintWriter log) throws IOException {
        if (!Files.isDirectory(source)) {
            throw new NoSuchFileException(source.toString(), null, "no run or checkpoint directory here");
        }
        Path model = firstDirectory(source.resolve(RunLayout.MODEL_DIR), source, "config.json");
        Path adapter = firstDirectory(source.resolve(RunLayout.ADAPTER_DIR), source, PeftAdapters.CONFIG);
        if (model == null && adapter == null) {
            throw new IllegalArgumentException(source + " holds no saved model: expected " + RunLayout.MODEL_DIR
                    + "/ (full fine-tuning) or " + RunLayout.ADAPTER_DIR + "/ (LoRA) in a run or checkpoint"
                    + " directory, or a model or adapter directory itself. A run with save: none keeps no model;"
                    + " run it again with save: final");
        }
        if (merged && adapter == null) {
            throw new IllegalArgumentException("--merged folds a LoRA adapter into its base model, but " + source
                    + " holds a full model (" + model + "); export it without --merged");
        }
        checkOutputFree(output);
        Path staging = Directories.staging(output.toAbsolutePath().normalize());
        String kind;
        if (model != null) {
            copyFiles(model, staging);
            completeModelDirectory(source, staging, log);
            kind = RunLayout.MODEL_DIR;
        } else if (!merged) {
            copyFiles(adapter, staging);
            kind = RunLayout.ADAPTER_DIR;
        } else {
            writeMerged(source, adapter, staging, log);
            kind = RunLayout.MERGED_DIR;
        }
        Directories.replace(staging, output.toAbsolutePath().normalize());
        log.println("tune4j: exported " + kind + " from " + source + " to " + output);
        log.flush();
        return kind;
    }

    private static Path firstDirectory(Path inside, Path itself, String marker) {
        if (Files.isRegularFile(inside.resolve(marker))) {
            return inside;
        }
        return Files.isRegularFile(itself.resolve(marker)) ? itself : null;
    }

    private static void checkOutputFree(Path output) throws IOException {
        if (!Files.exists(output)) {
            return;
        }
        if (!Files.isDirectory(output)) {
            throw new IllegalArgumentException("--output " + output + " is a file; name a new directory");
        }
        try (Stream<Path> entries = Files.list(output)) {
            if (entries.findAny().isPresent()) {
                throw new IllegalArgumentException("--output " + output + " is not empty; name a new directory or"
                        + " delete this one");
            }
        }
    }

    private static void copyFiles(Path from, Path to) throws IOException {
        try (Stream<Path> entries = Files.list(from)) {
            for (Path file : entries.filter(Files::isRegularFile).sorted().toList()) {
                Files.copy(file, to.resolve(file.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }

    /** Adds the tokenizer files and Llama's generation_config.json when the copied model lacks them. */
    private static void completeModelDirectory(Path source, Path staging, PrintWriter log) throws IOException {
        ModelConfig config = ModelConfig.read(staging);
        if (config instanceof LlamaConfig llama && !Files.exists(staging.resolve(LlamaConfig.GENERATION_CONFIG_FILE))) {
            ModelConfig.JSON.writerWithDefaultPrettyPrinter().writeValue(
                    staging.resolve(LlamaConfig.GENERATION_CONFIG_FILE).toFile(), llama.generationConfigJson());
        }
        List<String> tokenizerFiles = List.of(TokenizerDirectory.TOKENIZER_JSON, TokenizerDirectory.TOKENIZER_CONFIG,
                TokenizerDirectory.SPECIAL_TOKENS_MAP);
        if (tokenizerFiles.stream().allMatch(name -> Files.isRegularFile(staging.resolve(name)))) {
            return;
        }
        Path tokenizer = Files.isRegularFile(staging.resolve(TokenizerDirectory.TOKENIZER_JSON))
                ? staging.resolve(TokenizerDirectory.TOKENIZER_JSON)
                : TaskData.resolveModel(runRecipe(source), FetchProgress.lines(log, "tune4j: ")).tokenizer();
        TokenizerDirectory.write(tokenizer, config, staging);
    }

    private static void writeMerged(Path source, Path adapter, Path staging, PrintWriter log) throws IOException {
        Recipe recipe = runRecipe(source);
        if (recipe.variants().size() != 1 || recipe.seeds().size() != 1 || !recipe.variants().getFirst().lora()) {
            throw new IllegalArgumentException("the recipe of " + source + " is not one LoRA run (one variant with"
                    + " lora: true, one seed); export a run directory's adapter, or a checkpoint of one");
        }
        VariantSpec variant = recipe.variants().getFirst();
        TaskData data = TaskData.prepare(recipe, log);
        PretrainedModel base = data.model();
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(recipe.seeds().getFirst()); // the head starts as the run's did
            Block model = data.newModel(manager, variant);
            PeftAdapters.load(model, adapter);
            PeftAdapters.saveMerged(model, base.config(), staging);
        }
        TokenizerDirectory.write(base.tokenizer(), base.config(), staging);
    }

    /** The resolved recipe of the run that {@code source} belongs to. */
    static Recipe runRecipe(Path source) throws IOException {
        Path at = source.toAbsolutePath().normalize();
        for (int up = 0; up <= 3 && at != null; up++, at = at.getParent()) {
            Path file = at.resolve(MetricKeys.CONFIG_FILE);
            if (Files.isRegularFile(file)) {
                return RecipeLoader.load(file.toString(), List.of());
            }
        }
        throw new NoSuchFileException(source.toString(), null, "no " + MetricKeys.CONFIG_FILE + " in this directory"
                + " or its three parents: the export needs the run's recipe for the tokenizer and the base model;"
                + " export from inside a run directory");
    }
}
