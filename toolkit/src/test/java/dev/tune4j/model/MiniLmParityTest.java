package dev.tune4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.tune4j.checkpoint.Checkpoint;
import dev.tune4j.importer.MiniLmImporter;
import dev.tune4j.model.bert.BertConfig;
import dev.tune4j.model.bert.BertModel;
import dev.tune4j.testing.OnnxReferenceBert;
import dev.tune4j.tokenizer.Tokenizers;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The imported real all-MiniLM-L6-v2 checkpoint, run by tune4j's BERT on the DJL engine, against the original ONNX
 * file run by onnxruntime (an independent implementation), on real sentences tokenized by the real tokenizer.
 */
class MiniLmParityTest {
    private static final List<String> SENTENCES = List.of(
            "Call me Ishmael.",
            "It is a truth universally acknowledged, that a single man in possession of a good fortune, must be in"
                    + " want of a wife.",
            "URGENT! You have won a $1,000,000 prize; reply with your bank details to claim it today.",
            "The meeting moved to Thursday at 3 pm, see the attached agenda.");

    @Test
    void lastHiddenStatesMatchOnnxRuntime(@TempDir Path scratch) throws Exception {
        Path model = MiniLmImporter.ensureImported(line -> {});
        HuggingFaceTokenizer tokenizer = Tokenizers.loadPadded(model.resolve("tokenizer.json"), 48);
        List<Encoding> encodings = new java.util.ArrayList<>();
        for (String sentence : SENTENCES) {
            encodings.add(tokenizer.encode(sentence));
        }
        encodings.add(tokenizer.encode("Where does Ahab hunt the whale?", "Ahab hunts the white whale at sea."));
        int batch = encodings.size();
        int length = encodings.getFirst().getIds().length;
        long[][] ids = new long[batch][];
        long[][] mask = new long[batch][];
        long[][] types = new long[batch][];
        for (int b = 0; b < batch; b++) {
            ids[b] = encodings.get(b).getIds();
            mask[b] = encodings.get(b).getAttentionMask();
            types[b] = encodings.get(b).getTypeIds();
            assertEquals(length, ids[b].length, "padded batch");
        }
        assertEquals(List.of(101L, 2655L, 2033L), List.of(ids[0][0], ids[0][1], ids[0][2]), "[CLS] call me");

        float[][][] reference;
        try (OnnxReferenceBert onnx = OnnxReferenceBert.open(MiniLmImporter.extractOnnx(scratch.resolve("m.onnx")))) {
            reference = onnx.lastHiddenState(ids, mask, types);
        }

        BertConfig config = (BertConfig) ModelConfig.read(model);
        try (NDManager manager = NDManager.newBaseManager();
                Checkpoint checkpoint = Checkpoint.open(model)) {
            var bert = new BertModel(config, false);
            bert.initialize(manager, DataType.FLOAT32, new Shape(1, 1));
            var report = ModelWeights.load(bert, checkpoint);
            assertEquals(101, report.loaded().size());
            NDArray idArray = manager.create(flatten(ids), new Shape(batch, length));
            NDArray maskArray = manager.create(flatten(mask), new Shape(batch, length));
            NDArray typeArray = manager.create(flatten(types), new Shape(batch, length));
            float[] hidden = bert.forward(new ParameterStore(manager, false), new NDList(idArray, maskArray, typeArray),
                    false).get(0).toFloatArray();
            int width = config.hiddenSize();
            double worst = 0;
            for (int b = 0; b < batch; b++) {
                for (int t = 0; t < length; t++) {
                    if (mask[b][t] == 0) {
                        continue; // padding positions carry no meaning; HF and ORT leave them unmasked garbage
                    }
                    for (int e = 0; e < width; e++) {
                        double diff = Math.abs(hidden[(b * length + t) * width + e] - reference[b][t][e]);
                        worst = Math.max(worst, diff);
                    }
                }
            }
            System.out.printf("MiniLM tune4j vs onnxruntime: %d sequences x %d tokens, max |diff| %.2e%n", batch,
                    length, worst);
            assertTrue(worst <= 1e-4, "max |difference| of last hidden states " + worst);
        }
    }

    private static long[] flatten(long[][] rows) {
        return java.util.Arrays.stream(rows).flatMapToLong(java.util.Arrays::stream).toArray();
    }
}
