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
 *
 * <p>Two JVM options cannot be set from inside the JVM either, and tune4j does not work without them:
 * {@value #VECTOR_MODULE_FLAG} (the optimizers' Vector API kernels) and {@value #NATIVE_ACCESS_FLAG} (libtorch and
 * the tokenizers are native libraries). {@code configure()} refuses to go on without them and names the one missing,
 * which is what a notebook kernel started from a kernelspec without them needs to hear.
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
    /** The JVM option that makes the incubating Vector API, which the optimizer kernels use, visible. */
    public static final String VECTOR_MODULE_FLAG = "--add-modules jdk.incubator.vector";
    /** The JVM option that lets tune4j's class path load native libraries (libtorch, tokenizers) without warnings. */
    public static final String NATIVE_ACCESS_FLAG = "--enable-native-access=ALL-UNNAMED";
    private static final String VECTOR_MODULE = "jdk.incubator.vector";

    private EngineSetup() {}

    /**
     * Sets the DJL properties that are not already set and reports what could not be fixed from inside the JVM.
     *
     * @return warnings for the user, one sentence each; empty when everything is as tune4j needs it
     * @throws IllegalStateException if the JVM was started without {@value #VECTOR_MODULE_FLAG} or
     *     {@value #NATIVE_ACCESS_FLAG}, naming the missing option and where to add it
     */
    public static synchronized List<String> configure() {
        List<String> missing = missingJvmOptions();
        if (!missing.isEmpty()) {
            throw new IllegalStateException("this JVM was started without " + String.join(" and ", missing)
                    + ", which every tune4j JVM needs (the optimizers' Vector API kernels, libtorch's native code);"
                    + " add " + (missing.size() == 1 ? "it" : "them") + " to the JVM's options: for a notebook"
                    + " kernel, to the argv of its kernel.json before the main class (README, 'Notebooks');"
                    + " the ./tune4j launcher and the Maven build already pass them");
        }
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

    /**
     * The JVM options tune4j needs that this JVM was started without, as they would be written on a command line;
     * empty when both are there.
     */
    public static List<String> missingJvmOptions() {
        List<String> missing = new ArrayList<>();
        if (ModuleLayer.boot().findModule(VECTOR_MODULE).isEmpty()) {
            missing.add(VECTOR_MODULE_FLAG);
        }
        if (!EngineSetup.class.getModule().isNativeAccessEnabled()) {
            missing.add(NATIVE_ACCESS_FLAG);
        }
        return List.copyOf(missing);
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
