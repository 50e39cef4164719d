package dev.tune4j.run;

import ai.djl.Device;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tune4j.runfiles.MetricKeys;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.bytedeco.cuda.nvml.nvmlDevice_st;

/**
 * The GPU memory of one run, read through NVML ({@link NvmlDevices}) after each step: this process's device memory,
 * its peak over the run's readings, and the memory in use on the whole device. On a CPU run there is nothing to read
 * and every GPU key stays absent (never 0); on a GPU run whose memory cannot be read the summary says why under
 * {@value MetricKeys#GPU_MEMORY_UNAVAILABLE}.
 *
 * <p>The device is the one on which NVML lists this process (found at the first reading, after the first step has
 * created the CUDA context), or the only GPU when there is one. What NVML attributes to the process is its CUDA context
 * plus every block libtorch's caching allocator holds, in use or cached for reuse; the caching allocator keeps what it
 * reserved, so the reading after a step is close to the step's own peak, and the run's peak is the largest reading.
 */
public final class GpuMemory {
    private final boolean gpu;
    private final long pid = ProcessHandle.current().pid();
    private nvmlDevice_st device;
    private String unavailable;
    private long processPeakBytes = -1;
    private long deviceTotalBytes = -1;

    private GpuMemory(boolean gpu) {
        this.gpu = gpu;
    }

    /** The readings for a run on {@code device}: none on CPU; NVML is loaded on the first GPU reading. */
    public static GpuMemory of(Device device) {
        return new GpuMemory(device.isGpu());
    }

    /**
     * Whether NVML can be loaded in this JVM, in words, for {@code tune4j env}: {@code loaded, N GPU(s)} or why not.
     */
    public static String nvmlStatus() {
        Optional<String> failure = NvmlDevices.loadFailure();
        if (failure.isPresent()) {
            return "not available: " + failure.get();
        }
        try {
            return "loaded (org.bytedeco cuda), " + NvmlDevices.all().size() + " GPU(s) listed";
        } catch (RuntimeException e) {
            return "loaded, but " + e.getMessage();
        }
    }

    /**
     * Reads the memory now and adds {@value MetricKeys#GPU_PROCESS_BYTES}, {@value MetricKeys#GPU_PROCESS_PEAK_BYTES}
     * and {@value MetricKeys#GPU_DEVICE_USED_BYTES} to a train line, each only when it could be read; adds nothing on
     * CPU.
     */
    public void putReading(ObjectNode line) {
        if (!gpu || unavailable != null) {
            return;
        }
        try {
            if (device == null && !locate()) {
                return;
            }
            long[] usedAndTotal = NvmlDevices.deviceMemory(device);
            deviceTotalBytes = usedAndTotal[1];
            OptionalLong process = NvmlDevices.processMemory(device, pid);
            if (process.isPresent()) {
                processPeakBytes = Math.max(processPeakBytes, process.getAsLong());
                line.put(MetricKeys.GPU_PROCESS_BYTES, process.getAsLong());
                line.put(MetricKeys.GPU_PROCESS_PEAK_BYTES, processPeakBytes);
            }
            line.put(MetricKeys.GPU_DEVICE_USED_BYTES, usedAndTotal[0]);
        } catch (RuntimeException e) { // an NVML call failed: no more readings, the reason goes into the summary
            unavailable = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
        }
    }

    /**
     * Adds the run's {@value MetricKeys#GPU_PROCESS_PEAK_BYTES} and {@value MetricKeys#GPU_DEVICE_TOTAL_BYTES} to the
     * summary, or on a GPU run that could not read them {@value MetricKeys#GPU_MEMORY_UNAVAILABLE}; nothing on CPU.
     */
    public void putSummary(ObjectNode summary) {
        if (!gpu) {
            return;
        }
        if (processPeakBytes >= 0) {
            summary.put(MetricKeys.GPU_PROCESS_PEAK_BYTES, processPeakBytes);
        }
        if (deviceTotalBytes >= 0) {
            summary.put(MetricKeys.GPU_DEVICE_TOTAL_BYTES, deviceTotalBytes);
        }
        Optional<String> reason = unavailableReason();
        reason.ifPresent(why -> summary.put(MetricKeys.GPU_MEMORY_UNAVAILABLE, why));
    }

    /** On a GPU run, why some reading is missing (NVML not loadable, device not found); empty otherwise. */
    public Optional<String> unavailableReason() {
        if (!gpu) {
            return Optional.empty();
        }
        if (unavailable != null) {
            return Optional.of(unavailable);
        }
        if (device != null && processPeakBytes < 0) {
            return Optional.of("NVML does not list this process (pid " + pid + ") on the device: a container with its"
                    + " own process-id namespace shows host ids; the device-wide numbers are there");
        }
        return Optional.empty();
    }

    /** Finds the device; false (with the reason kept) when it cannot be told. */
    private boolean locate() {
        Optional<String> failure = NvmlDevices.loadFailure();
        if (failure.isPresent()) {
            unavailable = failure.get();
            return false;
        }
        List<nvmlDevice_st> devices = NvmlDevices.all();
        for (nvmlDevice_st candidate : devices) {
            if (NvmlDevices.processMemory(candidate, pid).isPresent()) {
                device = candidate;
                return true;
            }
        }
        if (devices.size() == 1) {
            device = devices.getFirst();
            return true;
        }
        unavailable = "NVML lists " + devices.size() + " GPUs and this process (pid " + pid + ") on none of them, so"
                + " which one it uses cannot be told";
        return false;
    }
}
