package dev.tune4j.recipe;

import java.util.ArrayList;
import java.util.List;

/** Gathers the errors and warnings of one recipe load, so that all of them are reported together. */
final class ProblemCollector {
    private final List<RecipeProblem> problems = new ArrayList<>();

    void error(SourceLocation location, String path, String message) {
        problems.add(new RecipeProblem(location, path, message, false));
    }

    void warning(SourceLocation location, String path, String message) {
        problems.add(new RecipeProblem(location, path, message, true));
    }

    boolean hasErrors() {
        return problems.stream().anyMatch(problem -> !problem.warning());
    }

    /** The errors, ordered by location. */
    List<RecipeProblem> errors() {
        return problems.stream().filter(problem -> !problem.warning()).sorted(RecipeProblem.BY_LOCATION).toList();
    }

    /** The warnings, ordered by location. */
    List<RecipeProblem> warnings() {
        return problems.stream().filter(RecipeProblem::warning).sorted(RecipeProblem.BY_LOCATION).toList();
    }

    /** Throws the errors gathered so far, if any. */
    void throwIfErrors() {
        if (hasErrors()) {
            throw new RecipeException(errors());
        }
    }
}
