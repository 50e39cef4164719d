package dev.tune4j.integration;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import dev.tune4j.model.CausalLmLoss;
import dev.tune4j.model.ClassificationLoss;
import dev.tune4j.model.bert.BertConfig;
import dev.tune4j.model.bert.BertForSequenceClassification;
import dev.tune4j.model.llama.LlamaConfig;
import dev.tune4j.model.llama.LlamaForCausalLM;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Test fixture (written by the project): the two tiny models of {@link OptimizerGoldenWeightsTest} as the engine-op
 * parity tests build them, each from its own engine seed, and their losses on the real text of
 * {@link TinyModelInputs} (tokenized once, on first use).
 */
enum ParityModels {
    /** A 2-layer Llama of width 16 with the Llama-2 vocabulary, trained on Moby Dick's opening. */
    LLAMA(11),
    /** A 2-layer BERT classifier of width 16 with MiniLM's vocabulary, trained on four labelled mails. */
    BERT(12);

    private final int seed;

    ParityModels(int seed) {
        this.seed = seed;
    }

    /** The model, initialized on {@code manager} from this model's engine seed (the same weights every time). */
    Block build(NDManager manager) {
        Engine.getInstance().setRandomSeed(seed);
        Block model = switch (this) {
            case LLAMA -> new LlamaForCausalLM(LlamaConfig.tiny(32000, 16, 2, 2, 1, 32));
            case BERT -> new BertForSequenceClassification(BertConfig.tiny(30522, 16, 2, 2, 32), 2,
                    BertForSequenceClassification.Pooling.MEAN);
        };
        model.initialize(manager, DataType.FLOAT32);
        return model;
    }

    /** The training loss of {@code model} (built by {@link #build}) on its batch of the tokenized text. */
    Function<NDManager, NDArray> loss(Block model) {
        TinyModelInputs inputs = Inputs.TOKENIZED;
        return switch (this) {
            case LLAMA -> s -> {
                NDArray ids = TinyModelInputs.matrix(s, inputs.llamaIds());
                NDArray mask = TinyModelInputs.matrix(s, inputs.llamaMask());
                return CausalLmLoss.compute(logits(model, s, ids, mask), CausalLmLoss.labelsFromIds(ids, mask), mask);
            };
            case BERT -> s -> ClassificationLoss.compute(logits(model, s, TinyModelInputs.matrix(s, inputs.bertIds()),
                    TinyModelInputs.matrix(s, inputs.bertMask())), s.create(TinyModelInputs.MAIL_LABELS));
        };
    }

    /** Every parameter's values, by name, in the map's order. */
    static Map<String, float[]> weights(Map<String, Parameter> parameters) {
        Map<String, float[]> values = new LinkedHashMap<>();
        parameters.forEach((name, parameter) -> values.put(name, parameter.getArray().toFloatArray()));
        return values;
    }

    private static NDArray logits(Block model, NDManager manager, NDArray ids, NDArray mask) {
        return model.forward(new ParameterStore(manager, false), new NDList(ids, mask), true).singletonOrThrow();
    }

    /** The text, tokenized by the real tokenizers when a loss is first asked for. */
    private static final class Inputs {
        static final TinyModelInputs TOKENIZED = tokenize();

        private static TinyModelInputs tokenize() {
            try {
                return TinyModelInputs.tokenize();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
