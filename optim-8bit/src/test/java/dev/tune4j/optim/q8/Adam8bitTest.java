package dev.tune4j.optim.q8;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tune4j.checkpoint.SafeTensorsDType;
import dev.tune4j.checkpoint.SafeTensorsFile;
import dev.tune4j.checkpoint.TensorInfo;
import dev.tune4j.optim.Optimizer;
import dev.tune4j.optim.OptimizerSettings;
import dev.tune4j.optim.Optimizers;
import dev.tune4j.optim.ParameterGroup;
import dev.tune4j.optim.ParameterRole;
import dev.tune4j.optim.StateFiles;
import dev.tune4j.optim.TrainableParameter;
import dev.tune4j.optim.adam.AdamOptions;
import dev.tune4j.testing.DeterministicTensors;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Adam8bitTest {
    /** Parameters named {@code names[k]} of {@code sizes[k]} elements with deterministic weights. */
    private static List<NDArray> weights(NDManager manager, int... sizes) {
        List<NDArray> weights = new ArrayList<>();
        for (int k = 0; k < sizes.length; k++) {
            weights.add(DeterministicTensors.sinArange(manager, new Shape(sizes[k]), 0.1, 100 + k));
        }
        return weights;
    }

    /** One step with deterministic gradients of phase {@code step}. */
    private static List<TrainableParameter> step(NDManager manager, Optimizer optimizer, List<String> names,
            List<NDArray> weights, int step) {
        List<TrainableParameter> parameters = new ArrayList<>();
        for (int k = 0; k < weights.size(); k++) {
            NDArray weight = weights.get(k);
            parameters.add(new TrainableParameter(names.get(k), weight,
                    DeterministicTensors.sinArange(manager, weight.getShape(), 0.01, 7 * step + k)));
        }
        optimizer.step(parameters, OptionalDouble.empty());
        return parameters;
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    /**
     * Sizes 100 and 4095 (below min_8bit_size 4096) keep float32 moments, 4096 and 10000 get 8-bit codes: the
     * fraction counts elements, not tensors.
     */
    @Test
    void telemetryGivesTheShareOfElementsKeptInFloat32() {
        try (NDManager manager = NDManager.newBaseManager();
                var optimizer = Optimizers.create(Adam8bitFactory.ADAMW_ID, OptimizerSettings.of(Map.of(), 10))) {
            assertEquals(Map.of(), optimizer.telemetry(), "nothing before the first step");
            List<String> names = List.of("a.weight", "b.weight", "c.weight", "d.weight");
            step(manager, optimizer, names, weights(manager, 100, 4095, 4096, 10000), 1);
            assertEquals(Map.of("fp32_state_fraction", (100.0 + 4095) / (100 + 4095 + 4096 + 10000)),
                    optimizer.telemetry());
        }
        try (NDManager manager = NDManager.newBaseManager();
                var optimizer = Optimizers.create(Adam8bitFactory.ADAM_ID,
                        OptimizerSettings.of(Map.of("optim_bits", 32), 10))) {
            step(manager, optimizer, List.of("a.weight"), weights(manager, 5000), 1);
            assertEquals(Map.of("fp32_state_fraction", 1.0), optimizer.telemetry(), "optim_bits 32: all float32");
        }
    }

    @Test
    void stateBytesFollowTheFormulaForAMixOfSizes() {
        int[] sizes = {1, 64, 4095, 4096, 4097, 5000, 65536, 70000};
        List<String> names = new ArrayList<>();
        for (int k = 0; k < sizes.length; k++) {
            names.add("layer" + k + ".weight");
        }
        for (int blockSize : new int[] {256, 2048, 64}) {
            try (NDManager manager = NDManager.newBaseManager();
                    var optimizer = Optimizers.create(Adam8bitFactory.ADAMW_ID,
                            OptimizerSettings.of(Map.of("block_size", blockSize), 10))) {
                List<NDArray> weights = weights(manager, sizes);
                assertEquals(0, optimizer.stateBytes());
                step(manager, optimizer, names, weights, 1);
                // the state Adam8bit declares: per moment 1 byte per element (codes) + a 4-byte absmax per
                // block, x 2 moments, when quantized
                // (n >= 4096), 8 bytes per element (two float32 moments) otherwise
                long expected = 0;
                for (int size : sizes) {
                    expected += size >= 4096 ? 2L * size + 8 * ceilDiv(size, blockSize) : 8L * size;
                }
                assertEquals(expected, optimizer.stateBytes(), "block size " + blockSize);
                step(manager, optimizer, names, weights, 2);
                assertEquals(expected, optimizer.stateBytes(), "state must not grow, block size " + blockSize);
            }
        }
    }

    @Test
    void momentsOfAFloat32ParameterAreItsStateAndOfAQuantizedOneTheDequantizedCodes() {
        // min_8bit_size 4096: the 4095-element tensor keeps float32 moments, the 4096-element one is quantized
        try (NDManager manager = NDManager.newBaseManager();
                var optimizer = Optimizers.create(Adam8bitFactory.ADAMW_ID,
                        OptimizerSettings.of(Map.of("lr", 0.01), 10))) {
            float[] g = DeterministicTensors.sinArangeFloat(4096, 0.01, 4);
            var small = new TrainableParameter("small", manager.create(new float[4095]),
                    manager.create(java.util.Arrays.copyOf(g, 4095)));
            var large = new TrainableParameter("large", manager.create(new float[4096]), manager.create(g));
            assertEquals(0, Adam8bit.moments(optimizer, small)[0].length);
            optimizer.step(List.of(small, large), OptionalDouble.empty());
            float[][] fp32 = Adam8bit.moments(optimizer, small);
            for (int i = 0; i < 4095; i++) {
                // at t = 1 from zero state: m = (1 - beta1) g and v = (1 - beta2) g^2, in float32
                assertEquals(0.1f * g[i], fp32[0][i], Math.ulp(0.1f * g[i]), "m " + i);
                assertEquals(0.001f * g[i] * g[i], fp32[1][i], 2 * Math.ulp(0.001f * g[i] * g[i]), "v " + i);
            }
            float[][] quantized = Adam8bit.moments(optimizer, large);
            float[][] dequantized = Adam8bit.dequantizedMoments(optimizer, large);
            assertTrue(java.util.Arrays.equals(dequantized[0], quantized[0]));
            assertTrue(java.util.Arrays.equals(dequantized[1], quantized[1]));
        }
    }

    @Test
    void firstStepIsAdamsSignStepAndZeroOrNonFiniteGradientsLeaveWeightsAlone() {
        try (NDManager manager = NDManager.newBaseManager();
                var optimizer = Optimizers.create(Adam8bitFactory.ADAM_ID,
                        OptimizerSettings.of(Map.of("lr", 0.01), 10))) {
            int size = 4096;
            float[] initial = DeterministicTensors.sinArangeFloat(size, 0.1, 3);
            float[] g = DeterministicTensors.sinArangeFloat(size, 0.01, 4);
            for (int i = 256; i < 512; i++) {
                g[i] = 0; // block 1 all zero
            }
            g[1000] = Float.NaN;
            g[1001] = Float.POSITIVE_INFINITY;
            g[1002] = Float.NEGATIVE_INFINITY;
            NDArray weight = manager.create(initial, new Shape(size));
            var parameter = new TrainableParameter("w", weight, manager.create(g, new Shape(size)));
            optimizer.step(List.of(parameter), OptionalDouble.empty());
            float[] after = weight.toFloatArray();
            float[][] moments = Adam8bit.dequantizedMoments(optimizer, parameter);
            for (int i = 0; i < size; i++) {
                boolean untouched = (i >= 256 && i < 512) || (i >= 1000 && i <= 1002);
                if (untouched) {
                    assertEquals(initial[i], after[i], 0f, "weight " + i);
                    assertEquals(0f, moments[0][i], 0f, "m " + i);
                    assertEquals(0f, moments[1][i], 0f, "v " + i);
                } else {
                    // hand-derived: at t = 1, m/(1-b1) = g and sqrt(v/(1-b2)) = |g|, so w -= lr g / (|g| + eps)
                    double expected = initial[i] - 0.01 * g[i] / (Math.abs(g[i]) + 1e-8);
                    assertEquals(expected, after[i], 2e-8, "weight " + i);
                }
            }
            // the gradient is zeroed (NaN-safe)
            assertTrue(java.util.Arrays.equals(new float[size], parameter.gradient().toFloatArray()));
            // block 1 stays exactly zero on the next step with zero gradients there, and the NaN-zeroed state
            // restarts from 0: at t = 2, m = 0.1 g and v = 0.001 g^2 there
            float[] g2 = DeterministicTensors.sinArangeFloat(size, 0.01, 5);
            for (int i = 256; i < 512; i++) {
                g2[i] = 0;
            }
            var second = new TrainableParameter("w", weight, manager.create(g2, new Shape(size)));
            optimizer.step(List.of(second), OptionalDouble.empty());
            float[] afterSecond = weight.toFloatArray();
            for (int i = 256; i < 512; i++) {
                assertEquals(initial[i], afterSecond[i], 0f, "weight " + i);
            }
            moments = Adam8bit.dequantizedMoments(optimizer, second);
            for (int i = 1000; i <= 1002; i++) {
                // within the 8-bit map's resolution (coarsest relative gap about 1/64 at the block's top decade)
                assertEquals(0.1 * g2[i], moments[0][i], 0.02 * Math.abs(0.1 * g2[i]) + 1e-6 * 0.001, "m " + i);
            }
        }
    }

    @Test
    void smallTensorsGroupOverridesAndStableEmbeddingKeepFloat32State() {
        List<ParameterGroup> groups = List.of(
                new ParameterGroup("full_precision", List.of("**.lm_head.weight"), Map.of("optim_bits", 32)),
                new ParameterGroup("late", List.of("**.late.weight"), Map.of("min_8bit_size", 10000)));
        var settings = new OptimizerSettings(Map.of("stable_embedding", true), groups, 10);
        String[] names = {"model.embed_tokens.weight", "bert.embeddings.word_embeddings.weight",
            "model.lm_head.weight", "model.late.weight", "model.small.weight", "model.big.weight", "model.edge.weight"};
        int[] sizes = {8192, 8192, 8192, 5000, 4095, 8192, 4096};
        boolean[] quantized = {false, false, false, false, false, true, true};
        try (NDManager manager = NDManager.newBaseManager();
                var optimizer = Optimizers.create(Adam8bitFactory.ADAMW_ID, settings)) {
            List<NDArray> weights = weights(manager, sizes);
            List<TrainableParameter> parameters = step(manager, optimizer, List.of(names), weights, 1);
            long expected = 0;
            for (int k = 0; k < names.length; k++) {
                assertEquals(quantized[k], Adam8bit.quantizes(optimizer, parameters.get(k)), names[k]);
                expected += quantized[k] ? 2L * sizes[k] + 8 * ceilDiv(sizes[k], 256) : 8L * sizes[k];
            }
            assertEquals(expected, optimizer.stateBytes());
        }
        try (NDManager manager = NDManager.newBaseManager();
                var optimizer = Optimizers.create(Adam8bitFactory.ADAMW_ID, OptimizerSettings.of(Map.of(), 10))) {
            List<TrainableParameter> parameters =
                    step(manager, optimizer, List.of(names[0]), weights(manager, 8192), 1);
            assertTrue(Adam8bit.quantizes(optimizer, parameters.get(0)),
                    "embeddings are 8-bit unless stable_embedding");
        }
    }

    @Test
    void stableEmbeddingFollowsDeclaredRolesAndNamesOnlyWhereNoRoleIsDeclared() {
        var settings = OptimizerSettings.of(Map.of("stable_embedding", true), 10);
        try (NDManager manager = NDManager.newBaseManager();
                var optimizer = Optimizers.create(Adam8bitFactory.ADAMW_ID, settings)) {
            List<NDArray> weights = weights(manager, 8192, 8192, 8192);
            List<TrainableParameter> parameters = List.of(
                    // declared an embedding under a name no pattern knows: float32
                    new TrainableParameter("model.tok.table", weights.get(0), manager.zeros(new Shape(8192)),
                            ParameterRole.EMBEDDING),
                    // an embedding's name, but declared the tied head: its role decides, 8-bit
                    new TrainableParameter("model.embed_tokens.weight", weights.get(1), manager.zeros(new Shape(8192)),
                            ParameterRole.HEAD),
                    // no role declared: the name decides, float32
                    new TrainableParameter("bert.embeddings.word_embeddings.weight", weights.get(2),
                            manager.zeros(new Shape(8192))));
            optimizer.step(parameters, OptionalDouble.empty());
            boolean[] quantized = {false, true, false};
            long expected = 0;
            for (int k = 0; k < quantized.length; k++) {
                assertEquals(quantized[k], Adam8bit.quantizes(optimizer, parameters.get(k)), parameters.get(k).name());
                expected += quantized[k] ? 2L * 8192 + 8 * ceilDiv(8192, 256) : 8L * 8192;
            }
            assertEquals(expected, optimizer.stateBytes(), "the declared state follows the same decision");
        }
    }

    @Test
    void checkRaisesEveryOptionErrorWithoutBuildingTheOptimizer() {
        var factory = Optimizers.factory(Adam8bitFactory.ADAMW_ID);
        // values the schema accepts as doubles but that 8-bit Adam cannot compute with in float32
        var e = assertThrows(IllegalArgumentException.class,
                () -> factory.check(OptimizerSettings.of(Map.of("betas", List.of(0.99999999, 0.999)), 1)));
        assertTrue(e.getMessage().contains("betas") && e.getMessage().contains("float32"), e.getMessage());
        var hugeEps = new ParameterGroup("embeddings", List.of("**.embed_tokens.weight"), Map.of("eps", 1e39));
        e = assertThrows(IllegalArgumentException.class,
                () -> factory.check(new OptimizerSettings(Map.of(), List.of(hugeEps), 1)));
        assertTrue(e.getMessage().contains("eps"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> factory.check(OptimizerSettings.of(Map.of("block_size", 96), 1)));
        assertTrue(e.getMessage().contains("'block_size'"), e.getMessage());
        var plan = factory.check(new OptimizerSettings(Map.of("block_size", 2048),
                List.of(new ParameterGroup("fp32", List.of("**.bias"), Map.of("optim_bits", 32))), 1));
        assertEquals(new Adam8bitOptions(new AdamOptions(1e-3, 0.9, 0.999, 1e-8, 0.01), 2048, 4096, 8, false),
                plan.options());
        assertEquals(32, ((Adam8bitOptions) plan.groups().get(0).options()).optimBits());
    }

    @Test
    void saveLoadAndContinueIsBitIdentical(@TempDir Path directory) throws Exception {
        List<String> names = List.of("a.weight", "b.weight", "c.bias");
        int[] sizes = {5000, 70000, 100};
        var settings = OptimizerSettings.of(Map.of("lr", 1e-2), 20);
        try (NDManager manager = NDManager.newBaseManager();
                var original = Optimizers.create(Adam8bitFactory.ADAMW_ID, settings);
                var resumed = Optimizers.create(Adam8bitFactory.ADAMW_ID, settings)) {
            List<NDArray> weights = weights(manager, sizes);
            for (int step = 1; step <= 10; step++) {
                step(manager, original, names, weights, step);
            }
            original.saveState(directory);
            List<NDArray> copies = new ArrayList<>();
            for (NDArray weight : weights) {
                copies.add(manager.create(weight.toFloatArray(), weight.getShape()));
            }
            resumed.loadState(directory);
            assertEquals(10, resumed.stepCount());
            assertEquals(original.stateBytes(), resumed.stateBytes());
            for (int step = 11; step <= 20; step++) {
                step(manager, original, names, weights, step);
                step(manager, resumed, names, copies, step);
            }
            for (int k = 0; k < sizes.length; k++) {
                assertArrayEquals(weights.get(k).toFloatArray(), copies.get(k).toFloatArray(), names.get(k));
            }
            try (SafeTensorsFile file = SafeTensorsFile.open(directory.resolve(StateFiles.TENSORS))) {
                int codes = 0;
                for (TensorInfo info : file.tensors()) {
                    if (info.name().endsWith("::state1") || info.name().endsWith("::state2")) {
                        assertEquals(SafeTensorsDType.U8, info.dtype(), info.name());
                        NDArray loaded = file.load(info.name(), manager);
                        assertEquals(DataType.UINT8, loaded.getDataType());
                        codes++;
                    }
                }
                assertEquals(4, codes);
            }
        }
    }

    @Test
    void optionErrorsNameTheOption() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Optimizers.create(Adam8bitFactory.ADAM_ID, OptimizerSettings.of(Map.of("block_size", 100), 1)));
        assertTrue(e.getMessage().contains("'block_size'") && e.getMessage().contains("power of two"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Optimizers.create(Adam8bitFactory.ADAM_ID, OptimizerSettings.of(Map.of("block_size", 32), 1)));
        assertTrue(e.getMessage().contains("'block_size'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Optimizers.create(Adam8bitFactory.ADAMW_ID,
                        OptimizerSettings.of(Map.of("min_8bit_size", -1), 1)));
        assertTrue(e.getMessage().contains("'min_8bit_size'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Optimizers.create(Adam8bitFactory.ADAMW_ID,
                        OptimizerSettings.of(Map.of("percentile_clipping", 5), 1)));
        assertTrue(e.getMessage().contains("'percentile_clipping'"), e.getMessage());
        var badGroup = new ParameterGroup("norms", List.of("**.norm.weight"), Map.of("optim_bits", 16));
        e = assertThrows(IllegalArgumentException.class,
                () -> Optimizers.create(Adam8bitFactory.ADAMW_ID,
                        new OptimizerSettings(Map.of(), List.of(badGroup), 1)));
        assertTrue(e.getMessage().contains("'optim_bits'") && e.getMessage().contains("group 'norms'"),
                e.getMessage());
    }

    @Test
    void nonFloat32ParametersAreRefusedByName() {
        try (NDManager manager = NDManager.newBaseManager();
                var optimizer = Optimizers.create(Adam8bitFactory.ADAM_ID, OptimizerSettings.of(Map.of(), 1))) {
            NDArray weight = manager.zeros(new Shape(8), DataType.FLOAT64);
            var parameter = new TrainableParameter("model.head.weight", weight, manager.zeros(new Shape(8),
                    DataType.FLOAT64));
            var e = assertThrows(IllegalArgumentException.class,
                    () -> optimizer.step(List.of(parameter), OptionalDouble.empty()));
            assertTrue(e.getMessage().contains("'model.head.weight'") && e.getMessage().contains("float64"),
                    e.getMessage());
        }
    }

    @Test
    void registeredWithTorchDefaults() {
        for (String id : List.of(Adam8bitFactory.ADAM_ID, Adam8bitFactory.ADAMW_ID)) {
            var factory = Optimizers.factory(id);
            assertEquals(id, factory.id());
            var options = factory.schema().parse(Map.of(), "test");
            assertEquals(1e-3, options.number("lr"));
            assertEquals(0.9, options.pair("betas", 0));
            assertEquals(0.999, options.pair("betas", 1));
            assertEquals(1e-8, options.number("eps"));
            assertEquals(id.equals(Adam8bitFactory.ADAMW_ID) ? 0.01 : 0.0, options.number("weight_decay"));
            assertEquals(256, options.integer("block_size"));
            assertEquals(4096, options.integer("min_8bit_size"));
            assertEquals(8, options.integer("optim_bits"));
            assertFalse(options.flag("stable_embedding"));
            try (var optimizer = factory.create(OptimizerSettings.of(Map.of(), 1))) {
                assertEquals(id, optimizer.id());
            }
        }
    }
}
