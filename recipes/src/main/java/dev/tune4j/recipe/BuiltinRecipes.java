package dev.tune4j.recipe;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The recipes that ship with tune4j, as YAML resources {@code dev/tune4j/recipes/<name>.yaml}, in the order
 * {@code tune4j ls} lists them. Each file's header comment gives the command that runs it.
 */
public final class BuiltinRecipes {
    private static final List<String> NAMES = List.of(
            "bert-spam-optimizers",
            "llama-mobydick-optimizers",
            "llama2-7b-lora-triviaqa",
            "bert-base-imdb",
            "bert-base-squad");

    private BuiltinRecipes() {}

    /** The built-in names. */
    public static List<String> names() {
        return NAMES;
    }

    /** Whether {@code name} is a built-in. */
    public static boolean exists(String name) {
        return NAMES.contains(name);
    }

    /** The file name locations in a built-in's errors use: {@code <name>.yaml}. */
    static String fileName(String name) {
        return name + ".yaml";
    }

    /**
     * The YAML of a built-in, comments included (what {@code tune4j cp} writes).
     *
     * @throws IllegalArgumentException if {@code name} is not a built-in
     */
    public static String text(String name) {
        if (!exists(name)) {
            throw new IllegalArgumentException("no built-in recipe named '" + name + "'; built-ins: "
                    + String.join(", ", NAMES));
        }
        String resource = fileName(name);
        try (InputStream in = BuiltinRecipes.class.getResourceAsStream("/dev/tune4j/recipes/" + resource)) {
            if (in == null) {
                throw new IllegalStateException("the built-in recipe resource dev/tune4j/recipes/" + resource
                        + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("reading the built-in recipe " + resource, e);
        }
    }
}
