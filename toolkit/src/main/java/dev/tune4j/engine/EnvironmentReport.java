package dev.tune4j.engine;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.LibUtils;
import dev.tune4j.metrics.ByteSize;
import dev.tune4j.metrics.HostMemory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import jdk.incubator.vector.FloatVector;

/**
 * What a run depends on, read from the live JVM and engine: Java, DJL and libtorch versions, device, cores, memory
 * and the DJL settings. {@code tune4j env} prints it and every run records it, so a result can be tied to the machine
 * that produced it.
 *
 * @param javaVersion {@code java.runtime.version}
 * @param javaVendor {@code java.vendor}
 * @param javaHome the JDK in use
 * @param engineName DJL engine name, {@code PyTorch}
 * @param engineVersion libtorch version DJL reports, e.g. {@code 2.7.1}
 * @param djlVersion DJL API version, e.g. {@code 0.36.0}
 * @param libtorchDir directory the native libtorch was loaded from (its name carries build date and flavor)
 * @param device the engine's default device, e.g. {@code cpu()}
 * @param gpuCount GPUs the engine can see
 * @param cores processors available to the JVM
 * @param memory physical memory of the host
 * @param maxHeapBytes the JVM's maximum heap
 * @param djlCacheDir where DJL extracts native libraries
 * @param offline whether DJL may not download
 * @param hugePageAllocator whether {@code THP_MEM_ALLOC_ENABLE=1} was set at process start
 * @param vectorBitSize width of the preferred float vector species of the Vector API
 * @param gpu whether a GPU is usable and how libtorch was found ({@link GpuAvailability#probe()})
 */
public record EnvironmentReport(
        String javaVersion,
        String javaVendor,
        Path javaHome,
        String engineName,
        String engineVersion,
        String djlVersion,
        Path libtorchDir,
        String device,
        int gpuCount,
        int cores,
        HostMemory memory,
        long maxHeapBytes,
        Path djlCacheDir,
        boolean offline,
        boolean hugePageAllocator,
        int vectorBitSize,
        GpuAvailability gpu) {

    /**
     * Starts the engine if it is not running yet (after {@link EngineSetup#configure()}) and reads the report.
     *
     * @throws ai.djl.engine.EngineException if libtorch cannot be loaded
     */
    public static EnvironmentReport collect() {
        EngineSetup.configure();
        Engine engine = Engine.getInstance();
        String libtorchPath = LibUtils.getLibtorchPath();
        return new EnvironmentReport(
                System.getProperty("java.runtime.version"),
                System.getProperty("java.vendor"),
                Path.of(System.getProperty("java.home")),
                engine.getEngineName(),
                engine.getVersion(),
                Engine.getDjlVersion(),
                libtorchPath == null ? null : Path.of(libtorchPath),
                engine.defaultDevice().toString(),
                engine.getGpuCount(),
                Runtime.getRuntime().availableProcessors(),
                HostMemory.read(),
                Runtime.getRuntime().maxMemory(),
                EngineSetup.djlCacheDir(),
                EngineSetup.offline(),
                EngineSetup.hugePageAllocatorEnabled(),
                FloatVector.SPECIES_PREFERRED.vectorBitSize(),
                GpuAvailability.probe());
    }

    /** The one line that names the engine, e.g. {@code engine    PyTorch 2.7.1 (DJL 0.36.0), offline}. */
    public String engineLine() {
        return String.format(
                Locale.ROOT,
                "%-10s %s %s (DJL %s), %s",
                "engine",
                engineName,
                engineVersion,
                djlVersion,
                offline ? "offline" : "ONLINE: may download");
    }

    /** The report as aligned {@code key value} lines for a terminal. */
    public List<String> lines() {
        List<String> lines = new ArrayList<>();
        lines.add(row("java", javaVersion + " (" + javaVendor + ", " + javaHome + ")"));
        lines.add(engineLine());
        lines.add(row("libtorch", (libtorchDir == null ? "not loaded" : libtorchDir.toString()) + " ("
                + gpu.libtorchSource() + ")"));
        lines.add(row("device", device + ", " + gpuCount + " GPU(s) counted by DJL ("
                + (gpu.cudaBuild() ? "CUDA build of libtorch; DJL counts through a libcudart.so it can load)"
                        : "a CPU-only libtorch counts none)")));
        lines.add(row("gpu", gpu.summary()));
        lines.add(row("cores", Integer.toString(cores)));
        lines.add(row(
                "memory",
                ByteSize.format(memory.totalBytes()) + " total, " + ByteSize.format(memory.availableBytes())
                        + " available; JVM heap max " + ByteSize.format(maxHeapBytes)));
        lines.add(row("cache", djlCacheDir + " (DJL native libraries)"));
        lines.add(row(
                "allocator",
                hugePageAllocator
                        ? EngineSetup.THP_ENV + "=1 (huge pages)"
                        : EngineSetup.THP_ENV + " unset: libtorch allocation 5-10x slower"));
        lines.add(row("vector", vectorBitSize + "-bit float vectors (jdk.incubator.vector)"));
        return lines;
    }

    private static String row(String key, String value) {
        return String.format(Locale.ROOT, "%-10s %s", key, value);
    }
}
