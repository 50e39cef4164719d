package dev.tune4j.recipe;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A recipe that cannot be used: every error found, each with its location. The message holds one line per error, so
 * that a caller that only prints the message still shows all of them.
 */
public final class RecipeException extends IllegalArgumentException {
    private final transient List<RecipeProblem> errors;

    /** An exception for {@code errors} (at least one). */
    RecipeException(List<RecipeProblem> errors) {
        super(errors.stream().map(RecipeProblem::toString).collect(Collectors.joining("\n")));
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("a RecipeException needs at least one error");
        }
        this.errors = List.copyOf(errors);
    }

    /** The errors, file errors by line, then override errors. */
    public List<RecipeProblem> errors() {
        return errors;
    }
}
