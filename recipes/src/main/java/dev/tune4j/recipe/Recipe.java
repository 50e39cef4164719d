package dev.tune4j.recipe;

import dev.tune4j.task.Task;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * A recipe: one model, one task, one dataset, and the optimizer variants to compare on it, each trained once per
 * seed on the same examples in the same order. YAML keys are the snake_case names of these components; see
 * {@link RecipeLoader} for how a file is bound and checked.
 *
 * @param name recipe name; the default output directory is {@code runs/<name>}
 * @param description what the recipe compares, for {@code tune4j ls} and the report
 * @param model the model
 * @param task what the model learns
 * @param data the examples
 * @param lora LoRA adapters, used by the variants that set {@code lora: true}
 * @param variants the optimizer variants, at least one, unique names
 * @param seeds one run per seed and variant; the seed fixes initialization, dropout and data order
 * @param steps optimizer steps per run (exactly one of steps and epochs)
 * @param epochs passes over the training examples per run (exactly one of steps and epochs)
 * @param batchSize examples per micro-batch
 * @param gradientAccumulation micro-batches per optimizer step
 * @param maxSequenceLength tokens per example after truncation (causal LM: the packed sequence length)
 * @param schedule learning-rate schedule
 * @param gradientClipping clip the global gradient norm to this; 0 disables clipping
 * @param evalInterval evaluate every this many optimizer steps; 0 evaluates only after the last step
 * @param targetLoss training loss whose first crossing gives steps and seconds to target in the report
 * @param outputDir where runs and the report go (relative to the working directory); absent from the file:
 *     {@link RecipeLoader} sets {@code runs/<name>}, so a loaded recipe always has one
 * @param device {@code cpu} or {@code gpu}
 * @param throughputWarmupSteps first steps of each run left out of tokens/s (allocator and JIT warm-up)
 * @param allowBatchLargerThanData train with a {@code batch_size} above the number of training examples (every
 *     batch then repeats examples); without it such a recipe is refused
 * @param tune tuning trials that pick each variant's options before its seeds run (see {@link TuneSpec}); absent or
 *     {@code off}: every variant runs with its own options
 * @param save what each run keeps of its trained model ({@link SaveMode}): {@code final} (the default), {@code best}
 *     (the weights of the lowest {@code eval_loss}) or {@code none}
 * @param saveMerged LoRA runs also write the adapter merged into the base model, a full Hugging Face model directory
 * @param checkpointEvery write a checkpoint every this many optimizer steps, and one after the last step; 0 (the
 *     default) writes one only when the run is stopped by SIGTERM or SIGINT, so that {@code --resume} can continue it
 * @param keepCheckpoints how many of the newest checkpoints each run keeps (at least 1; older ones are deleted once a
 *     newer one is complete)
 */
public record Recipe(
        String name,
        @OptionalKey String description,
        ModelSpec model,
        Task task,
        DataSpec data,
        @OptionalKey LoraSpec lora,
        List<VariantSpec> variants,
        @DefaultValue("[1, 2, 3]") List<Integer> seeds,
        @OptionalKey Integer steps,
        @OptionalKey Integer epochs,
        @DefaultValue("8") int batchSize,
        @DefaultValue("1") int gradientAccumulation,
        @DefaultValue("128") int maxSequenceLength,
        @DefaultValue("{}") ScheduleSpec schedule,
        @DefaultValue("1.0") double gradientClipping,
        @DefaultValue("0") int evalInterval,
        @OptionalKey Double targetLoss,
        @OptionalKey String outputDir,
        @DefaultValue("cpu") String device,
        @DefaultValue("2") int throughputWarmupSteps,
        @DefaultValue("false") boolean allowBatchLargerThanData,
        @OptionalKey TuneSpec tune,
        @DefaultValue("final") SaveMode save,
        @DefaultValue("false") boolean saveMerged,
        @DefaultValue("0") int checkpointEvery,
        @DefaultValue("2") int keepCheckpoints) {

    /** The variant called {@code name}, if the recipe has it. */
    public Optional<VariantSpec> variant(String name) {
        return variants.stream().filter(variant -> variant.name().equals(name)).findFirst();
    }

    /**
     * This recipe restricted to one variant and/or one seed, for running part of a comparison. A LoRA block that no
     * kept variant uses is dropped, so the restricted recipe (and its resolved YAML) still validates.
     *
     * @param variantName the variant to keep, or null for all
     * @param seed the seed to keep, or null for all
     * @throws IllegalArgumentException naming the variants or seeds there are, if the recipe lacks the one asked for
     */
    public Recipe withOnly(String variantName, Integer seed) {
        Recipe kept = variantName == null ? this : withVariants(List.of(variantName));
        if (seed == null) {
            return kept;
        }
        if (!seeds.contains(seed)) {
            throw new IllegalArgumentException("recipe '" + name + "' has no seed " + seed + "; seeds: " + seeds);
        }
        return new Recipe(name, description, model, task, data, kept.lora, kept.variants, List.of(seed), steps,
                epochs, batchSize, gradientAccumulation, maxSequenceLength, schedule, gradientClipping, evalInterval,
                targetLoss, outputDir, device, throughputWarmupSteps, allowBatchLargerThanData, tune, save,
                kept.saveMerged, checkpointEvery, keepCheckpoints);
    }

    /**
     * This recipe with only the named variants, in the recipe's order (a smaller comparison, e.g. in a notebook). A
     * LoRA block (and {@code save_merged}) that no kept variant uses is dropped, so the result still validates.
     *
     * @throws IllegalArgumentException naming every unknown name and the variants there are
     */
    public Recipe withVariants(Collection<String> variantNames) {
        List<String> unknown = variantNames.stream().filter(n -> variant(n).isEmpty()).toList();
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("recipe '" + name + "' has no variant '" + String.join("', '", unknown)
                    + "'; variants: " + String.join(", ", variants.stream().map(VariantSpec::name).toList()));
        }
        List<VariantSpec> keptVariants = variants.stream().filter(v -> variantNames.contains(v.name())).toList();
        boolean loraStillUsed = keptVariants.stream().anyMatch(VariantSpec::lora);
        return new Recipe(name, description, model, task, data, loraStillUsed ? lora : null, keptVariants, seeds,
                steps, epochs, batchSize, gradientAccumulation, maxSequenceLength, schedule, gradientClipping,
                evalInterval, targetLoss, outputDir, device, throughputWarmupSteps, allowBatchLargerThanData, tune,
                save, saveMerged && loraStillUsed, checkpointEvery, keepCheckpoints);
    }

    /**
     * This recipe as one variant's tuning trials run it: the given trial variants, one seed, {@code steps} steps,
     * no tune block, into {@code directory}, saving no model (a trial only picks options). A LoRA block that no
     * trial uses is dropped.
     */
    public Recipe forTrials(List<VariantSpec> trialVariants, int seed, int trialSteps, String directory) {
        boolean loraUsed = trialVariants.stream().anyMatch(VariantSpec::lora);
        return new Recipe(name, description, model, task, data, loraUsed ? lora : null, trialVariants, List.of(seed),
                trialSteps, null, batchSize, gradientAccumulation, maxSequenceLength, schedule, gradientClipping,
                evalInterval, targetLoss, directory, device, throughputWarmupSteps, allowBatchLargerThanData, null,
                SaveMode.NONE, false, checkpointEvery, keepCheckpoints);
    }

    /** This recipe with other variants (e.g. with the options tuning chose), everything else kept. */
    public Recipe withVariantSpecs(List<VariantSpec> replaced) {
        return new Recipe(name, description, model, task, data, lora, replaced, seeds, steps, epochs, batchSize,
                gradientAccumulation, maxSequenceLength, schedule, gradientClipping, evalInterval, targetLoss,
                outputDir, device, throughputWarmupSteps, allowBatchLargerThanData, tune, save, saveMerged,
                checkpointEvery, keepCheckpoints);
    }

    /** This recipe with another output directory. */
    public Recipe withOutputDir(String directory) {
        return new Recipe(name, description, model, task, data, lora, variants, seeds, steps, epochs, batchSize,
                gradientAccumulation, maxSequenceLength, schedule, gradientClipping, evalInterval, targetLoss,
                directory, device, throughputWarmupSteps, allowBatchLargerThanData, tune, save, saveMerged,
                checkpointEvery, keepCheckpoints);
    }
}
