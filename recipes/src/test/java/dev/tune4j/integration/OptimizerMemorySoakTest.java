package dev.tune4j.integration;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.tune4j.metrics.ByteSize;
import dev.tune4j.metrics.ProcessMemory;
import dev.tune4j.optim.Optimizer;
import dev.tune4j.optim.OptimizerSettings;
import dev.tune4j.optim.Optimizers;
import dev.tune4j.optim.TrainableParameter;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * No optimizer leaks native memory: 5,000 steps over a 10M-parameter model (two tensors), with a fresh gradient
 * handle every step as the training loop passes it, and resident memory must stay flat after warm-up. The engine
 * baselines and the other slow steps run fewer steps (see {@link #steps}). Slow, minutes per optimizer:
 * {@code mvn -B verify -Pslow}; {@code -Dtune4j.soak.ids=adam,soaa} picks optimizers.
 */
@Tag("slow")
class OptimizerMemorySoakTest {
    private static final long SLACK_BYTES = 16L << 20; // allocator noise; a leak of one 4-byte state per step is 40 MB

    /** Every registered id, or the comma-separated {@code -Dtune4j.soak.ids=adam,soaa}. */
    static Stream<String> optimizerIds() {
        String only = System.getProperty("tune4j.soak.ids", "");
        return only.isBlank() ? Optimizers.all().keySet().stream() : Stream.of(only.split(",")).map(String::strip);
    }

    /**
     * Steps per optimizer: 5,000 for the fused kernels; fewer where one 10M-parameter step is slow (engine baselines
     * about 150 ms, GaLore's projections about 110 ms, the 8-bit requantization about 800 ms), enough to see a
     * per-step leak of any state-sized buffer.
     */
    private static int steps(String id) {
        if (id.endsWith("_engine")) {
            return 1_000;
        }
        if (id.startsWith("galore")) {
            return 300;
        }
        return id.contains("8bit") ? 200 : 5_000;
    }

    @ParameterizedTest
    @MethodSource("optimizerIds")
    void residentMemoryStaysFlat(String id) {
        int steps = steps(id);
        int warmup = steps / 10;
        try (NDManager manager = NDManager.newBaseManager();
                Optimizer optimizer = Optimizers.create(id, OptimizerSettings.of(Map.of("lr", 1e-4), steps))) {
            NDArray big = manager.randomNormal(new Shape(2_000, 4_000)).mul(0.01f);
            NDArray small = manager.randomNormal(new Shape(2_000_000)).mul(0.01f);
            big.setRequiresGradient(true);
            small.setRequiresGradient(true);
            try (var collector = ai.djl.engine.Engine.getInstance().newGradientCollector();
                    NDManager scope = manager.newSubManager()) {
                scope.tempAttachAll(big, small); // creates the .grad tensors once, as the first backward does
                collector.backward(big.sum().add(small.sum()));
            }
            long afterWarmup = 0;
            for (int step = 1; step <= steps; step++) {
                // a fresh gradient handle every step, as TrainingStep passes them; values written in place
                // (autograd is exercised elsewhere; here the optimizer's own memory is under test)
                try (NDArray gBig = big.getGradient(); NDArray gSmall = small.getGradient()) {
                    gBig.set(new NDIndex("..."), 1e-3f * (step % 7 - 3)); // native fill, varying per step
                    gSmall.set(new NDIndex("..."), 1e-3f * (step % 5 - 2));
                    optimizer.step(List.of(new TrainableParameter("big", big, gBig),
                            new TrainableParameter("small", small, gSmall)), OptionalDouble.of(1.0 / step));
                }
                if (step == warmup) {
                    System.gc();
                    afterWarmup = ProcessMemory.read().residentBytes();
                }
            }
            System.gc();
            long end = ProcessMemory.read().residentBytes();
            System.out.printf("%s: RSS %s after %d steps, %s after %d (change %s)%n", id, ByteSize.format(afterWarmup),
                    warmup, ByteSize.format(end), steps, ByteSize.format(end - afterWarmup));
            assertTrue(end - afterWarmup < SLACK_BYTES, id + " grew RSS by " + ByteSize.format(end - afterWarmup));
        }
    }
}
