package dev.tune4j.integration;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import dev.tune4j.model.CausalLmLoss;
import dev.tune4j.model.ClassificationLoss;
import dev.tune4j.model.bert.BertConfig;
import dev.tune4j.model.bert.BertForSequenceClassification;
import dev.tune4j.model.llama.LlamaConfig;
import dev.tune4j.model.llama.LlamaForCausalLM;
import dev.tune4j.optim.Optimizer;
import dev.tune4j.optim.OptimizerSettings;
import dev.tune4j.optim.Optimizers;
import dev.tune4j.train.TrainingStep;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every registered optimizer id trains a tiny Llama-2-architecture model and a tiny BERT through the same training
 * step, on real text tokenized by the real tokenizers, and the loss falls. The models are tiny and freshly
 * initialized (written by the project); the text is real (Moby Dick's opening, and real-looking mail lines).
 */
class EveryOptimizerTrainsTest {
    /** Ids this project ships; the test fails if one is missing from the registry. */
    private static final Set<String> SHIPPED = Set.of("adam", "adamw", "adam_engine", "adamw_engine", "soaa",
            "adam8bit", "adamw8bit", "galore", "galore_adamw", "galore_adam8bit", "galore_soaa");
    private static final int STEPS = 25;


    private static TinyModelInputs inputs;

    @BeforeAll
    static void tokenize() throws IOException {
        inputs = TinyModelInputs.tokenize();
    }

    static Stream<String> optimizerIds() {
        Set<String> registered = Optimizers.all().keySet();
        assertTrue(registered.containsAll(SHIPPED), "registry lacks some shipped optimizers: " + registered);
        return registered.stream();
    }


    @ParameterizedTest
    @MethodSource("optimizerIds")
    void tinyLlamaLossFalls(String id) {
        Engine.getInstance().setRandomSeed(1);
        LlamaConfig config = LlamaConfig.tiny(32000, 16, 2, 2, 1, 32);
        try (NDManager manager = NDManager.newBaseManager();
                Optimizer optimizer = Optimizers.create(id, OptimizerSettings.of(options(id), STEPS))) {
            var model = new LlamaForCausalLM(config).initialize(manager, DataType.FLOAT32);
            var step = new TrainingStep(manager, model, optimizer, 1.0);
            double[] losses = train(step, s -> {
                NDArray ids = TinyModelInputs.matrix(s, inputs.llamaIds());
                NDArray mask = TinyModelInputs.matrix(s, inputs.llamaMask());
                NDArray logits = model.forward(new ParameterStore(s, false), new NDList(ids, mask), true)
                        .singletonOrThrow();
                return CausalLmLoss.compute(logits, CausalLmLoss.labelsFromIds(ids, mask), mask);
            });
            assertFalls(id + " on tiny Llama", losses);
        }
    }

    @ParameterizedTest
    @MethodSource("optimizerIds")
    void tinyBertClassifierLossFalls(String id) {
        Engine.getInstance().setRandomSeed(2);
        BertConfig config = BertConfig.tiny(30522, 16, 2, 2, 32);
        try (NDManager manager = NDManager.newBaseManager();
                Optimizer optimizer = Optimizers.create(id, OptimizerSettings.of(options(id), STEPS))) {
            var model = new BertForSequenceClassification(config, 2,
                    BertForSequenceClassification.Pooling.MEAN).initialize(manager, DataType.FLOAT32);
            var step = new TrainingStep(manager, model, optimizer, 1.0);
            double[] losses = train(step, s -> {
                NDArray ids = TinyModelInputs.matrix(s, inputs.bertIds());
                NDArray mask = TinyModelInputs.matrix(s, inputs.bertMask());
                NDArray logits = model.forward(new ParameterStore(s, false), new NDList(ids, mask), true)
                        .singletonOrThrow();
                return ClassificationLoss.compute(logits, s.create(TinyModelInputs.MAIL_LABELS));
            });
            assertFalls(id + " on tiny BERT", losses);
        }
    }

    /**
     * lr 1e-2 for every optimizer; GaLore variants project the tiny models' 16-wide matrices to rank 4 and refresh
     * the basis every 10 steps (their defaults, rank 128 and gap 200, are for real model sizes); 8-bit variants
     * quantize tensors from 256 elements (their default threshold, 4096, would keep every tiny tensor in fp32).
     */
    private static Map<String, Object> options(String id) {
        Map<String, Object> options = new java.util.HashMap<>(Map.of("lr", 1e-2));
        if (id.startsWith("galore")) {
            options.putAll(Map.of("rank", 4, "update_proj_gap", 10));
        }
        if (id.contains("8bit")) {
            options.put("min_8bit_size", 256);
        }
        return options;
    }

    private static double[] train(TrainingStep step, java.util.function.Function<NDManager, NDArray> loss) {
        double[] losses = new double[STEPS];
        for (int i = 0; i < STEPS; i++) {
            try {
                losses[i] = step.run(loss).loss();
            } catch (ArithmeticException e) {
                throw new AssertionError("step " + i + " after losses " + java.util.Arrays.toString(
                        java.util.Arrays.copyOf(losses, i)) + ": " + e.getMessage(), e);
            }
        }
        return losses;
    }

    private static void assertFalls(String what, double[] losses) {
        double first = losses[0];
        double last = losses[losses.length - 1];
        System.out.printf("%s: loss %.4f -> %.4f over %d steps%n", what, first, last, losses.length);
        assertTrue(last < 0.7 * first, what + ": loss did not fall enough, " + java.util.Arrays.toString(losses));
    }
}
