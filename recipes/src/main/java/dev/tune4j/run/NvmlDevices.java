package dev.tune4j.run;

import dev.tune4j.engine.Tune4jHome;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.bytedeco.cuda.global.nvml;
import org.bytedeco.cuda.nvml.nvmlDevice_st;
import org.bytedeco.cuda.nvml.nvmlMemory_t;
import org.bytedeco.cuda.nvml.nvmlProcessInfo_v2_t;
import org.bytedeco.javacpp.Loader;

/**
 * The NVIDIA driver's management library (NVML), reached through the {@code org.bytedeco:cuda} Java bindings: memory
 * in use on a GPU and by each process on it. NVML reads the driver's counters; it creates no CUDA context and
 * allocates nothing on the device.
 *
 * <p>What it needs on the machine: the NVIDIA driver's {@code libnvidia-ml.so.1} and {@code libcuda.so.1} (the
 * bindings' JNI glue for NVML sits on top of their CUDA runtime glue, which links the driver library). The bindings'
 * jars (about 6.5 MB with their JNI glue and the CUDA runtime library it loads) come with tune4j; no CUDA toolkit is
 * needed. JavaCPP extracts the glue into {@code $TUNE4J_HOME/javacpp} unless {@value #CACHE_DIR_PROPERTY} says
 * otherwise. When any of it is missing, {@link #loadFailure()} says what and nothing else happens: no exception
 * escapes.
 */
final class NvmlDevices {
    /** JavaCPP's setting for where it extracts native libraries from its jars. */
    static final String CACHE_DIR_PROPERTY = "org.bytedeco.javacpp.cachedir";
    private static final long NOT_AVAILABLE = -1L; // NVML_VALUE_NOT_AVAILABLE, an unsigned long long of all ones
    private static Optional<String> failure;

    private NvmlDevices() {}

    /**
     * Loads and initializes NVML once per JVM.
     *
     * @return empty when NVML is ready, else why it is not, with what to install
     */
    static synchronized Optional<String> loadFailure() {
        if (failure == null) {
            failure = load();
        }
        return failure;
    }

    private static Optional<String> load() {
        if (System.getProperty(CACHE_DIR_PROPERTY) == null) {
            System.setProperty(CACHE_DIR_PROPERTY, Tune4jHome.resolve().resolve("javacpp").toString());
        }
        try {
            Loader.load(nvml.class);
            int status = nvml.nvmlInit_v2();
            if (status != nvml.NVML_SUCCESS) {
                return Optional.of("NVML did not start: " + errorText(status) + "; check that `nvidia-smi` works");
            }
            return Optional.empty();
        } catch (LinkageError | RuntimeException e) { // a missing library, or a loader that refuses: fail soft
            Throwable deepest = e;
            while (deepest.getCause() != null) {
                deepest = deepest.getCause();
            }
            String message = deepest.getMessage() == null ? deepest.getClass().getName() : deepest.getMessage();
            return Optional.of("NVML could not be loaded through org.bytedeco cuda (" + message.lines().findFirst()
                    .orElse(message) + "); it needs the NVIDIA driver's libnvidia-ml.so.1 and libcuda.so.1: install"
                    + " the driver, or add the directory holding them to LD_LIBRARY_PATH");
        }
    }

    /** The GPUs NVML lists (its own order, which need not be CUDA's). Requires {@link #loadFailure()} empty. */
    static List<nvmlDevice_st> all() {
        int[] count = new int[1];
        check(nvml.nvmlDeviceGetCount_v2(count), "nvmlDeviceGetCount");
        List<nvmlDevice_st> devices = new ArrayList<>(count[0]);
        for (int i = 0; i < count[0]; i++) {
            nvmlDevice_st handle = new nvmlDevice_st();
            check(nvml.nvmlDeviceGetHandleByIndex_v2(i, handle), "nvmlDeviceGetHandleByIndex " + i);
            devices.add(handle);
        }
        return devices;
    }

    /** {@code {used, total}} bytes of the whole device, every process counted. */
    static long[] deviceMemory(nvmlDevice_st device) {
        try (nvmlMemory_t memory = new nvmlMemory_t()) {
            check(nvml.nvmlDeviceGetMemoryInfo(device, memory), "nvmlDeviceGetMemoryInfo");
            return new long[] {memory.used(), memory.total()};
        }
    }

    /**
     * The device memory NVML attributes to process {@code pid} on {@code device} (its CUDA context and every block its
     * allocator holds), or empty when the process has none there or the driver does not say (NVML lists host process
     * ids, so a process in a container with its own process-id namespace is not found by its own id).
     */
    static OptionalLong processMemory(nvmlDevice_st device, long pid) {
        int[] count = {0};
        int status = nvml.nvmlDeviceGetComputeRunningProcesses_v3(device, count, null);
        for (int attempt = 0; attempt < 3 && status == nvml.NVML_ERROR_INSUFFICIENT_SIZE; attempt++) {
            int capacity = count[0] + 4; // processes may start between the two calls
            try (nvmlProcessInfo_v2_t processes = new nvmlProcessInfo_v2_t(capacity)) {
                count[0] = capacity;
                status = nvml.nvmlDeviceGetComputeRunningProcesses_v3(device, count, processes);
                if (status == nvml.NVML_SUCCESS) {
                    for (int i = 0; i < count[0]; i++) {
                        nvmlProcessInfo_v2_t process = processes.getPointer(i);
                        if (Integer.toUnsignedLong(process.pid()) == pid) {
                            long used = process.usedGpuMemory();
                            return used == NOT_AVAILABLE ? OptionalLong.empty() : OptionalLong.of(used);
                        }
                    }
                }
            }
        }
        if (status != nvml.NVML_SUCCESS) {
            check(status, "nvmlDeviceGetComputeRunningProcesses");
        }
        return OptionalLong.empty();
    }

    private static void check(int status, String call) {
        if (status != nvml.NVML_SUCCESS) {
            throw new IllegalStateException(call + " failed: " + errorText(status));
        }
    }

    private static String errorText(int status) {
        return nvml.nvmlErrorString(status).getString() + " (NVML status " + status + ")";
    }
}
