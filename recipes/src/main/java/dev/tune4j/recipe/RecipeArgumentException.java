package dev.tune4j.recipe;

/**
 * What the caller passed is wrong, not the recipe's content: no recipe file or built-in of that name, or an override
 * that is not {@code key=value}. The command line reports it as a usage error.
 */
public final class RecipeArgumentException extends IllegalArgumentException {
    /** An exception with a one-line message. */
    RecipeArgumentException(String message) {
        super(message);
    }
}
