package dev.tune4j.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * How libtorch was found and whether a GPU is usable, decided from DJL's settings and what the engine shows. The
 * expected texts are written out by hand from DJL 0.36's rules (LibUtils: PYTORCH_LIBRARY_PATH first, else the native
 * jar extracted into {@code <version>-<flavor>-<os>-<arch>}).
 */
class GpuAvailabilityTest {
    private static final Path EXTRACTED = Path.of("/cache/djl/pytorch/2.7.1-20250812-cpu-linux-x86_64");

    @Test
    void theBundledCpuJarIsNamedWithItsVersionAndNoGpuIsUsable() {
        GpuAvailability gpu = GpuAvailability.decide(Map.<String, String>of()::get, EXTRACTED, false,
                Optional.empty());
        assertFalse(gpu.usable());
        assertEquals("the pytorch-native-cpu jar on the class path (libtorch 2.7.1-20250812), extracted into DJL's"
                + " cache; PYTORCH_LIBRARY_PATH unset", gpu.libtorchSource());
        assertTrue(gpu.why().startsWith("the libtorch DJL loaded is a CPU-only build (the pytorch-native-cpu jar"),
                gpu.why());
        assertTrue(gpu.fix().contains("PYTORCH_LIBRARY_PATH=<its lib directory> PYTORCH_FLAVOR=cu128"), gpu.fix());
    }

    @Test
    void aLibraryPathWithoutFlavorIsToldToSetCu128() {
        Map<String, String> settings = Map.of("PYTORCH_LIBRARY_PATH", "/opt/libtorch/lib", "PYTORCH_VERSION", "2.7.1");
        GpuAvailability gpu = GpuAvailability.decide(settings::get, Path.of("/opt/libtorch/lib"), true,
                Optional.of("CUDA error: no CUDA-capable device is detected"));
        assertEquals("PYTORCH_LIBRARY_PATH=/opt/libtorch/lib, PYTORCH_FLAVOR=unset (set it to cu128 for a CUDA"
                + " libtorch), PYTORCH_VERSION=2.7.1", gpu.libtorchSource());
        assertFalse(gpu.usable());
        assertTrue(gpu.cudaBuild());
        assertTrue(gpu.why().endsWith("could not place a tensor on gpu(0): CUDA error: no CUDA-capable device is"
                + " detected"), gpu.why());
        assertTrue(gpu.fix().contains("nvidia-smi"), gpu.fix());
    }

    @Test
    void aCudaBuildThatTakesATensorIsUsable() {
        Map<String, String> settings = Map.of("PYTORCH_LIBRARY_PATH", "/opt/libtorch/lib", "PYTORCH_FLAVOR", "cu128");
        GpuAvailability gpu = GpuAvailability.decide(settings::get, Path.of("/opt/libtorch/lib"), true,
                Optional.empty());
        assertTrue(gpu.usable());
        assertEquals("usable: gpu(0) takes tensors (PYTORCH_LIBRARY_PATH=/opt/libtorch/lib, PYTORCH_FLAVOR=cu128)",
                gpu.summary());
        gpu.requireUsable("test", "no other way"); // does not throw
    }

    /** This machine runs the bundled CPU libtorch, as the build configures it: the live probe must say so. */
    @Test
    void theLiveEngineHereIsTheCpuBuildAndAGpuRequestIsRefusedWithWhatToDo() {
        GpuAvailability gpu = GpuAvailability.probe();
        assertFalse(gpu.usable());
        assertFalse(gpu.cudaBuild());
        assertTrue(gpu.libtorchSource().startsWith("the pytorch-native-cpu jar on the class path (libtorch 2.7.1-"),
                gpu.libtorchSource());
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> gpu.requireUsable("recipe 'x' (device: gpu)", "or set device: cpu"));
        assertTrue(refused.getMessage().startsWith("recipe 'x' (device: gpu) needs a GPU, and none is usable here:"
                + " the libtorch DJL loaded is a CPU-only build"), refused.getMessage());
        assertTrue(refused.getMessage().endsWith("(README, 'GPU'); or set device: cpu"), refused.getMessage());
        assertFalse(refused.getMessage().contains("\n"), "one line: " + refused.getMessage());
    }
}
