package dev.tune4j.engine;

import java.nio.file.Path;

/**
 * The one directory where tune4j keeps what it fetches and extracts: data sets, tokenizers, imported weights and the
 * libtorch native cache. Resolved from the {@code tune4j.home} system property, then the {@code TUNE4J_HOME}
 * environment variable, then {@code ~/.cache/tune4j}.
 */
public final class Tune4jHome {
    /** System property that overrides the home directory. */
    public static final String PROPERTY = "tune4j.home";
    /** Environment variable that overrides the home directory. */
    public static final String ENV = "TUNE4J_HOME";

    private Tune4jHome() {}

    /** The home directory (not created). */
    public static Path resolve() {
        String property = System.getProperty(PROPERTY);
        if (property != null && !property.isBlank()) {
            return Path.of(property);
        }
        String env = System.getenv(ENV);
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return Path.of(System.getProperty("user.home"), ".cache", "tune4j");
    }
}
