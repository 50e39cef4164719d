package dev.tune4j.recipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tune4j.tuning.SearchGrid;
import dev.tune4j.tuning.TuningPlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The {@code tune:} block: what it resolves to per variant, that {@code off} and its absence keep the plain
 * behaviour, that the resolved recipe reads back the same, and each broken block's error at its file:line:col.
 */
class TuneRecipeTest {
    /** Two variants, the second with LoRA; line 9 is where the tune block goes. */
    private static final String RECIPE = """
            name: tuned
            model: {source: minilm}
            task: classification
            data: {source: spam-assassin}
            steps: 40
            seeds: [7, 8]
            lora: {target_modules: [query, value]}
            variants:
              - {name: adamw, optimizer: adamw, options: {lr: 1.0e-3}}
              - {name: lora, optimizer: adamw, options: {lr: 1.0e-4}, lora: true}
            """;

    private static LoadedRecipe load(String yaml) {
        return RecipeLoader.fromText(yaml, "tune.yaml", "tune.yaml", List.of());
    }

    private static List<String> errorsOf(String yaml) {
        RecipeException thrown = assertThrows(RecipeException.class, () -> load(yaml));
        return thrown.errors().stream().map(RecipeProblem::toString).toList();
    }

    /** The README's example block, on a recipe with its LoRA block: the variants get the same budget, 5 trials. */
    @Test
    void theReadmeExampleValidates() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md")); // surefire runs in the module's directory
        String section = readme.substring(readme.indexOf("### Tuning with an equal budget"));
        String example = section.substring(section.indexOf("```yaml\n") + 8, section.indexOf("```\n", 10));
        Recipe recipe = load(RECIPE.substring(0, RECIPE.indexOf("variants:")) + example).recipe();
        assertEquals(List.of(5, 5), recipe.variants().stream()
                .map(v -> TuningPlan.of(recipe, v).orElseThrow().grid().values().size()).toList());
        assertEquals(3.0e-2, TuningPlan.of(recipe, recipe.variants().get(1)).orElseThrow().grid().values().get(4));
    }

    @Test
    void withoutATuneBlockNoVariantIsTuned() {
        Recipe recipe = load(RECIPE).recipe();
        assertNull(recipe.tune());
        recipe.variants().forEach(v -> assertEquals(Optional.empty(), TuningPlan.of(recipe, v)));
    }

    @Test
    void tuneOffIsTheSameAsNoTuning() {
        Recipe recipe = load(RECIPE + "tune: off\n").recipe();
        assertEquals(TuneSpec.OFF, recipe.tune());
        recipe.variants().forEach(v -> assertEquals(Optional.empty(), TuningPlan.of(recipe, v)));
    }

    @Test
    void anEmptyBlockTunesTheLrOnTheDefaultGridWithTheRecipesStepsAndFirstSeed() {
        Recipe recipe = load(RECIPE + "tune: {}\n").recipe();
        TuningPlan full = TuningPlan.of(recipe, recipe.variants().get(0)).orElseThrow();
        assertEquals(new TuningPlan(SearchGrid.defaultLearningRates(1e-3, 5, false), 40, 7, "eval_loss"), full);
        TuningPlan lora = TuningPlan.of(recipe, recipe.variants().get(1)).orElseThrow();
        assertEquals(3e-4, lora.grid().values().get(2), 1e-18); // centred 3x above the variant's 1e-4
    }

    @Test
    void aVariantsBlockOverridesTheRecipesKeyByKey() {
        Recipe recipe = load(RECIPE.replace("lora: true}", "lora: true, tune: {space: {lr: [1.0e-4, 1.0e-3]}}}")
                + "tune: {trials: 2, steps: 5, seed: 3, objective: eval_accuracy}\n").recipe();
        TuningPlan lora = TuningPlan.of(recipe, recipe.variants().get(1)).orElseThrow();
        assertEquals(new TuningPlan(new SearchGrid("lr", List.of(1e-4, 1e-3)), 5, 3, "eval_accuracy"), lora);
        assertTrue(lora.higherIsBetter());
    }

    @Test
    void aSearchedLrMovesEveryGroupLrByTheSameFactorAndOtherOptionsMoveOnlyTheVariant() {
        VariantSpec galore = load(RECIPE.replace("- {name: adamw, optimizer: adamw, options: {lr: 1.0e-3}}",
                "- {name: adamw, optimizer: adamw, options: {lr: 4.0e-4, weight_decay: 0.01}, param_groups: ["
                        + "{name: slow, match: ['classifier.*'], options: {lr: 1.0e-4}},"
                        + " {name: no_decay, roles: [bias], options: {weight_decay: 0.0}}]}"))
                .recipe().variants().get(0);

        VariantSpec trial = galore.withSearched("lr=0.0012", "lr", 1.2e-3); // 3x the variant's 4e-4
        assertEquals("lr=0.0012", trial.name());
        assertEquals(1.2e-3, ((Number) trial.options().get("lr")).doubleValue());
        assertEquals(3.0e-4, ((Number) trial.paramGroups().get(0).options().get("lr")).doubleValue(), 1e-18);
        assertEquals(java.util.Map.of("weight_decay", 0.0), trial.paramGroups().get(1).options());

        VariantSpec decay = galore.withSearched("weight_decay=0.1", "weight_decay", 0.1);
        assertEquals(0.1, ((Number) decay.options().get("weight_decay")).doubleValue());
        assertEquals(galore.paramGroups(), decay.paramGroups());
    }

    @Test
    void theResolvedRecipeReadsBackEqual() {
        Recipe recipe = load(RECIPE + "tune: {trials: 3, steps: 5, space: {lr: [1.0e-4, 3.0e-4, 1.0e-3]}}\n")
                .recipe();
        assertEquals(recipe, load(RecipeWriter.toYaml(recipe)).recipe());
        Recipe off = load(RECIPE + "tune: off\n").recipe();
        assertEquals(off, load(RecipeWriter.toYaml(off)).recipe());
    }

    @Test
    void badValuesOfABlockAreReportedAtTheirKeys() {
        assertEquals(List.of(
                "tune.yaml:12:11 tune.trials: needs at least 2 (one point tunes nothing), found 1",
                "tune.yaml:13:10 tune.steps: must be > 0, found 0",
                "tune.yaml:14:14 tune.objective: 'eval_perplexity' is not what a classification evaluation reports;"
                        + " one of eval_loss, eval_accuracy, eval_macro_f1"),
                errorsOf(RECIPE + """
                        tune:
                          trials: 1
                          steps: 0
                          objective: eval_perplexity
                        """));
    }

    @Test
    void aSpaceSearchesOneOptionWithDistinctNumbersAsManyAsTheTrials() {
        assertEquals(List.of("tune.yaml:12:10 tune.space: search one option, found 2 (lr, weight_decay): a grid"
                + " over several options multiplies the budget; tune the one that matters most (usually lr)"),
                errorsOf(RECIPE + "tune:\n  space: {lr: [1.0e-4, 1.0e-3], weight_decay: [0.0, 0.1]}\n"));
        assertEquals(List.of("tune.yaml:12:11 tune.space.lr[1]: 1.0E-4 is listed twice"),
                errorsOf(RECIPE + "tune:\n  space: {lr: [1.0e-4, 1.0e-4]}\n"));
        assertEquals(List.of("tune.yaml:12:11 tune.trials: is 3 but tune.space.lr lists 2 values: the trials are"
                + " the points of the grid"),
                errorsOf(RECIPE + "tune:\n  trials: 3\n  space: {lr: [1.0e-4, 1.0e-3]}\n"));
    }

    @Test
    void aVariantWithAnotherBudgetIsRefusedSayingWhy() {
        List<String> errors = errorsOf(RECIPE.replace("lora: true}", "lora: true, tune: {trials: 3}}")
                + "tune: {trials: 5}\n");
        assertEquals(1, errors.size(), errors.toString());
        assertEquals("tune.yaml:10:86 variants[1].tune.trials: every variant gets the same budget, but variant"
                + " 'lora' would get 3 trials and 'adamw' 5; a variant searched harder would win by its budget, not"
                + " its optimizer", errors.getFirst());
    }

    @Test
    void oneVariantOffWhileOthersTuneIsRefused() {
        List<String> errors = errorsOf(RECIPE.replace("lora: true}", "lora: true, tune: off}") + "tune: {}\n");
        assertEquals(List.of("tune.yaml:10:77 variants[1].tune: tuning is off here but on for variant 'adamw': every"
                + " variant gets the same tuning budget, so tune all of them or none"), errors);
    }

    @Test
    void theDefaultGridNeedsAnLrAndTheOptimizerMustAcceptEveryValue() {
        List<String> noLr = errorsOf(RECIPE.replace("options: {lr: 1.0e-3}", "options: {}") + "tune: {}\n");
        assertEquals(List.of("tune.yaml:9:46 variants[0].options: the default search space is an lr grid around the"
                + " variant's lr: set options.lr (a number > 0) or give tune.space"), noLr);
        List<String> refused = errorsOf(RECIPE + "tune:\n  space: {lr: [1.0e-3, -1.0]}\n");
        assertEquals(1, refused.size(), refused.toString());
        assertEquals("tune.yaml:12:11 tune.space.lr: lr = -1.0 is refused by adamw: adamw options of optimizer"
                + " 'adamw': option 'lr' must be a finite number > 0, got -1.0", refused.getFirst());
    }

    @Test
    void aRecipeCountingEpochsMustSetTheTrialsSteps() {
        assertEquals(List.of("tune.yaml:11:7 tune: set tune.steps: the recipe counts epochs, and trials need a number"
                + " of steps"), errorsOf(RECIPE.replace("steps: 40", "epochs: 1") + "tune: {}\n"));
    }
}
