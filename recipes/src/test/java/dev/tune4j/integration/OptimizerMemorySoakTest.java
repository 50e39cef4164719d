package dev.tune4j.integration;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
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
 * baselines take about 150 ms a step at this size, so they run 1,000 steps (their leak, when not avoided, is 80 MB
 * per optimizer instance and would show at once). Slow, a few minutes per optimizer: {@code mvn -B verify -Pslow}.
 */
@Tag("slow")
class OptimizerMemorySoakTest {
    private static final long SLACK_BYTES = 16L << 20; // allocator noise; a leak of one 4-byte state per step is 40 MB

    static Stream<String> optimizerIds() {
        return Optimizers.all().keySet().stream();
    }

    @ParameterizedTest
    @MethodSource("optimizerIds")
    void residentMemoryStaysFlat(String id) {
        int steps = id.endsWith("_engine") ? 1_000 : 5_000;
        int warmup = steps / 10;
        try (NDManager manager = NDManager.newBaseManager();
                Optimizer optimizer = Optimizers.create(id, OptimizerSettings.of(Map.of("lr", 1e-4), steps))) {
            NDArray big = manager.randomNormal(new Shape(2_000, 4_000)).mul(0.01f);
            NDArray small = manager.randomNormal(new Shape(2_000_000)).mul(0.01f);
            big.setRequiresGradient(true);
            small.setRequiresGradient(true);
            long afterWarmup = 0;
            for (int step = 1; step <= steps; step++) {
                try (NDManager scope = manager.newSubManager();
                        var collector = ai.djl.engine.Engine.getInstance().newGradientCollector()) {
                    scope.tempAttachAll(big, small); // the loss graph's arrays land in the step scope
                    NDArray loss = big.square().sum().add(small.square().sum()).mul(0.5f);
                    collector.backward(loss);
                }
                try (NDArray gBig = big.getGradient(); NDArray gSmall = small.getGradient()) {
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
