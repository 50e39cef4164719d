package dev.tune4j.recipe;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tune4j.optim.Optimizer;
import dev.tune4j.optim.Optimizers;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code tune4j validate} raises every error the start of a run raises about an optimizer's options, groups and their
 * combinations: each case below is a variant that the optimizer refuses when the run builds it, and loading the recipe
 * (what validate does) must already refuse it, with the run's own message. Before issue 16, validate parsed each option
 * on its own, so the combination cases passed validate and failed at the run's start.
 */
class ValidateEqualsRunTest {
    /**
     * One refused variant.
     *
     * @param variant the variant's YAML (one list item)
     * @param message what both the run's start and validate must say (a part of the message)
     */
    record Case(String variant, String message) {
        @Override
        public String toString() {
            return variant;
        }
    }

    static Stream<Case> refused() {
        return Stream.of(
                // combinations and groups: only the optimizer's own check sees these
                new Case("{name: v, optimizer: soaa, param_groups: [{name: g, match: ['**.bias'],"
                        + " options: {betas: [0.8, 0.9]}}]}", "soaa option 'betas' in group 'g' is optimizer-wide"),
                new Case("{name: v, optimizer: soaa, param_groups: [{name: g, roles: [norm], options: {gamma: 0.5}}]}",
                        "soaa option 'gamma' in group 'g' is optimizer-wide"),
                new Case("{name: v, optimizer: galore_soaa, param_groups: [{name: g, match: ['**.bias'],"
                        + " options: {betas: [0.8, 0.9]}}]}", "option 'betas' in group 'g' is optimizer-wide"),
                new Case("{name: v, optimizer: galore, options: {inner: galore_adamw}}", "cannot wrap"),
                new Case("{name: v, optimizer: galore, options: {inner: adamw9bit}}", "adamw9bit"),
                // single values, reported at their own line
                new Case("{name: v, optimizer: galore_adamw, options: {inner: soaa}}", "unknown option 'inner'"),
                new Case("{name: v, optimizer: galore_adamw, options: {rank: 0}}", "option 'rank' must be at least 1"),
                new Case("{name: v, optimizer: adamw8bit, options: {block_size: 100}}", "option 'block_size'"),
                new Case("{name: v, optimizer: adam8bit, param_groups: [{name: g, match: ['**.bias'],"
                        + " options: {optim_bits: 16}}]}", "option 'optim_bits' must be 8 or 32"),
                new Case("{name: v, optimizer: adamw, param_groups: [{name: g, match: ['**.bias'],"
                        + " options: {lr: -1}}]}", "option 'lr' must be a finite number > 0"),
                new Case("{name: v, optimizer: soaa, options: {gamma: 1.5}}", "option 'gamma' must be in (0, 1)"));
    }

    @ParameterizedTest
    @MethodSource("refused")
    void whatTheRunRefusesValidateRefuses(Case refused) {
        String recipe = RecipeErrorsTest.MINIMAL.replace("  - {name: adamw, optimizer: adamw}",
                "  - " + refused.variant());
        RecipeException validate = assertThrows(RecipeException.class,
                () -> RecipeLoader.fromText(recipe, "case.yaml", "case.yaml", List.of()), "validate passed");
        IllegalArgumentException run = assertThrows(IllegalArgumentException.class,
                () -> startOfRun(recipe), "the run's start accepted it");
        assertTrue(run.getMessage().contains(refused.message()), "run: " + run.getMessage());
        assertTrue(validate.getMessage().contains(refused.message()), "validate: " + validate.getMessage());
    }

    @ParameterizedTest
    @MethodSource("ids")
    void whatValidateAcceptsTheRunBuilds(String id) {
        String recipe = RecipeErrorsTest.MINIMAL.replace("  - {name: adamw, optimizer: adamw}",
                "  - {name: v, optimizer: " + id + ", param_groups: [{name: no_decay, roles: [bias, norm],"
                        + " options: {weight_decay: 0.0}}]}");
        LoadedRecipe loaded = assertDoesNotThrow(() -> RecipeLoader.fromText(recipe, "ok.yaml", "ok.yaml",
                List.of()));
        VariantSpec variant = loaded.recipe().variants().getFirst();
        assertEquals(id, loaded.optimizers().get(variant).id(), "validate keeps the checked plan");
        try (Optimizer optimizer = loaded.optimizer(variant).create(10)) {
            assertEquals(id, optimizer.id());
        }
    }

    static Stream<String> ids() {
        return Optimizers.all().keySet().stream();
    }

    /** What the run does with the variant: the optimizer built from the variant's settings, without validate. */
    private static void startOfRun(String recipe) {
        Recipe unchecked = new RecordBinder(new ProblemCollector(), new KeyLocations())
                .bindRecord(YamlReader.read(recipe, "case.yaml"), Recipe.class, "");
        VariantSpec variant = unchecked.variants().getFirst();
        try (Optimizer optimizer = Optimizers.create(variant.optimizer(), variant.optimizerSettings(10))) {
            optimizer.id();
        }
    }
}
