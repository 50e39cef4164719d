package dev.tune4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.tune4j.lora.Lora;
import dev.tune4j.lora.LoraConfig;
import dev.tune4j.model.CausalLmLoss;
import dev.tune4j.model.ClassificationLoss;
import dev.tune4j.model.bert.BertConfig;
import dev.tune4j.model.bert.BertForSequenceClassification.Pooling;
import dev.tune4j.model.bert.BertForSequenceClassification;
import dev.tune4j.model.llama.LlamaConfig;
import dev.tune4j.model.llama.LlamaForCausalLM;
import dev.tune4j.nn.ParameterNames;
import java.lang.ref.WeakReference;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Gradients must not depend on when the garbage collector runs. DJL 0.36 backs a tensor made from Java numbers with a
 * Java direct buffer; an autograd graph that keeps such a tensor after its NDArray was closed (DJL's
 * {@code mul(Number)}, {@code Activation.swish}, a same-dtype {@code toType} alias, ...) reads freed memory in the
 * backward pass once the buffer is collected (see {@link dev.tune4j.nn.EngineScalars}). Each model here
 * computes its gradients twice from the same seeded weights: straight, and with a full collection between forward and
 * backward. They must be the same bits. With {@code Activation.swish} back in Llama's MLP this failed on the MLP and
 * everything below it.
 */
class GradientsSurviveGarbageCollectionTest {
    // tiny models written by the project (seeded init)
    private static final LlamaConfig LLAMA = LlamaConfig.tiny(32, 16, 2, 2, 1, 24);
    private static final BertConfig BERT = BertConfig.tiny(32, 16, 2, 2, 24);
    private static final LoraConfig LORA = new LoraConfig(4, 8, 0, List.of("q_proj", "v_proj", "gate_proj",
            "down_proj"), List.of(), false, "tiny-llama", "CAUSAL_LM");
    private static final long[] IDS = {1, 7, 9, 3, 12, 30, 2, 1, 5, 5, 8, 21, 4, 2, 0, 0};
    private static final long[] MASK = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0};
    private static final long[] TYPES = {0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1, 0, 0};

    /** A model and the loss of one fixed batch on it. */
    enum Case {
        LLAMA_FLOAT32(DataType.FLOAT32, (manager, type) -> new LlamaForCausalLM(LLAMA).initialize(manager, type),
                GradientsSurviveGarbageCollectionTest::causalLmLoss),
        LLAMA_FLOAT64(DataType.FLOAT64, (manager, type) -> new LlamaForCausalLM(LLAMA).initialize(manager, type),
                GradientsSurviveGarbageCollectionTest::causalLmLoss),
        LLAMA_LORA(DataType.FLOAT32, GradientsSurviveGarbageCollectionTest::loraLlama,
                GradientsSurviveGarbageCollectionTest::causalLmLoss),
        BERT_MEAN_POOLING(DataType.FLOAT32, (manager, type) -> new BertForSequenceClassification(BERT, 3,
                Pooling.MEAN).initialize(manager, type), GradientsSurviveGarbageCollectionTest::classificationLoss),
        BERT_POOLER_FLOAT64(DataType.FLOAT64, (manager, type) -> new BertForSequenceClassification(BERT, 3,
                Pooling.POOLER).initialize(manager, type), GradientsSurviveGarbageCollectionTest::classificationLoss);

        final DataType dataType;
        final BiFunction<NDManager, DataType, Block> model;
        final BiFunction<Block, NDManager, NDArray> loss;

        Case(DataType dataType, BiFunction<NDManager, DataType, Block> model, BiFunction<Block, NDManager, NDArray> loss) {
            this.dataType = dataType;
            this.model = model;
            this.loss = loss;
        }
    }

    @ParameterizedTest
    @EnumSource(Case.class)
    void collectingBetweenForwardAndBackwardChangesNoGradient(Case model) throws InterruptedException {
        Map<String, double[]> straight = gradients(model, false);
        Map<String, double[]> collected = gradients(model, true);
        assertEquals(straight.keySet(), collected.keySet());
        for (var entry : straight.entrySet()) {
            double[] expected = entry.getValue();
            for (double g : expected) {
                assertTrue(Double.isFinite(g), entry.getKey() + " has a non-finite gradient without a collection");
            }
            assertArrayEquals(expected, collected.get(entry.getKey()), 0.0, entry.getKey());
        }
    }

    private static Map<String, double[]> gradients(Case model, boolean collectBeforeBackward)
            throws InterruptedException {
        Engine.getInstance().setRandomSeed(3);
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = model.model.apply(manager, model.dataType);
            try (NDManager step = manager.newSubManager();
                    GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray loss = model.loss.apply(block, step);
                if (collectBeforeBackward) {
                    collectFreedBuffers();
                }
                collector.backward(loss);
            }
            Map<String, double[]> gradients = new LinkedHashMap<>();
            for (var entry : ParameterNames.of(block).entrySet()) {
                NDArray weight = entry.getValue().getArray();
                if (weight.hasGradient()) {
                    try (NDArray gradient = weight.getGradient();
                            NDArray wide = gradient.toType(DataType.FLOAT64, true)) {
                        gradients.put(entry.getKey(), wide.toDoubleArray());
                    }
                }
            }
            assertTrue(gradients.size() > 4, "too few trainable parameters: " + gradients.keySet());
            return gradients;
        }
    }

    /** Runs full collections until a fresh weak reference is cleared, then lets the buffers' cleaners run. */
    private static void collectFreedBuffers() throws InterruptedException {
        WeakReference<Object> marker = new WeakReference<>(new Object());
        while (marker.get() != null) {
            System.gc();
            Thread.sleep(5);
        }
        System.gc();
        Thread.sleep(50);
    }

    private static Block loraLlama(NDManager manager, DataType dataType) {
        LlamaForCausalLM model = Lora.build(LORA, () -> new LlamaForCausalLM(LLAMA)).initialize(manager, dataType);
        Lora.markTrainable(model, LORA);
        // fresh lora_B is zero, which would hide a bad lora_A gradient; give it values
        for (var entry : ParameterNames.of(model).entrySet()) {
            if (entry.getKey().contains("lora_B")) {
                NDArray b = entry.getValue().getArray();
                try (NDArray values = manager.randomNormal(0, 0.1f, b.getShape(), dataType)) {
                    b.set(new ai.djl.ndarray.index.NDIndex("..."), values);
                }
            }
        }
        return model;
    }

    private static NDArray causalLmLoss(Block model, NDManager step) {
        NDArray ids = step.create(IDS, new Shape(2, 8));
        NDArray mask = step.create(MASK, new Shape(2, 8));
        NDArray logits = model.forward(new ParameterStore(step, false), new NDList(ids, mask), true).singletonOrThrow();
        return CausalLmLoss.compute(logits, CausalLmLoss.labelsFromIds(ids, mask), mask);
    }

    private static NDArray classificationLoss(Block model, NDManager step) {
        NDList inputs = new NDList(step.create(IDS, new Shape(2, 8)), step.create(MASK, new Shape(2, 8)),
                step.create(TYPES, new Shape(2, 8)));
        NDArray logits = model.forward(new ParameterStore(step, false), inputs, true).singletonOrThrow();
        return ClassificationLoss.compute(logits, step.create(new long[] {2, 0}));
    }
}
