package dev.tune4j.cli;

import dev.tune4j.recipe.BuiltinRecipes;
import dev.tune4j.recipe.RecipeLoader;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code tune4j ls}: the built-in recipes, one line each with its description. */
@Command(
        name = "ls",
        mixinStandardHelpOptions = true,
        description = "List the built-in recipes (run one with 'tune4j compare NAME', copy one with 'tune4j cp').")
final class ListRecipesCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        List<String> names = BuiltinRecipes.names();
        int width = names.stream().mapToInt(String::length).max().orElse(0);
        for (String name : names) {
            String description = RecipeLoader.load(name, List.of()).description();
            out.printf("%-" + width + "s  %s%n", name, description == null ? "" : description.strip()
                    .replaceAll("\\s+", " "));
        }
        out.flush();
        return Tune4jCommand.EXIT_OK;
    }
}
