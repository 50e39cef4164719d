package dev.tune4j.recipe;

/**
 * Test fixture written by the project: a deliberately broken recipe with seven errors of seven kinds (bad enum, wrong
 * type, unknown key, invalid optimizer option, unknown optimizer id, duplicate variant name, missing required key), at
 * the lines RecipeErrorsTest and RecipeCommandsTest expect.
 */
public final class BrokenRecipeFixture {
    /** The YAML text; its first line is a comment, so the errors start at line 5. */
    public static final String TEXT = """
            # Test fixture (BrokenRecipeFixture): a deliberately broken recipe; every error in it is intended.
            name: broken
            model:
              source: minilm
            task: clasification
            data:
              source: spam-assassin
            steps: abc
            batch_sise: 16
            variants:
              - name: adamw
                optimizer: adamw
                options: {lr: -1}
              - name: soaa
                optimizer: adamx
              - name: adamw
                optimizer: adam
              - name: no_optimizer
                options: {lr: 1.0e-3}
                        """;

    /**
     * The errors the loader must report for {@link #TEXT} named {@code broken.yaml}, in order; written by hand from the
     * fixture's lines, not produced by the loader.
     */
    public static final java.util.List<String> EXPECTED_ERRORS = java.util.List.of(
                "broken.yaml:5:7 task: expected one of classification, causal_lm, question_answering, found"
                        + " 'clasification' (did you mean 'classification'?)",
                "broken.yaml:8:8 steps: expected an integer, found 'abc'",
                "broken.yaml:9:1 batch_sise: unknown key 'batch_sise' (did you mean 'batch_size'?)",
                "broken.yaml:13:15 variants[0].options.lr: adamw options of variant 'adamw': option 'lr' must be a"
                        + " finite number > 0, got -1.0",
                "broken.yaml:15:16 variants[1].optimizer: unknown optimizer 'adamx' (did you mean 'adam'?); known: "
                        + "adam, adam8bit, adam_engine, adamw, adamw8bit, adamw_engine, galore, galore_adam8bit,"
                        + " galore_adamw, galore_soaa, soaa",
                "broken.yaml:16:11 variants[2].name: duplicate variant name 'adamw' (also variants[0] at broken.yaml:11:11)",
                "broken.yaml:18:5 variants[3].optimizer: missing required key");

    private BrokenRecipeFixture() {}
}
