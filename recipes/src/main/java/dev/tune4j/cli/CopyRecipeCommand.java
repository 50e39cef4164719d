package dev.tune4j.cli;

import dev.tune4j.recipe.BuiltinRecipes;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tune4j cp RECIPE FILE}: writes a built-in recipe, comments included, to a file to edit. */
@Command(
        name = "cp",
        mixinStandardHelpOptions = true,
        description = "Copy a built-in recipe (comments included) to FILE, to edit and run with 'tune4j compare FILE'.")
final class CopyRecipeCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RECIPE", description = "A built-in recipe (see 'tune4j ls').")
    private String recipe;

    @Parameters(index = "1", paramLabel = "FILE", description = "The file to write.")
    private Path file;

    @Option(names = "--force", description = "Overwrite FILE if it exists.")
    private boolean force;

    @Override
    public Integer call() throws IOException {
        if (!BuiltinRecipes.exists(recipe)) {
            throw new ParameterException(spec.commandLine(), "no built-in recipe named '" + recipe + "'; built-ins: "
                    + String.join(", ", BuiltinRecipes.names()));
        }
        if (Files.exists(file) && !force) {
            throw new FileAlreadyExistsException(file.toString(), null, "already exists; pass --force to overwrite it");
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, BuiltinRecipes.text(recipe), StandardCharsets.UTF_8);
        PrintWriter out = spec.commandLine().getOut();
        out.println("wrote " + file + " (built-in " + recipe + "); check it with 'tune4j validate " + file
                + "', run it with 'tune4j compare " + file + "'");
        out.flush();
        return Tune4jCommand.EXIT_OK;
    }
}
