package dev.tune4j.recipe;

import dev.tune4j.engine.ComputeDevice;
import dev.tune4j.io.Spelled;
import dev.tune4j.lora.PeftAdapters;
import dev.tune4j.model.ModelConfig;
import dev.tune4j.model.bert.BertForSequenceClassification;
import dev.tune4j.optim.OptimizerPlan;
import dev.tune4j.task.ExampleSource;
import dev.tune4j.task.Task;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rules a bound recipe must follow beyond its types: ranges, one of steps/epochs, unique names, registered
 * optimizers with valid options, LoRA blocks that are used, and model, task and data that fit together. Every broken
 * rule becomes an error at the key it concerns; values that already failed to bind are skipped. Files the recipe
 * names but this machine lacks are warnings, not errors (GPU recipes point at the user's own checkpoints).
 */
final class RecipeValidator {
    /** The keys whose file or folder this machine may lack: a warning at one of them means the file is missing. */
    static final Set<String> FILE_KEYS = Set.of("model.source", "model.tokenizer", "data.path", "data.eval_path",
            "data.evidence_path", "lora.from");
    /** The lora keys an adapter in {@code lora.from} decides. */
    private static final List<String> ADAPTER_DECIDES = List.of("rank", "alpha", "dropout", "target_modules",
            "modules_to_save");
    /** A single directory name: letters, digits, '.', '_', '-', not starting with '.' or '-'. */
    private static final Pattern DIRECTORY_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]*");
    /** A variant name: a directory name that may also hold '=', as tuning trials are named ({@code lr=0.001}). */
    private static final Pattern VARIANT_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._=-]*");

    /** What every recipe with {@code device: gpu} is told, since no GPU run has been checked yet. */
    static final String UNVERIFIED_GPU = "gpu: tune4j has not been run on a GPU yet; on a GPU every optimizer takes"
            + " its engine-op path, which is tested on CPU only, and GPU memory is read through NVML untested: run"
            + " scripts/gpu-check.sh on this machine first (README, 'GPU')";

    private final Recipe recipe;
    private final KeyLocations locations;
    private final ProblemCollector problems;
    private final VariantOptimizerChecks optimizerChecks;

    private RecipeValidator(Recipe recipe, KeyLocations locations, ProblemCollector problems) {
        this.recipe = recipe;
        this.locations = locations;
        this.problems = problems;
        this.optimizerChecks = new VariantOptimizerChecks(recipe, locations, problems);
    }

    /**
     * Checks {@code recipe} (possibly with placeholders where binding failed) and reports to {@code problems}.
     *
     * @return the checked optimizer plans of the variants whose optimizer settings passed
     */
    static Map<VariantSpec, OptimizerPlan<?>> validate(Recipe recipe, KeyLocations locations,
            ProblemCollector problems) {
        RecipeValidator validator = new RecipeValidator(recipe, locations, problems);
        validator.top();
        validator.schedule();
        if (recipe.model() != null) {
            validator.model(recipe.model());
        }
        if (recipe.data() != null) {
            validator.data(recipe.data());
        }
        validator.lora();
        validator.variants();
        validator.saving();
        new TuneChecks(recipe, locations, problems, validator.optimizerChecks.plans()).check();
        return validator.optimizerChecks.plans();
    }

    // ---- top level -------------------------------------------------------------------------------------------

    private void top() {
        if (recipe.name() != null && !DIRECTORY_NAME.matcher(recipe.name()).matches()) {
            error("name", "must be usable as a directory name (letters, digits, '.', '_', '-'), found '"
                    + recipe.name() + "'");
        }
        if (!locations.failed("steps") && !locations.failed("epochs")) {
            if (recipe.steps() == null && recipe.epochs() == null) {
                error("", "set one of steps and epochs");
            } else if (recipe.steps() != null && recipe.epochs() != null) {
                error("epochs", "set either steps or epochs, not both");
            }
        }
        positive("steps", recipe.steps());
        positive("epochs", recipe.epochs());
        seeds();
        positive("batch_size", recipe.batchSize());
        positive("gradient_accumulation", recipe.gradientAccumulation());
        positive("max_sequence_length", recipe.maxSequenceLength());
        atLeastZero("eval_interval", recipe.evalInterval());
        atLeastZero("throughput_warmup_steps", recipe.throughputWarmupSteps());
        atLeastZero("checkpoint_every", recipe.checkpointEvery());
        positive("keep_checkpoints", recipe.keepCheckpoints());
        if (!locations.failed("gradient_clipping")
                && !(recipe.gradientClipping() >= 0 && Double.isFinite(recipe.gradientClipping()))) {
            error("gradient_clipping", "must be a finite number >= 0 (0 disables clipping), found "
                    + recipe.gradientClipping());
        }
        if (recipe.targetLoss() != null && !Double.isFinite(recipe.targetLoss())) {
            error("target_loss", "must be a finite number, found " + recipe.targetLoss());
        }
        if (recipe.outputDir() != null && recipe.outputDir().isBlank()) {
            error("output_dir", "must not be blank");
        }
        oneOf("device", recipe.device(), ComputeDevice.class);
        if (ComputeDevice.named(recipe.device()).orElse(null) == ComputeDevice.GPU) {
            warning("device", UNVERIFIED_GPU);
        }
    }

    private void seeds() {
        List<Integer> seeds = recipe.seeds();
        if (seeds == null || locations.failed("seeds")) {
            return;
        }
        if (seeds.isEmpty()) {
            error("seeds", "needs at least one seed");
        }
        Map<Integer, Integer> firstIndex = new HashMap<>();
        for (int i = 0; i < seeds.size(); i++) {
            Integer seed = seeds.get(i);
            Integer first = seed == null ? null : firstIndex.putIfAbsent(seed, i);
            if (first != null) {
                error(KeyLocations.item("seeds", i), "seed " + seed + " is listed twice (also seeds[" + first + "])");
            }
        }
    }

    private void schedule() {
        ScheduleSpec schedule = recipe.schedule();
        if (schedule == null) {
            return;
        }
        atLeastZero("schedule.warmup_steps", schedule.warmupSteps());
        if (!locations.failed("schedule.min_lr_ratio") && !(schedule.minLrRatio() >= 0 && schedule.minLrRatio() <= 1)) {
            error("schedule.min_lr_ratio", "must be in [0, 1], found " + schedule.minLrRatio());
        }
        if (recipe.steps() != null && recipe.steps() > 0 && schedule.warmupSteps() >= recipe.steps()
                && !locations.failed("schedule.warmup_steps")) {
            // a smoke run with steps=2 is still worth running, so this is no error
            warning("schedule.warmup_steps", schedule.warmupSteps() + " >= steps (" + recipe.steps()
                    + "): the learning rate never reaches its full value");
        }
    }

    // ---- model, task, data -------------------------------------------------------------------------------------

    private void model(ModelSpec model) {
        oneOf("model.pooling", model.pooling(), BertForSequenceClassification.Pooling.class);
        String source = model.source();
        if (source == null) {
            return;
        }
        BuiltinModel builtin = BuiltinModel.named(source).orElse(null);
        if (model.tiny() != null && builtin != BuiltinModel.TINY_LLAMA) {
            error("model.tiny", "only a tiny_llama model takes a tiny shape; model.source is '" + source + "'");
        }
        if (builtin == BuiltinModel.TINY_LLAMA) {
            if (model.tiny() == null) {
                error("model", "model.source tiny_llama needs model.tiny (write 'tiny: {}' for the default shape)");
            } else {
                tiny(model.tiny());
            }
        }
        if (model.tokenizer() != null) {
            warnIfMissing("model.tokenizer", model.tokenizer());
        }
        Task task = recipe.task();
        if (task == null) {
            return;
        }
        String family = builtin != null ? builtin.modelType() : checkpointModelType(source);
        if (family == null) {
            return;
        }
        boolean fits = family.equals("llama") ? task == Task.CAUSAL_LM : task != Task.CAUSAL_LM;
        if (!fits) {
            error("task", "a " + family + " model (" + source + ") cannot be trained for " + task.spelling()
                    + (family.equals("llama") ? "; use causal_lm" : "; use classification or question_answering"));
        }
    }

    /** model_type of a checkpoint directory's config.json; null (after a warning, if missing) when unknown. */
    private String checkpointModelType(String source) {
        Path directory = Path.of(source);
        if (!Files.exists(directory)) {
            warning("model.source", "no such checkpoint directory '" + source + "' here (" + absolute(directory)
                    + "); the run needs it");
            return null;
        }
        Path config = directory.resolve("config.json");
        if (!Files.isDirectory(directory) || !Files.isRegularFile(config)) {
            return null;
        }
        try {
            return ModelConfig.read(directory).modelType();
        } catch (IOException | IllegalArgumentException e) {
            error("model.source", "cannot read the checkpoint's config.json: " + e.getMessage());
            return null;
        }
    }

    private void tiny(TinyLlamaSpec tiny) {
        positive("model.tiny.hidden_size", tiny.hiddenSize());
        positive("model.tiny.layers", tiny.layers());
        positive("model.tiny.heads", tiny.heads());
        positive("model.tiny.key_value_heads", tiny.keyValueHeads());
        positive("model.tiny.intermediate_size", tiny.intermediateSize());
        if (tiny.heads() > 0 && tiny.hiddenSize() % tiny.heads() != 0) {
            error("model.tiny.heads", "must divide hidden_size (" + tiny.hiddenSize() + "), found " + tiny.heads());
        }
        if (tiny.keyValueHeads() > 0 && tiny.heads() % tiny.keyValueHeads() != 0) {
            error("model.tiny.key_value_heads", "must divide heads (" + tiny.heads() + "), found "
                    + tiny.keyValueHeads());
        }
    }

    private void data(DataSpec data) {
        String source = data.source();
        if (source != null) {
            ExampleSource named = ExampleSource.named(source).orElse(null);
            List<String> known = Spelled.spellings(ExampleSource.class);
            if (named == null) {
                error("data.source", "unknown data source '" + source + "'" + DidYouMean.closest(source, known)
                        .map(match -> " (did you mean '" + match + "'?)").orElse("") + "; known: "
                        + String.join(", ", known));
            } else if (recipe.task() != null && named.task() != recipe.task()) {
                error("data.source", "'" + source + "' is data for " + named.task().spelling() + ", but task is "
                        + recipe.task().spelling());
            }
            if (named != null && named.readsUserFiles() && data.path() == null && !locations.failed("data.path")) {
                error("data.path", "data source '" + source + "' reads your files: set data.path");
            }
            if (named == ExampleSource.TRIVIAQA && data.evidencePath() == null
                    && !locations.failed("data.evidence_path")) {
                error("data.evidence_path", "triviaqa needs the folder holding evidence/wikipedia and evidence/web");
            }
        }
        warnIfMissing("data.path", data.path());
        warnIfMissing("data.eval_path", data.evalPath());
        warnIfMissing("data.evidence_path", data.evidencePath());
        positive("data.train_examples", data.trainExamples());
        positive("data.eval_examples", data.evalExamples());
        positive("data.train_tokens", data.trainTokens());
        positive("data.eval_tokens", data.evalTokens());
        if (!locations.failed("data.eval_fraction") && !(data.evalFraction() > 0 && data.evalFraction() < 1)) {
            error("data.eval_fraction", "must be in (0, 1), found " + data.evalFraction());
        }
    }

    // ---- LoRA and variants -----------------------------------------------------------------------------------

    private void lora() {
        LoraSpec lora = recipe.lora();
        if (lora == null) {
            return;
        }
        positive("lora.rank", lora.rank());
        if (!locations.failed("lora.alpha") && !(lora.alpha() > 0 && Double.isFinite(lora.alpha()))) {
            error("lora.alpha", "must be a finite number > 0, found " + lora.alpha());
        }
        if (!locations.failed("lora.dropout") && !(lora.dropout() >= 0 && lora.dropout() < 1)) {
            error("lora.dropout", "must be in [0, 1), found " + lora.dropout());
        }
        if (lora.targetModules() != null && lora.targetModules().isEmpty()) {
            error("lora.target_modules", "needs at least one module name (e.g. q_proj, query)");
        }
        if (lora.from() == null && lora.targetModules() == null && !locations.failed("lora.target_modules")) {
            error("lora.target_modules", "missing required key: list the modules to adapt (e.g. [q_proj, v_proj]),"
                    + " or set lora.from to start from an adapter");
        }
        if (lora.from() != null) {
            for (String key : ADAPTER_DECIDES) {
                if (locations.written("lora." + key)) {
                    error("lora." + key, "comes from the adapter in lora.from (its adapter_config.json); remove"
                            + " this key, or remove lora.from to train a new adapter");
                }
            }
            adapterFrom(lora.from());
        }
        List<VariantSpec> variants = recipe.variants();
        if (variants != null && !locations.failed("variants")
                && variants.stream().noneMatch(variant -> variant != null && variant.lora())) {
            error("lora", "no variant sets 'lora: true', so this block is unused; add such a variant or remove it");
        }
    }

    /** An adapter directory named by lora.from: a warning when missing, an error when its config is refused. */
    private void adapterFrom(String from) {
        Path directory = Path.of(from);
        if (!Files.exists(directory)) {
            warnIfMissing("lora.from", from);
            return;
        }
        try {
            PeftAdapters.readConfig(directory);
        } catch (IOException | IllegalArgumentException e) {
            error("lora.from", "cannot use this adapter: " + e.getMessage());
        }
    }

    private void saving() {
        if (!recipe.saveMerged() || locations.failed("save_merged")) {
            return;
        }
        if (recipe.save() == SaveMode.NONE) {
            error("save_merged", "save is none, so no merged model is written; set save: final or best, or remove"
                    + " save_merged");
        }
        List<VariantSpec> variants = recipe.variants();
        if (variants != null && variants.stream().noneMatch(variant -> variant != null && variant.lora())) {
            error("save_merged", "only a LoRA run has an adapter to merge, and no variant sets 'lora: true'; remove"
                    + " save_merged (a full fine-tuning run saves its whole model anyway)");
        }
    }

    private void variants() {
        List<VariantSpec> variants = recipe.variants();
        if (variants == null) {
            return;
        }
        if (variants.isEmpty()) {
            error("variants", "needs at least one variant");
        }
        Map<String, Integer> firstIndex = new HashMap<>();
        for (int i = 0; i < variants.size(); i++) {
            VariantSpec variant = variants.get(i);
            if (variant == null) {
                continue;
            }
            String path = KeyLocations.item("variants", i);
            if (variant.name() != null) {
                Integer first = firstIndex.putIfAbsent(variant.name(), i);
                if (first != null) {
                    error(path + ".name", "duplicate variant name '" + variant.name() + "' (also variants[" + first
                            + "] at " + locations.of(KeyLocations.item("variants", first) + ".name") + ")");
                } else if (!VARIANT_NAME.matcher(variant.name()).matches()) {
                    error(path + ".name", "must be usable as a directory name (letters, digits, '.', '_', '-', '='),"
                            + " found '" + variant.name() + "'");
                }
            }
            if (variant.lora() && recipe.lora() == null && !locations.failed("lora")) {
                error(path + ".lora", "'lora: true' needs a top-level lora block (rank, alpha, target_modules)");
            }
            optimizerChecks.check(variant, path);
        }
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    private void positive(String path, Integer value) {
        if (value != null && value <= 0 && !locations.failed(path)) {
            error(path, "must be > 0, found " + value);
        }
    }

    private void atLeastZero(String path, int value) {
        if (value < 0 && !locations.failed(path)) {
            error(path, "must be >= 0, found " + value);
        }
    }

    private <E extends Enum<E> & Spelled> void oneOf(String path, String value, Class<E> type) {
        List<String> allowed = Spelled.spellings(type);
        if (value != null && !allowed.contains(value) && !locations.failed(path)) {
            error(path, "must be one of " + String.join(", ", allowed) + ", found '" + value + "'");
        }
    }

    private void warnIfMissing(String path, String file) {
        if (file != null && !Files.exists(Path.of(file))) {
            warning(path, "no such file or directory '" + file + "' here (" + absolute(Path.of(file))
                    + "); the run needs it");
        }
    }

    private static Path absolute(Path path) {
        return path.toAbsolutePath().normalize();
    }

    private void error(String path, String message) {
        problems.error(locations.of(path), path, message);
    }

    private void warning(String path, String message) {
        problems.warning(locations.of(path), path, message);
    }
}
