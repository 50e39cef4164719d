package dev.tune4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.tune4j.engine.Tune4jHome;
import dev.tune4j.testing.NpmOnPath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizersTest {
    private static final long BERT_HELLO = 7592; // golden: "hello world" -> [101, 7592, 2088, 102]

    @TempDir
    Path home;

    @Test
    void missingFileIsNamedWithHowToCreateIt() {
        Path missing = home.resolve("nowhere/tokenizer.json");
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> Tokenizers.load(missing, 16));

        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("LlamaTokenizerFiles.ensure()"), e.getMessage());
    }

    @Test
    void directoryIsNotATokenizerFile() {
        java.nio.file.FileSystemException e = assertThrows(java.nio.file.FileSystemException.class,
                () -> Tokenizers.load(home, 16));
        assertTrue(e.getMessage().startsWith(home + ": is a directory, but a tokenizer.json must be a file"),
                e.getMessage());
    }

    @Test
    void maxLengthMustBePositive() throws IOException {
        Path bert = BertTokenizerFiles.minilm(home);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tokenizers.load(bert, 0));
        assertTrue(e.getMessage().contains("maxLength"), e.getMessage());
    }

    @Test
    void maxLengthAbove512IsKeptAndTruncationKeepsSpecialTokens() throws IOException {
        String thousandHellos = "hello ".repeat(1000);
        Path bert = BertTokenizerFiles.minilm(home);
        try (HuggingFaceTokenizer tokenizer = Tokenizers.load(bert, 2000)) {
            long[] ids = tokenizer.encode(thousandHellos).getIds();
            assertEquals(1002, ids.length, "[CLS] + 1000 x hello + [SEP], not capped at 512");
            assertEquals(2000, tokenizer.getMaxLength());
        }
        try (HuggingFaceTokenizer tokenizer = Tokenizers.load(bert, 600)) {
            long[] ids = tokenizer.encode(thousandHellos).getIds();
            assertEquals(600, ids.length);
            assertEquals(101, ids[0]);
            assertEquals(BERT_HELLO, ids[1]);
            assertEquals(102, ids[599]);
        }
    }

    @Test
    void unpaddedLoadOverridesThePaddingInsideTheMiniLmFile() throws IOException {
        // the shipped file pads to a fixed 128; load() must give exactly the tokens
        try (HuggingFaceTokenizer tokenizer = Tokenizers.load(BertTokenizerFiles.minilm(home), 128)) {
            assertEquals(4, tokenizer.encode("hello world").getIds().length);
        }
    }

    @Test
    void llamaPaddingUsesIdZeroSoTheMaskMustBeUsed() throws IOException {
        assumeTrue(Files.isRegularFile(LlamaTokenizerFiles.location(Tune4jHome.resolve())) || NpmOnPath.available(),
                NpmOnPath.SKIP_MESSAGE);
        try (HuggingFaceTokenizer tokenizer = Tokenizers.loadPadded(LlamaTokenizerFiles.ensure(), 6)) {
            Encoding encoding = tokenizer.encode("Hello,");
            // golden: "Hello," -> <s> 15043 29892 (prefix of "Hello, my dog is cute"); Llama has no pad token
            assertArrayEquals(new long[] {1, 15043, 29892, 0, 0, 0}, encoding.getIds());
            assertArrayEquals(new long[] {1, 1, 1, 0, 0, 0}, encoding.getAttentionMask());
            assertEquals("[<s>, ▁Hello, ,, [PAD], [PAD], [PAD]]", Arrays.toString(encoding.getTokens()));
        }
    }

    @Test
    void vocabularySizeOfTheRealTokenizersAndAMismatchedModel() throws java.io.IOException {
        java.nio.file.Path bert = BertTokenizerFiles.minilm();
        assertEquals(30522, Tokenizers.vocabularySize(bert)); // bert-base-uncased vocab.txt has 30,522 lines
        Tokenizers.checkFits(bert, dev.tune4j.model.bert.BertConfig.tiny(30522, 8, 1, 2, 8));
        var largerTable = dev.tune4j.model.llama.LlamaConfig.tiny(32000, 8, 1, 2, 2, 8);
        var e = assertThrows(IllegalArgumentException.class,
                () -> Tokenizers.checkFits(bert, dev.tune4j.model.bert.BertConfig.tiny(30000, 8, 1, 2, 8)));
        assertTrue(e.getMessage().contains("produces ids up to 30521 but the bert model's vocab_size is 30000"),
                e.getMessage());
        Tokenizers.checkFits(bert, largerTable); // 30,522 ids fit a 32,000-row table
    }
}
