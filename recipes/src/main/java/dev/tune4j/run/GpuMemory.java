package dev.tune4j.run;

import ai.djl.Device;
import ai.djl.util.cuda.CudaUtils;
import java.lang.management.MemoryUsage;
import java.util.OptionalLong;

/**
 * GPU memory in use on a device, as the CUDA runtime reports it ({@code cudaMemGetInfo}: total minus free, so it counts
 * every process on the device), through DJL's CUDA binding. Empty on CPU, so CPU runs report no GPU number rather than
 * zero.
 */
public final class GpuMemory {
    private GpuMemory() {}

    /** Bytes in use on {@code device}, or empty when it is not a GPU or CUDA is not available. */
    public static OptionalLong used(Device device) {
        if (!device.isGpu() || !CudaUtils.hasCuda()) {
            return OptionalLong.empty();
        }
        MemoryUsage usage = CudaUtils.getGpuMemory(device);
        return OptionalLong.of(usage.getUsed());
    }
}
