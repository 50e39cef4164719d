package dev.tune4j.recipe;

import dev.tune4j.io.InputFiles;
import dev.tune4j.optim.OptimizerPlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Loads a recipe by built-in name or file path: reads the YAML with locations, applies {@code key=value} overrides
 * (see {@link RecipeOverrides}), binds it strictly to {@link Recipe} and checks every rule, reporting all problems
 * at once as {@code file:line:column key.path: message}.
 *
 * <p>A loaded recipe always has an {@code output_dir}: when the file leaves it out it becomes {@code runs/<name>},
 * so the resolved config ({@link RecipeWriter}) names the directory scripts look in.
 */
public final class RecipeLoader {
    /** Where runs go when a recipe names no {@code output_dir}: {@code runs/<name>}. */
    public static final String DEFAULT_OUTPUT_PARENT = "runs";

    private RecipeLoader() {}

    /**
     * Loads and checks a recipe.
     *
     * @param nameOrPath a built-in name ({@link BuiltinRecipes#names()}), or else the path of a YAML file
     * @param overrides {@code key=value} overrides, applied in order
     * @throws RecipeArgumentException if there is no such built-in or file, or an override is not key=value
     * @throws RecipeException listing every error of the recipe and the overrides
     * @throws IOException if the file cannot be read
     */
    public static Recipe load(String nameOrPath, List<String> overrides) throws IOException {
        return loadWithWarnings(nameOrPath, overrides).recipe();
    }

    /** {@link #load}, keeping the source and warnings (what {@code tune4j validate} prints). */
    public static LoadedRecipe loadWithWarnings(String nameOrPath, List<String> overrides) throws IOException {
        RecipeOverrides.checkSyntax(overrides);
        Optional<BuiltinRecipes.Shortened> shortened = BuiltinRecipes.shortened(nameOrPath);
        if (shortened.isPresent()) {
            List<String> all = new ArrayList<>(shortened.get().overrides());
            all.addAll(overrides);
            return fromText(BuiltinRecipes.text(shortened.get().base()),
                    BuiltinRecipes.fileName(shortened.get().base()), nameOrPath, all);
        }
        if (BuiltinRecipes.exists(nameOrPath)) {
            return fromText(BuiltinRecipes.text(nameOrPath), BuiltinRecipes.fileName(nameOrPath), nameOrPath,
                    overrides);
        }
        Path file = Path.of(nameOrPath);
        if (Files.isDirectory(file)) {
            throw new RecipeArgumentException(nameOrPath + " is a directory, not a recipe file");
        }
        if (!Files.isRegularFile(file)) {
            throw new RecipeArgumentException("no recipe file or built-in named '" + nameOrPath + "'; built-ins: "
                    + String.join(", ", BuiltinRecipes.names()));
        }
        return fromText(InputFiles.readUtf8(file, "recipe (YAML)"), nameOrPath, nameOrPath, overrides);
    }

    /**
     * Loads recipe YAML that is already in memory.
     *
     * @param fileName names the text in error locations
     * @param source what {@link LoadedRecipe#source()} reports
     */
    static LoadedRecipe fromText(String yaml, String fileName, String source, List<String> overrides) {
        ProblemCollector problems = new ProblemCollector();
        YamlNode root = RecipeOverrides.apply(YamlReader.read(yaml, fileName), overrides, problems);
        KeyLocations locations = new KeyLocations();
        Recipe recipe = new RecordBinder(problems, locations).bindRecord(root, Recipe.class, "");
        Map<VariantSpec, OptimizerPlan<?>> optimizers = Map.of();
        if (recipe != null) {
            optimizers = RecipeValidator.validate(recipe, locations, problems);
        }
        problems.throwIfErrors();
        if (recipe.outputDir() == null) {
            recipe = recipe.withOutputDir(DEFAULT_OUTPUT_PARENT + "/" + recipe.name());
        }
        return new LoadedRecipe(recipe, source, problems.warnings(), optimizers);
    }
}
