package dev.tune4j.recipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code key=value} overrides on the built-in bert-spam-optimizers (variants adamw, soaa at index 1, ...). */
class RecipeOverridesTest {
    private static final String RECIPE = "bert-spam-optimizers";

    private static Recipe load(String... overrides) throws IOException {
        return RecipeLoader.load(RECIPE, List.of(overrides));
    }

    private static List<String> errorsOf(String... overrides) {
        RecipeException thrown = assertThrows(RecipeException.class, () -> load(overrides));
        return thrown.errors().stream().map(RecipeProblem::toString).toList();
    }

    @Test
    void scalarOverridesReplaceTopLevelValues() throws IOException {
        Recipe recipe = load("steps=4", "seeds=[1, 2]", "output_dir=/tmp/spam-runs");
        assertEquals(4, recipe.steps());
        assertEquals(List.of(1, 2), recipe.seeds());
        assertEquals("/tmp/spam-runs", recipe.outputDir());
    }

    @Test
    void nestedOverridesReplaceOrAddKeys() throws IOException {
        Recipe recipe = load("data.train_examples=32", "data.split_seed=7", "schedule.type=cosine");
        assertEquals(32, recipe.data().trainExamples());
        assertEquals(7L, recipe.data().splitSeed());
        assertEquals(ScheduleType.COSINE, recipe.schedule().type());
        assertEquals(10, recipe.schedule().warmupSteps(), "sibling keys stay");
    }

    @Test
    void variantsAreAddressedByNameOrByIndex() throws IOException {
        Recipe byName = load("variants.soaa.options.lr=1e-3");
        Recipe byIndex = load("variants.1.options.lr=1e-3");
        assertEquals(byName, byIndex);
        Map<String, Object> options = byName.variant("soaa").orElseThrow().options();
        assertEquals(1e-3, options.get("lr"));
        assertEquals(List.of(0.9, 0.999), options.get("betas"), "other options stay");
        assertEquals(1e-4, load().variant("soaa").orElseThrow().options().get("lr"));
    }

    @Test
    void laterOverridesWinAndNullRemovesAnOptionalKey() throws IOException {
        assertEquals(8, load("steps=4", "steps=8").steps());
        assertNull(load("target_loss=null").targetLoss());
    }

    @Test
    void badPathsAndValuesNameTheOverride() {
        assertEquals(List.of(
                "override 'steps=abc': expected an integer, found 'abc'",
                "override 'variants.sooa.options.lr=1e-3': 'variants' has no item named 'sooa' (did you mean 'soaa'?)",
                "override 'variants.12.lr=1': 'variants' has no item 12 (it has 5, from 0)",
                "override 'steps.max=3': cannot set 'max' inside 'steps': it holds the value 'abc'",
                "override 'stpes=4': unknown key 'stpes' (did you mean 'steps'?)",
                "override 'variants.soaa.options.lr=-1' variants[1].options.lr: soaa options of variant 'soaa': option"
                        + " 'lr' must be a finite number > 0, got -1.0",
                "override 'seeds=[1, 2': not valid YAML: while parsing a flow sequence: expected ',' or ']', but got"
                        + " <stream end>"),
                errorsOf("steps=abc", "variants.sooa.options.lr=1e-3", "variants.12.lr=1", "steps.max=3", "stpes=4",
                        "variants.soaa.options.lr=-1", "seeds=[1, 2"));
    }

    @Test
    void anOverrideWithoutKeyEqualsValueIsAnArgumentError() {
        RecipeArgumentException thrown = assertThrows(RecipeArgumentException.class, () -> load("steps"));
        assertEquals("override 'steps' is not key=value with a dotted key (e.g. steps=4, data.train_examples=32,"
                + " variants.soaa.options.lr=1e-3)", thrown.getMessage());
        assertThrows(RecipeArgumentException.class, () -> load("=4"));
        assertThrows(RecipeArgumentException.class, () -> load("data..path=x"));
    }

    @Test
    void anUnknownNameOrMissingFileIsAnArgumentError() {
        RecipeArgumentException thrown = assertThrows(RecipeArgumentException.class,
                () -> RecipeLoader.load("bert-spam", List.of()));
        assertEquals("no recipe file or built-in named 'bert-spam'; built-ins: bert-spam-optimizers,"
                + " bert-spam-optimizers-quick, llama-mobydick-optimizers, llama-mobydick-optimizers-quick,"
                + " llama2-7b-lora-triviaqa, bert-base-imdb, bert-base-squad",
                thrown.getMessage());
    }

    @Test
    void withOnlyKeepsOneVariantAndSeedAndDropsALoraBlockItNoLongerUses() throws IOException {
        Recipe recipe = load();
        Recipe soaaSeed2 = recipe.withOnly("soaa", 2);
        assertEquals(List.of("soaa"), soaaSeed2.variants().stream().map(VariantSpec::name).toList());
        assertEquals(List.of(2), soaaSeed2.seeds());
        assertNull(soaaSeed2.lora());
        assertEquals(recipe.lora(), recipe.withOnly("lora_adamw", null).lora());
        assertEquals(recipe.variants(), recipe.withOnly(null, 3).variants());
        IllegalArgumentException noSuchVariant = assertThrows(IllegalArgumentException.class,
                () -> recipe.withOnly("sgd", null));
        assertEquals("recipe 'bert-spam-optimizers' has no variant 'sgd'; variants: adamw, soaa, adamw8bit,"
                + " galore_adamw, lora_adamw", noSuchVariant.getMessage());
        assertThrows(IllegalArgumentException.class, () -> recipe.withOnly(null, 4));
    }

    @Test
    void withVariantsKeepsTheNamedOnesInRecipeOrderAndNamesUnknownOnes() throws IOException {
        Recipe recipe = load();
        Recipe three = recipe.withVariants(List.of("soaa", "adamw", "adamw8bit"));
        assertEquals(List.of("adamw", "soaa", "adamw8bit"), three.variants().stream().map(VariantSpec::name).toList());
        assertEquals(recipe.seeds(), three.seeds());
        assertNull(three.lora());
        assertEquals(recipe.lora(), recipe.withVariants(List.of("adamw", "lora_adamw")).lora());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> recipe.withVariants(List.of("sgd", "adamw", "lion")));
        assertEquals("recipe 'bert-spam-optimizers' has no variant 'sgd', 'lion'; variants: adamw, soaa, adamw8bit,"
                + " galore_adamw, lora_adamw", unknown.getMessage());
    }

    @Test
    void aRestrictedRecipeStillRoundTripsThroughTheResolvedYaml() throws IOException {
        Recipe restricted = load("steps=4").withOnly("galore_adamw", 1);
        Recipe again = RecipeLoader.fromText(RecipeWriter.toYaml(restricted), "config.resolved.yaml",
                "config.resolved.yaml", List.of()).recipe();
        assertEquals(restricted, again);
    }
}
