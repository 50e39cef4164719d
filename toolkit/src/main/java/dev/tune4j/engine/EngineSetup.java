package dev.tune4j.engine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Puts Deep Java Library into the only mode tune4j uses: the PyTorch engine from the jars on the class path,
 * no downloads, no telemetry, a fixed native-library cache.
 *
 * <p>DJL reads these settings once, when the engine first loads, so {@link #configure()} must run before the first
 * {@code Engine.getInstance()} or {@code NDManager.newBaseManager()}. The {@code ./tune4j} launcher and the Maven
 * test configuration already pass them on the command line; {@code configure()} fills in whatever is missing, which
 * is what a notebook kernel or an embedding application needs.
 *
 * <ul>
 *   <li>{@value #OFFLINE_PROPERTY}{@code =true}: DJL never opens a URL (a missing native jar then fails fast instead of
 *       downloading libtorch) and skips its start-up telemetry call.
 *   <li>{@value #CACHE_DIR_PROPERTY}: where libtorch (432 MB) is extracted once; default {@code $TUNE4J_HOME/djl}.
 *   <li>{@value #DEFAULT_ENGINE_PROPERTY}{@code =PyTorch}: the tokenizers jar registers a second engine.
 *   <li>{@value #THP_ENV}{@code =1}: libtorch's transparent-huge-page allocator (5-10x faster allocation on these
 *       machines). It is an environment variable, read by native code, so it cannot be set from inside the JVM:
 *       {@code configure()} only warns when it is missing.
 * </ul>
 */
public final class EngineSetup {
    /** DJL's switch that forbids every download. */
    public static final String OFFLINE_PROPERTY = "ai.djl.offline";
    /** DJL's cache directory for extracted native libraries. */
    public static final String CACHE_DIR_PROPERTY = "DJL_CACHE_DIR";
    /** DJL's choice of default engine. */
    public static final String DEFAULT_ENGINE_PROPERTY = "ai.djl.default_engine";
    /** libtorch's huge-page allocator switch (environment only). */
    public static final String THP_ENV = "THP_MEM_ALLOC_ENABLE";
    /** The engine tune4j runs on. */
    public static final String ENGINE_NAME = "PyTorch";

    private EngineSetup() {}

    /**
     * Sets the DJL properties that are not already set and reports what could not be fixed from inside the JVM.
     *
     * @return warnings for the user, one sentence each; empty when everything is as tune4j needs it
     */
    public static synchronized List<String> configure() {
        List<String> warnings = new ArrayList<>();
        String offline = System.getProperty(OFFLINE_PROPERTY);
        if (offline != null && !offline.equalsIgnoreCase("true")) {
            warnings.add(OFFLINE_PROPERTY + " was '" + offline + "'; tune4j never downloads, so it is now true");
        }
        System.setProperty(OFFLINE_PROPERTY, "true");
        if (System.getProperty(CACHE_DIR_PROPERTY) == null && System.getenv(CACHE_DIR_PROPERTY) == null) {
            System.setProperty(CACHE_DIR_PROPERTY, Tune4jHome.resolve().resolve("djl").toString());
        }
        if (System.getProperty(DEFAULT_ENGINE_PROPERTY) == null) {
            System.setProperty(DEFAULT_ENGINE_PROPERTY, ENGINE_NAME);
        }
        if (!hugePageAllocatorEnabled()) {
            warnings.add(THP_ENV + "=1 is not in the environment: libtorch allocates 5-10x slower;"
                    + " start the JVM through ./tune4j or export " + THP_ENV + "=1 before starting it");
        }
        return List.copyOf(warnings);
    }

    /** Whether DJL runs offline in this JVM. */
    public static boolean offline() {
        String property = System.getProperty(OFFLINE_PROPERTY);
        String env = System.getenv("DJL_OFFLINE");
        return "true".equalsIgnoreCase(property) || (property == null && "true".equalsIgnoreCase(env));
    }

    /** Whether libtorch's huge-page allocator was switched on when this process started. */
    public static boolean hugePageAllocatorEnabled() {
        return "1".equals(System.getenv(THP_ENV));
    }

    /** The directory DJL extracts native libraries into, as DJL itself resolves it (property, then environment). */
    public static Path djlCacheDir() {
        String property = System.getProperty(CACHE_DIR_PROPERTY);
        if (property != null && !property.isBlank()) {
            return Path.of(property);
        }
        String env = System.getenv(CACHE_DIR_PROPERTY);
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        Path home = Path.of(System.getProperty("user.home"), ".djl.ai");
        return Files.isWritable(home.getParent()) ? home : Path.of(System.getProperty("java.io.tmpdir"), ".djl.ai");
    }
}
