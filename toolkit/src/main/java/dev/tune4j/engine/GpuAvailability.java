package dev.tune4j.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.engine.StandardCapabilities;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.LibUtils;
import ai.djl.util.Utils;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether this JVM can train on a GPU, and how the libtorch it runs was found, decided as DJL 0.36 decides it:
 *
 * <ol>
 *   <li>{@value #LIBRARY_PATH} (environment variable or system property): a directory holding {@code libtorch.so}
 *       (or the file itself). DJL loads every library in it; the JNI glue ({@code libdjl_torch.so}) comes from that
 *       directory, or else from the {@code pytorch-jni} jar, which has it for the flavors {@code cpu} and
 *       {@code cu128} only. The flavor is {@value #FLAVOR}; unset, DJL guesses {@code cu<runtime>-precxx11} from the
 *       CUDA runtime it finds, which names no JNI in that jar, so set {@value #FLAVOR}{@code =cu128}.
 *   <li>Otherwise the {@code pytorch-native-*} jar on the class path (tune4j ships the CPU one), extracted into
 *       {@code <DJL_CACHE_DIR>/pytorch/<version>-<flavor>-<os>-<arch>}. A {@value #VERSION} other than the jar's
 *       makes DJL download libtorch, which offline mode forbids.
 * </ol>
 *
 * <p>A GPU is usable when the loaded libtorch is a CUDA build and places a one-element tensor on {@code gpu(0)}:
 * that is the first thing a GPU run does, so the probe says whether a run would start. DJL's own device count
 * ({@link Engine#getGpuCount()}) also needs a {@code libcudart.so} on the library path, which a libtorch directory
 * does not provide under that name, so {@code tune4j env} reports it beside the probe and it does not decide.
 *
 * @param usable whether a tensor could be placed on {@code gpu(0)}
 * @param libtorchDir the directory libtorch was loaded from
 * @param libtorchSource how DJL found it, in words, with the settings that decided it
 * @param cudaBuild whether that libtorch was built with CUDA
 * @param why when not usable, what stops it; empty when usable
 * @param fix when not usable, what to do about it; empty when usable
 */
public record GpuAvailability(boolean usable, Path libtorchDir, String libtorchSource, boolean cudaBuild,
        String why, String fix) {
    /** DJL's setting that names a libtorch directory instead of the bundled jar. */
    public static final String LIBRARY_PATH = "PYTORCH_LIBRARY_PATH";
    /** DJL's setting for the flavor of the libtorch (cpu, cu128, ...). */
    public static final String FLAVOR = "PYTORCH_FLAVOR";
    /** DJL's setting that overrides the libtorch version. */
    public static final String VERSION = "PYTORCH_VERSION";
    /** The CUDA flavor whose JNI glue DJL 0.36's pytorch-jni jar carries for Linux x86_64. */
    public static final String CUDA_FLAVOR = "cu128";
    /** A directory DJL extracted from a native jar: {@code <version>-<flavor>-<os>-<arch>}. */
    private static final Pattern EXTRACTED = Pattern.compile("(.+)-(cpu|cu\\d+)(-precxx11)?-(linux|osx|win)-(.+)");
    private static final String HOW_TO = "to train on a GPU, unpack libtorch 2.7.1 built for CUDA 12.8 (cxx11 ABI,"
            + " shared libraries) and start tune4j with " + LIBRARY_PATH + "=<its lib directory> " + FLAVOR + "="
            + CUDA_FLAVOR + " (README, 'GPU')";

    /**
     * Starts the engine if needed (after {@link EngineSetup#configure()}) and probes {@code gpu(0)} when libtorch is a
     * CUDA build.
     *
     * @throws ai.djl.engine.EngineException if libtorch cannot be loaded at all
     */
    public static GpuAvailability probe() {
        EngineSetup.configure();
        Engine engine = Engine.getInstance();
        boolean cuda = engine.hasCapability(StandardCapabilities.CUDA);
        Optional<String> failure = Optional.empty();
        if (cuda) {
            failure = placeOneTensorOnGpu();
        }
        return decide(Utils::getEnvOrSystemProperty, Path.of(LibUtils.getLibtorchPath()), cuda, failure);
    }

    /**
     * The verdict from what was observed; {@link #probe()} passes the live values.
     *
     * @param settings DJL's settings by name (environment variable, then system property), null when unset
     * @param libtorchDir where libtorch was loaded from
     * @param cudaBuild whether it has the CUDA capability
     * @param gpuFailure for a CUDA build, why a tensor could not be placed on {@code gpu(0)}; empty if it could
     */
    static GpuAvailability decide(UnaryOperator<String> settings, Path libtorchDir, boolean cudaBuild,
            Optional<String> gpuFailure) {
        String source = describeSource(settings, libtorchDir);
        if (!cudaBuild) {
            return new GpuAvailability(false, libtorchDir, source, false,
                    "the libtorch DJL loaded is a CPU-only build (" + source + ")", HOW_TO);
        }
        if (gpuFailure.isPresent()) {
            return new GpuAvailability(false, libtorchDir, source, true,
                    "the libtorch DJL loaded is a CUDA build (" + source + "), but it could not place a tensor on"
                            + " gpu(0): " + gpuFailure.get(),
                    "check that `nvidia-smi` lists a GPU and that its driver supports CUDA 12.8 or newer (the"
                            + " 'CUDA Version' nvidia-smi prints), and that CUDA_VISIBLE_DEVICES, if set, names it");
        }
        return new GpuAvailability(true, libtorchDir, source, true, "", "");
    }

    /** How DJL found the libtorch in {@code libtorchDir}, with the settings that decided it. */
    static String describeSource(UnaryOperator<String> settings, Path libtorchDir) {
        String libraryPath = settings.apply(LIBRARY_PATH);
        String flavor = settings.apply(FLAVOR);
        String version = settings.apply(VERSION);
        StringBuilder text = new StringBuilder();
        if (libraryPath != null) {
            text.append(LIBRARY_PATH).append('=').append(libraryPath).append(", ").append(FLAVOR).append('=')
                    .append(flavor == null ? "unset (set it to " + CUDA_FLAVOR + " for a CUDA libtorch)" : flavor);
        } else {
            Matcher extracted = EXTRACTED.matcher(libtorchDir.getFileName().toString());
            text.append(extracted.matches()
                    ? "the pytorch-native-" + extracted.group(2) + " jar on the class path (libtorch "
                            + extracted.group(1) + "), extracted into DJL's cache; " + LIBRARY_PATH + " unset"
                    : "DJL's cache directory " + libtorchDir + "; " + LIBRARY_PATH + " unset");
        }
        if (version != null) {
            text.append(", ").append(VERSION).append('=').append(version);
        }
        return text.toString();
    }

    private static Optional<String> placeOneTensorOnGpu() {
        try (NDManager manager = NDManager.newBaseManager(Device.gpu())) {
            manager.zeros(new Shape(1), DataType.FLOAT32).toFloatArray();
            return Optional.empty();
        } catch (RuntimeException e) {
            String message = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
            return Optional.of(message.lines().findFirst().orElse(message));
        }
    }

    /** One line: {@code usable (...)} or {@code not usable: why; fix}. */
    public String summary() {
        return usable ? "usable: gpu(0) takes tensors (" + libtorchSource + ")" : "not usable: " + why + "; " + fix;
    }

    /**
     * Refuses to go on when no GPU is usable, before anything is trained.
     *
     * @param what who asks for the GPU, e.g. {@code recipe 'bert-base-imdb' (device: gpu)}
     * @param otherwise the way on without a GPU, e.g. {@code or set device: cpu}
     * @throws IllegalStateException saying what asked, why no GPU is usable and what to do, in one line
     */
    public void requireUsable(String what, String otherwise) {
        if (!usable) {
            throw new IllegalStateException(what + " needs a GPU, and none is usable here: " + why + "; " + fix
                    + "; " + otherwise);
        }
    }
}
