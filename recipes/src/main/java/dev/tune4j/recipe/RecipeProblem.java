package dev.tune4j.recipe;

import java.util.Comparator;

/**
 * One thing wrong with (or worth knowing about) a recipe, located at the key or value it concerns.
 *
 * @param location where in the file or which override
 * @param path the key path, e.g. {@code variants[2].optimizer} (empty for the whole file)
 * @param message what is wrong, e.g. {@code expected an integer, found 'abc'}
 * @param warning true for a warning (the recipe is still valid), false for an error
 */
public record RecipeProblem(SourceLocation location, String path, String message, boolean warning) {

    /** File problems by line and column first, then override problems in command-line order (stable). */
    static final Comparator<RecipeProblem> BY_LOCATION = Comparator
            .comparing((RecipeProblem problem) -> !problem.location().inFile())
            .thenComparingInt(problem -> problem.location().line())
            .thenComparingInt(problem -> problem.location().column());

    /**
     * {@code file:line:column key.path: message}, or {@code override 'k=v' key.path: message} (the path left out
     * when it is the override's key), with {@code warning: } before the message of a warning.
     */
    @Override
    public String toString() {
        String prefix = warning ? "warning: " : "";
        boolean pathSaidAlready = path.isEmpty()
                || !location.inFile() && location.source().startsWith("override '" + path + "=");
        return location + (pathSaidAlready ? "" : " " + path) + ": " + prefix + message;
    }
}
