package dev.tune4j.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import dev.tune4j.testing.NetworkSentinel;
import dev.tune4j.testing.TinyMlp;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The foundation's promise: the bundled PyTorch 2.7.1 CPU engine starts from the jars, trains, and never touches the
 * network. The surefire configuration passes the same settings the launcher does; this test checks they arrived.
 */
class OfflineEngineTest {

    @Test
    void engineIsTheBundledPyTorchOnCpuStartedOffline() {
        assertEquals("true", System.getProperty(EngineSetup.OFFLINE_PROPERTY), "tests must run with DJL offline");
        assertNotNull(System.getProperty(EngineSetup.CACHE_DIR_PROPERTY), "tests must pin DJL_CACHE_DIR");
        assertTrue(EngineSetup.hugePageAllocatorEnabled(), "tests must run with THP_MEM_ALLOC_ENABLE=1");

        Engine engine = Engine.getInstance();
        assertEquals("PyTorch", engine.getEngineName());
        assertEquals("2.7.1", engine.getVersion());
        assertEquals(Device.cpu(), engine.defaultDevice());

        EnvironmentReport report = EnvironmentReport.collect();
        Path libtorch = report.libtorchDir();
        assertNotNull(libtorch, "libtorch was not loaded");
        assertTrue(
                libtorch.startsWith(EngineSetup.djlCacheDir()),
                "libtorch came from " + libtorch + ", not from DJL_CACHE_DIR " + EngineSetup.djlCacheDir());
        assertTrue(
                libtorch.getFileName().toString().matches("2\\.7\\.1-\\d{8}-cpu-linux-x86_64"),
                "unexpected libtorch build " + libtorch.getFileName());
        assertTrue(report.engineLine().contains("PyTorch 2.7.1 (DJL 0.36.0), offline"), report.engineLine());

        assertTrue(NetworkSentinel.installed(), "the network sentinel is not this test JVM's proxy selector");
        assertEquals(java.util.List.of(), NetworkSentinel.blockedAttempts(), "the engine tried to reach the network");
    }

    @Test
    void forwardAndBackwardMatchHandComputedGradient() {
        // loss = (w . x)^2 with w = (0.5, -1.5, 2), x = (1, 2, 3): w . x = 3.5, loss = 12.25,
        // d loss / d w = 2 (w . x) x = (7, 14, 21).
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray w = manager.create(new float[] {0.5f, -1.5f, 2f});
            NDArray x = manager.create(new float[] {1f, 2f, 3f});
            w.setRequiresGradient(true);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray loss = w.mul(x).sum().square();
                collector.backward(loss);
                assertEquals(12.25f, loss.getFloat(), 0f);
            }
            assertArrayEquals(new float[] {7f, 14f, 21f}, w.getGradient().toFloatArray(), 0f);
        }
        assertEquals(java.util.List.of(), NetworkSentinel.blockedAttempts());
    }

    @Test
    void tinyModelGetsAGradientForEveryParameterAndLearns() {
        try (NDManager manager = NDManager.newBaseManager();
                TinyMlp model = TinyMlp.create(manager, 6, 8, 2)) {
            NDList batch = model.batch(manager, 16);
            float before;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray loss = model.meanSquaredError(batch.get(0), batch.get(1));
                before = loss.getFloat();
                collector.backward(loss);
            }
            for (var entry : model.block().getParameters()) {
                NDArray weight = entry.getValue().getArray();
                try (NDArray gradient = weight.getGradient(); NDArray step = gradient.mul(0.5f)) {
                    float norm = gradient.abs().sum().getFloat();
                    assertTrue(norm > 0 && Float.isFinite(norm), entry.getKey() + " got gradient norm " + norm);
                    weight.stopGradient().subi(step); // plain SGD step, lr 0.5
                }
            }
            float after;
            try (NDArray loss = model.meanSquaredError(batch.get(0), batch.get(1))) {
                after = loss.getFloat();
            }
            assertTrue(after < before, "one SGD step did not lower the loss: " + before + " -> " + after);
        }
    }

    @Test
    void tinyModelParametersAreDeterministic() {
        try (NDManager manager = NDManager.newBaseManager();
                TinyMlp first = TinyMlp.create(manager, 3, 4, 2);
                TinyMlp second = TinyMlp.create(manager, 3, 4, 2)) {
            var a = first.block().getParameters().values();
            var b = second.block().getParameters().values();
            assertEquals(a.size(), b.size());
            for (int i = 0; i < a.size(); i++) {
                Parameter p = a.get(i);
                assertArrayEquals(p.getArray().toFloatArray(), b.get(i).getArray().toFloatArray(), 0f, p.getName());
            }
            // first weight element is 0.5 * sin(1) / sqrt(3), computed by hand: 0.5 * 0.8414709848 / 1.7320508076
            assertEquals(0.2429118f, a.get(0).getArray().toFloatArray()[0], 1e-6f);
        }
    }
}
