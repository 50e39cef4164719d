package dev.tune4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.tune4j.model.bert.BertConfig;
import dev.tune4j.model.bert.BertForMaskedLM;
import dev.tune4j.model.bert.BertForQuestionAnswering;
import dev.tune4j.model.bert.BertForSequenceClassification.Pooling;
import dev.tune4j.model.bert.BertForSequenceClassification;
import dev.tune4j.nn.ParameterNames;
import dev.tune4j.testing.DeterministicTensors;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class BertModelTest {
    // tiny BERT written by the project: V=13, E=8, 2 layers, 2 heads, I=12, 64 positions, dropout off
    private static final BertConfig TINY = BertConfig.tiny(13, 8, 2, 2, 12);
    private static final long[] IDS = {2, 5, 7, 9, 3, 2, 11, 4, 0, 0};
    private static final long[] MASK = {1, 1, 1, 1, 1, 1, 1, 1, 0, 0};
    private static final long[] TYPES = {0, 0, 0, 1, 1, 0, 0, 1, 0, 0};

    private static NDList forward(Block model, NDManager step, boolean training) {
        NDList inputs = new NDList(step.create(IDS, new Shape(2, 5)), step.create(MASK, new Shape(2, 5)),
                step.create(TYPES, new Shape(2, 5)));
        return model.forward(new ParameterStore(step, false), inputs, training);
    }

    /** A fixed linear functional of the outputs: sum(out * c) with deterministic coefficients c. */
    private static NDArray functional(NDList outputs) {
        NDArray total = null;
        int phase = 0;
        for (NDArray out : outputs) {
            NDArray c = DeterministicTensors.sinArange(out.getManager(), out.getShape(), 1.0, 300 + phase++)
                    .toType(out.getDataType(), false);
            NDArray term = out.mul(c).sum();
            total = total == null ? term : total.add(term);
        }
        return total;
    }

    private static void scaleWeights(Block model) {
        for (var parameter : ParameterNames.of(model).values()) {
            NDArray w = parameter.getArray();
            if (!parameter.getName().contains("LayerNorm") && !parameter.getName().equals("bias")) {
                w.set(new NDIndex("..."), w.mul(6)); // 6x HF's init: sizeable gradients, softmax not saturated
            }
        }
    }

    private static double gradientCheck(Block model, Function<NDManager, NDArray> loss, String label) {
        var samples = GradientCheck.run(model, loss, 3, 1e-4);
        double worst = samples.stream().mapToDouble(GradientCheck.Sample::relativeError).max().orElseThrow();
        System.out.printf("%s float64 gradient check: %d elements, max relative error %.2e%n", label, samples.size(),
                worst);
        // the key bias adds q.b_k to every score of a query's row, which softmax ignores: its gradient is truly zero
        var starved = samples.stream()
                .filter(s -> Math.abs(s.autograd()) <= 1e-8 && !s.parameter().endsWith("attention.self.key.bias"))
                .toList();
        assertTrue(starved.isEmpty(), "parameters got no gradient: " + starved);
        return worst;
    }

    @Test
    void parameterNamesAreHuggingFaces() {
        try (NDManager manager = NDManager.newBaseManager()) {
            var model = new BertForSequenceClassification(TINY, 3, Pooling.POOLER).initialize(manager,
                    DataType.FLOAT32);
            var names = List.copyOf(ParameterNames.of(model).keySet());
            assertEquals(List.of("bert.embeddings.word_embeddings.weight", "bert.embeddings.position_embeddings.weight",
                    "bert.embeddings.token_type_embeddings.weight", "bert.embeddings.LayerNorm.weight",
                    "bert.embeddings.LayerNorm.bias", "bert.encoder.layer.0.attention.self.query.weight",
                    "bert.encoder.layer.0.attention.self.query.bias"), names.subList(0, 7));
            assertTrue(names.contains("bert.encoder.layer.1.attention.output.LayerNorm.weight"));
            assertTrue(names.contains("bert.encoder.layer.1.intermediate.dense.weight"));
            assertTrue(names.contains("bert.encoder.layer.1.output.dense.bias"));
            assertTrue(names.contains("bert.encoder.layer.1.output.LayerNorm.bias"));
            assertEquals(List.of("bert.pooler.dense.weight", "bert.pooler.dense.bias", "classifier.weight",
                    "classifier.bias"), names.subList(names.size() - 4, names.size()));
            assertEquals(5 + 2 * 16 + 4, names.size());

            var mlm = new BertForMaskedLM(TINY).initialize(manager, DataType.FLOAT32);
            var mlmNames = List.copyOf(ParameterNames.of(mlm).keySet());
            assertEquals(List.of("cls.predictions.bias", "cls.predictions.transform.dense.weight",
                    "cls.predictions.transform.dense.bias", "cls.predictions.transform.LayerNorm.weight",
                    "cls.predictions.transform.LayerNorm.bias"), mlmNames.subList(mlmNames.size() - 5, mlmNames.size()));
            var qa = new BertForQuestionAnswering(TINY).initialize(manager, DataType.FLOAT32);
            assertTrue(ParameterNames.of(qa).containsKey("qa_outputs.weight"));
        }
    }

    @Test
    void paddingDoesNotChangeRealTokens() {
        Engine.getInstance().setRandomSeed(17);
        try (NDManager manager = NDManager.newBaseManager()) {
            var model = new BertForQuestionAnswering(TINY).initialize(manager, DataType.FLOAT32);
            var store = new ParameterStore(manager, false);
            NDList alone = model.forward(store, new NDList(manager.create(new long[] {2, 5, 7}, new Shape(1, 3))),
                    false);
            NDList padded = model.forward(store, new NDList(manager.create(new long[] {2, 5, 7, 0}, new Shape(1, 4)),
                    manager.create(new long[] {1, 1, 1, 0}, new Shape(1, 4))), false);
            assertArrayEquals(alone.get(0).toFloatArray(), padded.get(0).get(":, :3").toFloatArray(), 1e-5f);
            assertArrayEquals(alone.get(1).toFloatArray(), padded.get(1).get(":, :3").toFloatArray(), 1e-5f);
        }
    }

    @Test
    void meanPoolingAveragesRealTokensOnly() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // hand-computed: row 0 averages its two real positions, (1+3)/2 = 2 and (2+4)/2 = 3
            NDArray hidden = manager.create(new float[] {1, 2, 3, 4, 100, 100}, new Shape(1, 3, 2));
            NDArray mask = manager.create(new long[] {1, 1, 0}, new Shape(1, 3));
            NDArray pooled = invokeMeanPool(hidden, mask);
            assertArrayEquals(new float[] {2, 3}, pooled.toFloatArray(), 0f);
        }
    }

    private static NDArray invokeMeanPool(NDArray hidden, NDArray mask) {
        try {
            var method = BertForSequenceClassification.class.getDeclaredMethod("meanPool", NDArray.class,
                    NDArray.class);
            method.setAccessible(true);
            return (NDArray) method.invoke(null, hidden, mask);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void float64GradientsMatchFiniteDifferencesForEveryHead() {
        Engine.getInstance().setRandomSeed(23);
        try (NDManager manager = NDManager.newBaseManager()) {
            List<Block> models = List.of(
                    new BertForSequenceClassification(TINY, 3, Pooling.POOLER).initialize(manager, DataType.FLOAT64),
                    new BertForSequenceClassification(TINY, 2, Pooling.MEAN).initialize(manager, DataType.FLOAT64),
                    new BertForMaskedLM(TINY).initialize(manager, DataType.FLOAT64),
                    new BertForQuestionAnswering(TINY).initialize(manager, DataType.FLOAT64));
            List<String> labels = List.of("BERT classifier (pooler)", "BERT classifier (mean)", "BERT masked LM",
                    "BERT QA");
            for (int i = 0; i < models.size(); i++) {
                Block model = models.get(i);
                scaleWeights(model);
                double worst = gradientCheck(model, step -> functional(forward(model, step, true)), labels.get(i));
                assertTrue(worst < 1e-6, labels.get(i) + ": max relative error " + worst);
            }
        }
    }
}
