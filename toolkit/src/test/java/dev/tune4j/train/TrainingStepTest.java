package dev.tune4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.tune4j.model.CausalLmLoss;
import dev.tune4j.model.llama.LlamaConfig;
import dev.tune4j.model.llama.LlamaForCausalLM;
import dev.tune4j.nn.ParameterNames;
import dev.tune4j.optim.OptimizerSettings;
import dev.tune4j.optim.TrainableParameter;
import dev.tune4j.testing.MomentumSgd;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrainingStepTest {
    // tiny Llama written by the project, seeded init
    private static final LlamaConfig TINY = LlamaConfig.tiny(32, 16, 2, 2, 1, 24);
    private static final long[] IDS = {1, 7, 9, 3, 12, 30, 2, 1, 5, 5, 8, 21, 4, 2, 0, 0};
    private static final long[] MASK = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0};

    private static NDArray loss(LlamaForCausalLM model, NDManager step) {
        NDArray ids = step.create(IDS, new Shape(2, 8));
        NDArray mask = step.create(MASK, new Shape(2, 8));
        NDArray logits = model.forward(new ParameterStore(step, false), new NDList(ids, mask), true)
                .singletonOrThrow();
        return CausalLmLoss.compute(logits, CausalLmLoss.labelsFromIds(ids, mask), mask);
    }

    @Test
    void tinyLlamaLossFallsAndFrozenWeightsStay() {
        Engine.getInstance().setRandomSeed(42);
        try (NDManager manager = NDManager.newBaseManager();
                var sgd = MomentumSgd.of(OptimizerSettings.of(Map.of("lr", 0.05), 30))) {
            var model = new LlamaForCausalLM(TINY).initialize(manager, DataType.FLOAT32);
            var frozen = ParameterNames.of(model).get("model.embed_tokens.weight");
            frozen.freeze(true);
            float[] frozenBefore = frozen.getArray().toFloatArray();
            var step = new TrainingStep(manager, model, sgd, Double.POSITIVE_INFINITY);
            assertEquals(ParameterNames.of(model).values().stream().mapToLong(p -> p.getArray().size()).sum()
                    - 32 * 16, step.trainableParameterCount());
            double first = step.run(s -> loss(model, s)).loss();
            double last = first;
            for (int i = 0; i < 30; i++) {
                TrainingStep.Result result = step.run(s -> loss(model, s));
                assertTrue(result.gradientNorm() > 0 && result.forwardNanos() > 0 && result.backwardNanos() > 0);
                last = result.loss();
            }
            assertTrue(last < first * 0.8, "loss did not fall: " + first + " -> " + last);
            assertArrayEquals(frozenBefore, frozen.getArray().toFloatArray(), 0f);
        }
    }

    @Test
    void globalNormAndClipping() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // hand-computed: |(3, 4)| = 5 and |(12)| = 12 give sqrt(25 + 144) = 13
            var parameters = List.of(
                    new TrainableParameter("a", manager.zeros(new Shape(2)), manager.create(new float[] {3, 4})),
                    new TrainableParameter("b", manager.zeros(new Shape(1)), manager.create(new float[] {12})));
            assertEquals(13.0, TrainingStep.globalNorm(parameters), 1e-12);
            var doubles = List.of(new TrainableParameter("c", manager.zeros(new Shape(2), DataType.FLOAT64),
                    manager.create(new double[] {5, 12})));
            assertEquals(13.0, TrainingStep.globalNorm(doubles, false), 1e-12); // not float32: on the engine
            // the engine-op path's norm: one reduction on the device, float32 norms folded in float64
            assertEquals(13.0, TrainingStep.globalNorm(parameters, true), 1e-6);
            assertEquals(13.0, TrainingStep.deviceNorm(parameters), 1e-6);
            assertEquals(0.0, TrainingStep.deviceNorm(List.of()), 0.0);
        }
    }

    @Test
    void divergedLossIsReportedAndNothingIsUpdated() {
        try (NDManager manager = NDManager.newBaseManager();
                var sgd = MomentumSgd.of(OptimizerSettings.of(Map.of(), 3))) {
            var model = new LlamaForCausalLM(TINY).initialize(manager, DataType.FLOAT32);
            var step = new TrainingStep(manager, model, sgd, 1.0);
            var e = assertThrows(ArithmeticException.class, () -> step.run(s -> loss(model, s).mul(Float.NaN)));
            assertTrue(e.getMessage().contains("loss is NaN"), e.getMessage());
            assertEquals(0, sgd.stepCount());
        }
    }

    /**
     * Two micro-batches of one sequence each must give the same loss and the same update as one batch of both: with
     * equal token counts per row, the mean of the micro-batch means is the batch mean, and the accumulated gradient of
     * loss/2 twice is the batch gradient.
     */
    @Test
    void gradientAccumulationEqualsTheWholeBatch() {
        long[] rows = {1, 7, 9, 3, 12, 30, 2, 1, 5, 5, 8, 21, 4, 2, 6, 11};
        java.util.function.BiFunction<LlamaForCausalLM, NDManager, java.util.function.Function<long[], NDArray>> lossOf =
                (model, step) -> ids -> {
                    NDArray input = step.create(ids, new Shape(ids.length / 8, 8));
                    NDArray logits = model.forward(new ParameterStore(step, false), new NDList(input), true)
                            .singletonOrThrow();
                    return CausalLmLoss.compute(logits, input, null);
                };
        float[][] after = new float[2][];
        double[] losses = new double[2];
        for (int variant = 0; variant < 2; variant++) {
            Engine.getInstance().setRandomSeed(7);
            try (NDManager manager = NDManager.newBaseManager();
                    var sgd = MomentumSgd.of(OptimizerSettings.of(Map.of("lr", 0.1), 1))) {
                var model = new LlamaForCausalLM(TINY).initialize(manager, DataType.FLOAT32);
                var step = new TrainingStep(manager, model, sgd, Double.POSITIVE_INFINITY);
                TrainingStep.Result result = variant == 0
                        ? step.run(s -> lossOf.apply(model, s).apply(rows))
                        : step.run(List.of(
                                s -> lossOf.apply(model, s).apply(java.util.Arrays.copyOfRange(rows, 0, 8)),
                                s -> lossOf.apply(model, s).apply(java.util.Arrays.copyOfRange(rows, 8, 16))));
                losses[variant] = result.loss();
                after[variant] = ParameterNames.of(model).get("model.layers.0.self_attn.q_proj.weight").getArray()
                        .toFloatArray();
            }
        }
        assertEquals(losses[0], losses[1], 1e-6);
        assertArrayEquals(after[0], after[1], 1e-6f);
    }

    /**
     * A finite loss with a NaN gradient (sqrt(|w - w|) adds 0 to the loss but d/dw is 0 * inf = NaN): the step stops
     * before the optimizer, names the parameter, and leaves the weights alone.
     */
    @Test
    void nonFiniteGradientStopsTheStepAndNamesTheParameter() {
        try (NDManager manager = NDManager.newBaseManager();
                var sgd = MomentumSgd.of(OptimizerSettings.of(Map.of("lr", 0.1), 3))) {
            var model = new LlamaForCausalLM(TINY).initialize(manager, DataType.FLOAT32);
            var step = new TrainingStep(manager, model, sgd, 1.0);
            var qProj = ParameterNames.of(model).get("model.layers.0.self_attn.q_proj.weight").getArray();
            float[] before = qProj.toFloatArray();
            var e = assertThrows(ArithmeticException.class, () -> step.run(s -> {
                NDArray zeroWithNanGradient = qProj.sub(qProj.stopGradient()).abs().sqrt().sum();
                return loss(model, s).add(zeroWithNanGradient);
            }));
            assertTrue(e.getMessage().contains("gradient norm is NaN")
                    && e.getMessage().contains("[model.layers.0.self_attn.q_proj.weight]"), e.getMessage());
            assertEquals(0, sgd.stepCount());
            assertArrayEquals(before, qProj.toFloatArray(), 0f);
        }
    }
}
