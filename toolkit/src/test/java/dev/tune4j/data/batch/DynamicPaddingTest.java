package dev.tune4j.data.batch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tune4j.engine.Tune4jHome;
import dev.tune4j.tokenizer.BertTokenizerFiles;
import dev.tune4j.tokenizer.Tokenizers;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class DynamicPaddingTest {
    @Test
    void padsToTheLongestInTheBatchWithMask() {
        PaddedBatch batch = DynamicPadding.pad(List.of(new long[] {5, 6, 7}, new long[] {8}), 0);
        assertEquals(2, batch.batchSize());
        assertEquals(3, batch.length());
        assertArrayEquals(new long[] {5, 6, 7, 8, 0, 0}, batch.ids());
        assertArrayEquals(new long[] {1, 1, 1, 1, 0, 0}, batch.attentionMask());
        assertEquals(4, batch.realTokens());
        try (NDManager manager = NDManager.newBaseManager()) {
            assertEquals(new Shape(2, 3), batch.ids(manager).getShape());
            assertArrayEquals(batch.attentionMask(), batch.attentionMask(manager).toLongArray());
            assertThrows(IllegalStateException.class, () -> batch.labels(manager));
        }
    }

    @Test
    void labelsArePaddedWithIgnoreIndexAndPromptsStayMasked() {
        LabelledSequence first = LabelledSequence.promptAnswer(new long[] {1, 10, 11}, new long[] {20, 2}, 16);
        assertArrayEquals(new long[] {1, 10, 11, 20, 2}, first.ids());
        assertArrayEquals(new long[] {-100, -100, -100, 20, 2}, first.labels());
        LabelledSequence second = LabelledSequence.promptAnswer(new long[] {1, 12}, new long[] {21}, 16);
        PaddedBatch batch = DynamicPadding.padLabelled(List.of(first, second), 0);
        assertArrayEquals(new long[] {1, 10, 11, 20, 2, 1, 12, 21, 0, 0}, batch.ids());
        assertArrayEquals(new long[] {1, 1, 1, 1, 1, 1, 1, 1, 0, 0}, batch.attentionMask());
        assertArrayEquals(new long[] {-100, -100, -100, 20, 2, -100, -100, 21, -100, -100}, batch.labels());
    }

    @Test
    void promptAnswerTruncationKeepsTheAnswerAndCutsThePromptFromItsStart() {
        LabelledSequence cut = LabelledSequence.promptAnswer(new long[] {1, 10, 11, 12}, new long[] {20, 2}, 4);
        assertArrayEquals(new long[] {11, 12, 20, 2}, cut.ids());
        assertArrayEquals(new long[] {-100, -100, 20, 2}, cut.labels());
        LabelledSequence answerOnly = LabelledSequence.promptAnswer(new long[] {1}, new long[] {20, 21, 22}, 2);
        assertArrayEquals(new long[] {20, 21}, answerOnly.ids());
    }

    @Test
    void badBatchesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> DynamicPadding.pad(List.of(), 0));
        assertThrows(IllegalArgumentException.class, () -> DynamicPadding.pad(List.of(new long[0]), 0));
        assertThrows(IllegalArgumentException.class,
                () -> DynamicPadding.padWithLabels(List.of(new long[] {1, 2}), List.of(new long[] {1}), 0));
    }

    @Test
    void aMaxLengthBeyondTheModelsPositionsIsRefused() {
        EncodedTexts.checkFitsModel(512, 512);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EncodedTexts.checkFitsModel(1024, 512));
        assertTrue(e.getMessage().contains("up to 1024 tokens but the model has 512 positions"), e.getMessage());
    }

    @Test
    void encodedTextsCountTruncation() throws IOException {
        try (HuggingFaceTokenizer tokenizer = Tokenizers.load(BertTokenizerFiles.minilm(Tune4jHome.resolve()), 6)) {
            // "hello world" -> [CLS] hello world [SEP] (4 tokens, docs/test-vectors.md); the long one is cut to 6
            EncodedTexts encoded = EncodedTexts.encode(tokenizer,
                    List.of("hello world", "one two three four five six seven", "a b c d"));
            assertArrayEquals(new long[] {101, 7592, 2088, 102}, encoded.ids().get(0));
            assertEquals(6, encoded.ids().get(1).length);
            assertEquals(102, encoded.ids().get(1)[5]);
            assertEquals(6, encoded.ids().get(2).length, "[CLS] a b c d [SEP] fits exactly");
            assertEquals(1, encoded.truncated());
            assertTrue(encoded.truncationReport().startsWith("1 of 3 texts (33.3%) were longer than 6 tokens"),
                    encoded.truncationReport());
        }
    }
}
