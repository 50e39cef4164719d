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

    private BrokenRecipeFixture() {}
}
