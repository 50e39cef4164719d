package dev.tune4j.recipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tune4j.model.llama.LlamaConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Errors of recipe files: every one reported at once, each at its file, line, column and key path. */
class RecipeErrorsTest {
    static final String BROKEN_RECIPE = BrokenRecipeFixture.TEXT;

    /** A valid minimal recipe that the rule tests change one key at a time. */
    static final String MINIMAL = """
            name: minimal
            model: {source: minilm}
            task: classification
            data: {source: spam-assassin}
            steps: 10
            variants:
              - {name: adamw, optimizer: adamw}
            """;

    @TempDir
    Path directory;

    /** The error lines of loading {@code yaml} as the file {@code broken.yaml} in the temporary directory. */
    private List<String> errorsOf(String yaml, String... overrides) throws IOException {
        Path file = directory.resolve("broken.yaml");
        Files.writeString(file, yaml);
        RecipeException thrown = assertThrows(RecipeException.class,
                () -> RecipeLoader.load(file.toString(), List.of(overrides)));
        assertEquals(String.join("\n", thrown.errors().stream().map(RecipeProblem::toString).toList()),
                thrown.getMessage());
        String prefix = file + ":";
        return thrown.errors().stream().map(error -> error.toString().replace(prefix, "broken.yaml:")).toList();
    }

    @Test
    void brokenRecipeReportsEveryError() throws IOException {
        List<String> errors = errorsOf(BROKEN_RECIPE);
        assertEquals(BrokenRecipeFixture.EXPECTED_ERRORS, errors);
    }

    @Test
    void theMinimalRecipeIsValid() throws IOException {
        Path file = directory.resolve("minimal.yaml");
        Files.writeString(file, MINIMAL);
        Recipe recipe = RecipeLoader.load(file.toString(), List.of());
        assertEquals(List.of(1, 2, 3), recipe.seeds());
        assertEquals(8, recipe.batchSize());
        assertEquals(new ScheduleSpec(ScheduleType.CONSTANT, 0, 0.0), recipe.schedule());
        assertEquals(new VariantSpec("adamw", "adamw", Map.of(), List.of(), false, null),
                recipe.variants().getFirst());
    }

    @Test
    void wrongTypesSayWhatWasExpectedAndFound() throws IOException {
        List<String> errors = errorsOf(MINIMAL.replace("steps: 10", """
                steps: 10
                seeds: 7
                gradient_clipping: high
                model: [minilm]
                eval_interval: 2.5
                batch_size: 99999999999
                """).replace("model: {source: minilm}\n", "").replace("- {name: adamw, optimizer: adamw}",
                "- {name: adamw, optimizer: adamw, lora: maybe, options: [1]}"));
        assertEquals(List.of(
                "broken.yaml:5:8 seeds: expected a list, found '7'",
                "broken.yaml:6:20 gradient_clipping: expected a number, found 'high'",
                "broken.yaml:7:8 model: expected a mapping, found a list",
                "broken.yaml:8:16 eval_interval: expected an integer, found '2.5'",
                "broken.yaml:9:13 batch_size: expected an integer from -2147483648 to 2147483647, found '99999999999'",
                "broken.yaml:12:43 variants[0].lora: expected true or false, found 'maybe'",
                "broken.yaml:12:59 variants[0].options: expected a mapping, found a list"), errors);
    }

    @Test
    void repeatedKeysAndEmptyRequiredValuesAreErrors() throws IOException {
        List<String> errors = errorsOf(MINIMAL.replace("name: minimal", "name:")
                .replace("steps: 10", "steps: 10\nsteps: 20"));
        assertEquals(List.of(
                "broken.yaml:1:6 name: required key has no value",
                "broken.yaml:6:1 steps: duplicate key (first at broken.yaml:5:1)"), errors);
    }

    @Test
    void syntaxErrorsAndAliasesPointAtTheirLine() throws IOException {
        assertEquals(List.of("broken.yaml:3:6: not valid YAML: while parsing a flow sequence (from line 2, column 8):"
                + " expected ',' or ']', but got :"), errorsOf("name: x\nseeds: [1, 2\nsteps: 3\n"));
        List<String> aliasErrors = errorsOf(MINIMAL.replace("steps: 10", "steps: &n 10\nbatch_size: *n"));
        assertEquals(List.of("broken.yaml:6:13: YAML aliases (*n) are not supported in recipes; write the value out"),
                aliasErrors);
    }

    @Test
    void stepsAndEpochsExactlyOne() throws IOException {
        assertEquals(List.of("broken.yaml:1:1: set one of steps and epochs"),
                errorsOf(MINIMAL.replace("steps: 10\n", "")));
        assertEquals(List.of("broken.yaml:6:9 epochs: set either steps or epochs, not both"),
                errorsOf(MINIMAL.replace("steps: 10", "steps: 10\nepochs: 2")));
    }

    @Test
    void rangesAreCheckedAtTheirKeys() throws IOException {
        List<String> errors = errorsOf(MINIMAL.replace("steps: 10", """
                steps: 0
                seeds: [1, 2, 1]
                batch_size: -1
                gradient_accumulation: 0
                max_sequence_length: 0
                eval_interval: -5
                gradient_clipping: -1.0
                device: tpu
                schedule: {type: cosine, warmup_steps: -1, min_lr_ratio: 1.5}
                """));
        assertEquals(List.of(
                "broken.yaml:5:8 steps: must be > 0, found 0",
                "broken.yaml:6:15 seeds[2]: seed 1 is listed twice (also seeds[0])",
                "broken.yaml:7:13 batch_size: must be > 0, found -1",
                "broken.yaml:8:24 gradient_accumulation: must be > 0, found 0",
                "broken.yaml:9:22 max_sequence_length: must be > 0, found 0",
                "broken.yaml:10:16 eval_interval: must be >= 0, found -5",
                "broken.yaml:11:20 gradient_clipping: must be a finite number >= 0 (0 disables clipping), found -1.0",
                "broken.yaml:12:9 device: must be one of cpu, gpu, found 'tpu'",
                "broken.yaml:13:40 schedule.warmup_steps: must be >= 0, found -1",
                "broken.yaml:13:58 schedule.min_lr_ratio: must be in [0, 1], found 1.5"), errors);
    }

    @Test
    void loraBlockAndLoraVariantsMustGoTogether() throws IOException {
        assertEquals(List.of("broken.yaml:7:43 variants[0].lora: 'lora: true' needs a top-level lora block (rank,"
                + " alpha, target_modules)"), errorsOf(MINIMAL.replace("optimizer: adamw}",
                "optimizer: adamw, lora: true}")));
        assertEquals(List.of("broken.yaml:8:7 lora: no variant sets 'lora: true', so this block is unused; add such a"
                + " variant or remove it"), errorsOf(MINIMAL + "lora: {target_modules: [query]}\n"));
        assertEquals(List.of("broken.yaml:8:7 lora.target_modules: missing required key: list the modules to adapt"
                + " (e.g. [q_proj, v_proj]), or set lora.from to start from an adapter"),
                errorsOf(MINIMAL.replace("optimizer: adamw}", "optimizer: adamw, lora: true}") + "lora: {}\n"));
    }

    @Test
    void modelTaskAndDataMustFitTogether() throws IOException {
        assertEquals(List.of(
                "broken.yaml:2:8 model: model.source tiny_llama needs model.tiny (write 'tiny: {}' for the default"
                        + " shape)",
                "broken.yaml:4:16 data.source: 'spam-assassin' is data for classification, but task is causal_lm"),
                errorsOf(MINIMAL.replace("source: minilm", "source: tiny_llama")
                        .replace("task: classification", "task: causal_lm")));
        assertEquals(List.of(
                "broken.yaml:2:31 model.tiny: only a tiny_llama model takes a tiny shape; model.source is 'minilm'",
                "broken.yaml:2:44 model.pooling: must be one of mean, pooler, found 'cls'",
                "broken.yaml:3:7 task: a bert model (minilm) cannot be trained for causal_lm; use classification or"
                        + " question_answering",
                "broken.yaml:4:16 data.source: unknown data source 'moby_dick' (did you mean 'moby-dick'?); known:"
                        + " spam-assassin, csv, tsv, jsonl, imdb, moby-dick, text, triviaqa, squad"),
                errorsOf(MINIMAL.replace("{source: minilm}", "{source: minilm, tiny: {}, pooling: cls}")
                        .replace("task: classification", "task: causal_lm")
                        .replace("source: spam-assassin", "source: moby_dick")));
        assertEquals(List.of("broken.yaml:4:7 data.path: data source 'csv' reads your files: set data.path"),
                errorsOf(MINIMAL.replace("source: spam-assassin", "source: csv")));
    }

    @Test
    void aCheckpointDirectoryDecidesTheTaskByItsModelType() throws IOException {
        Path checkpoint = directory.resolve("tiny-llama-checkpoint");
        LlamaConfig.tiny(100, 16, 2, 4, 2, 32).write(checkpoint);
        assertEquals(List.of("broken.yaml:3:7 task: a llama model (" + checkpoint + ") cannot be trained for"
                + " classification; use causal_lm"),
                errorsOf(MINIMAL.replace("source: minilm", "source: " + checkpoint)));
    }

    @Test
    void optionsOfParameterGroupsAreCheckedAndGroupsNeedGlobsOrRoles() throws IOException {
        List<String> errors = errorsOf(MINIMAL.replace("  - {name: adamw, optimizer: adamw}\n", """
                  - name: adamw
                    optimizer: adamw
                    options: {lr: 1.0e-3, weight_decy: 0.1}
                    param_groups:
                      - name: no_decay
                        match: []
                        options: {weight_decay: -0.5}
                      - name: embeddings
                        options: {lr: 1.0e-4}
                """));
        assertEquals(List.of(
                "broken.yaml:9:27 variants[0].options.weight_decy: adamw options of variant 'adamw': unknown option"
                        + " 'weight_decy' (adamw accepts betas, engine_ops, eps, lr, weight_decay)",
                "broken.yaml:12:16 variants[0].param_groups[0].match: needs at least one glob in match"
                        + " (e.g. '**.bias') or one role in roles (e.g. [bias, norm])",
                "broken.yaml:13:19 variants[0].param_groups[0].options.weight_decay: adamw options of group"
                        + " 'no_decay' of variant 'adamw': option 'weight_decay' must be a finite number >= 0, got -0.5",
                "broken.yaml:14:9 variants[0].param_groups[1].match: needs at least one glob in match"
                        + " (e.g. '**.bias') or one role in roles (e.g. [bias, norm])"), errors);
    }
}
