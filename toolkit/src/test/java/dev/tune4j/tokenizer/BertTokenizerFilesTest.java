package dev.tune4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.tune4j.data.fetch.Sha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Golden ids of bert-base-uncased's vocab, reproduced by a plain WordPiece in scripts/reference/tokenizer_ids.py. */
class BertTokenizerFilesTest {
    @TempDir
    Path home;

    @Test
    void copiesTheResourceOnceAndUnchanged() throws IOException {
        Path file = BertTokenizerFiles.minilm(home);

        assertEquals(home.resolve("tokenizers/minilm/tokenizer.json"), file);
        assertEquals(711_661, Files.size(file));
        assertEquals(BertTokenizerFiles.MINILM_SHA256, Sha256.of(file));
        Files.writeString(file, "{}"); // a second call must not copy again
        assertEquals(file, BertTokenizerFiles.minilm(home));
        assertEquals("{}", Files.readString(file));
    }

    @Test
    void goldenHelloWorld() throws IOException {
        try (HuggingFaceTokenizer tokenizer = Tokenizers.load(BertTokenizerFiles.minilm(home), 128)) {
            assertArrayEquals(new long[] {101, 7592, 2088, 102}, tokenizer.encode("hello world").getIds());
            assertArrayEquals(new long[] {101, 7592, 2088, 102}, tokenizer.encode("Hello World").getIds(),
                    "bert-base-uncased lower-cases");
        }
    }

    @Test
    void goldenStrawberriesSplitIntoWordPieces() throws IOException {
        try (HuggingFaceTokenizer tokenizer = Tokenizers.load(BertTokenizerFiles.minilm(home), 128)) {
            long[] ids = tokenizer.encode("i like strawberries").getIds();
            String joined = Arrays.toString(ids);
            assertTrue(joined.contains("1045, 2066, 13137, 20968"), joined);
            assertEquals(101, ids[0]);
            assertEquals(102, ids[ids.length - 1]);
            assertEquals(List.of("[CLS]", "i", "like", "straw", "##berries", "[SEP]"),
                    List.of(tokenizer.encode("i like strawberries").getTokens()));
            assertEquals("i like strawberries", tokenizer.decode(ids, true));
        }
    }
}
