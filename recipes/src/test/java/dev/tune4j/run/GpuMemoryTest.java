package dev.tune4j.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tune4j.runfiles.MetricKeys;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * GPU memory keys on this machine, which has no GPU and no NVIDIA driver: a CPU run writes no GPU key at all (absent,
 * not 0), and a GPU run whose NVML cannot be loaded writes no reading, only the reason, without throwing.
 */
class GpuMemoryTest {
    private static final List<String> READING_KEYS = List.of(MetricKeys.GPU_PROCESS_BYTES,
            MetricKeys.GPU_PROCESS_PEAK_BYTES, MetricKeys.GPU_DEVICE_USED_BYTES, MetricKeys.GPU_DEVICE_TOTAL_BYTES,
            MetricKeys.GPU_MEMORY_UNAVAILABLE);

    @Test
    void aCpuRunWritesNoGpuKey() {
        GpuMemory memory = GpuMemory.of(Device.cpu());
        ObjectNode line = JsonNodeFactory.instance.objectNode();
        memory.putReading(line);
        memory.putSummary(line);
        assertEquals(0, line.size(), line.toString());
        assertEquals(Optional.empty(), memory.unavailableReason());
    }

    @Test
    void withoutTheDriverAGpuRunRecordsWhyAndNoNumber() {
        GpuMemory memory = GpuMemory.of(Device.gpu());
        ObjectNode line = JsonNodeFactory.instance.objectNode();
        memory.putReading(line);
        assertEquals(0, line.size(), "no reading without NVML: " + line);
        ObjectNode summary = JsonNodeFactory.instance.objectNode();
        memory.putSummary(summary);
        List<String> keys = new java.util.ArrayList<>();
        summary.fieldNames().forEachRemaining(keys::add);
        assertEquals(List.of(MetricKeys.GPU_MEMORY_UNAVAILABLE), keys, summary.toString());
        String reason = summary.get(MetricKeys.GPU_MEMORY_UNAVAILABLE).asText();
        // the loader's own words name the missing driver library; ours say what provides it
        assertTrue(reason.startsWith("NVML could not be loaded through org.bytedeco cuda ("), reason);
        assertTrue(reason.matches(".*lib(cuda|nvidia-ml)\\.so\\.1.*cannot open shared object file.*"), reason);
        assertTrue(reason.endsWith("it needs the NVIDIA driver's libnvidia-ml.so.1 and libcuda.so.1: install the"
                + " driver, or add the directory holding them to LD_LIBRARY_PATH"), reason);
        assertEquals(Optional.of(reason), memory.unavailableReason());
        assertTrue(GpuMemory.nvmlStatus().startsWith("not available: NVML could not be loaded"),
                GpuMemory.nvmlStatus());
        assertTrue(READING_KEYS.stream().noneMatch(key -> line.has(key)));
    }
}
