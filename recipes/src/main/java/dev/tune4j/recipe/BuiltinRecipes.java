package dev.tune4j.recipe;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The recipes that ship with tune4j, as YAML resources {@code dev/tune4j/recipes/<name>.yaml}, in the order
 * {@code tune4j ls} lists them. Each file's header comment gives the command that runs it. A {@code -quick} built-in
 * has no file of its own: it is a comparison built-in with overrides ({@link Shortened}), so the two cannot drift
 * apart.
 */
public final class BuiltinRecipes {
    private static final List<String> NAMES = List.of(
            "bert-spam-optimizers",
            "bert-spam-optimizers-quick",
            "llama-mobydick-optimizers",
            "llama-mobydick-optimizers-quick",
            "llama2-7b-lora-triviaqa",
            "bert-base-imdb",
            "bert-base-squad");

    /**
     * A built-in that is another built-in with overrides applied before the user's: the same variants, model and
     * data, fewer seeds and steps and no tuning, for a first look.
     *
     * @param base the built-in it shortens
     * @param overrides {@code key=value} overrides, as on the command line
     */
    public record Shortened(String base, List<String> overrides) {
        /** Keeps an unmodifiable copy of the overrides. */
        public Shortened {
            overrides = List.copyOf(overrides);
        }
    }

    private static final Map<String, Shortened> SHORTENED = Map.of(
            "bert-spam-optimizers-quick", new Shortened("bert-spam-optimizers", List.of(
                    "name=bert-spam-optimizers-quick",
                    "description=bert-spam-optimizers for a first look (no tuning, 2 seeds of 30 steps, 300 held-out"
                            + " e-mails; CPU, about 8 minutes)",
                    "tune=off", "seeds=[1, 2]", "steps=30", "schedule.warmup_steps=3", "eval_interval=15",
                    "data.train_examples=240", "data.eval_examples=300")),
            "llama-mobydick-optimizers-quick", new Shortened("llama-mobydick-optimizers", List.of(
                    "name=llama-mobydick-optimizers-quick",
                    "description=llama-mobydick-optimizers for a first look (no tuning, 2 seeds of 40 steps; CPU)",
                    "tune=off", "seeds=[1, 2]", "steps=40", "schedule.warmup_steps=4", "eval_interval=20")));

    private BuiltinRecipes() {}

    /** The built-in names. */
    public static List<String> names() {
        return NAMES;
    }

    /** The base and overrides of a {@code -quick} built-in; empty for a built-in with its own file. */
    public static Optional<Shortened> shortened(String name) {
        return Optional.ofNullable(SHORTENED.get(name));
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
     * The YAML of a built-in, comments included (what {@code tune4j cp} writes); for a {@code -quick} built-in, its
     * base resolved with its overrides, under a header that names them.
     *
     * @throws IllegalArgumentException if {@code name} is not a built-in
     */
    public static String text(String name) {
        if (!exists(name)) {
            throw new IllegalArgumentException("no built-in recipe named '" + name + "'; built-ins: "
                    + String.join(", ", NAMES));
        }
        Shortened shortened = SHORTENED.get(name);
        if (shortened != null) {
            try {
                return "# " + name + ": the built-in " + shortened.base() + " with these overrides:\n#   "
                        + String.join("\n#   ", shortened.overrides()) + "\n#\n#   ./tune4j compare " + name
                        + "\n#   ./tune4j validate " + name + "\n"
                        + RecipeWriter.toYaml(RecipeLoader.load(name, List.of()));
            } catch (IOException e) {
                throw new UncheckedIOException("resolving the built-in recipe " + name, e);
            }
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
