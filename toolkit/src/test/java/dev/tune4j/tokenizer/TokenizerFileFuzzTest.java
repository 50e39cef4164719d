package dev.tune4j.tokenizer;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tune4j.testing.FuzzInputs;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Fuzzes {@code tokenizer.json} loading: {@link Tokenizers#vocabularySize} and {@link Tokenizers#load} may only
 * refuse with an {@link IOException} that names the file; a tokenizer that loads must encode a sentence into ids
 * below its vocabulary size, without a JVM abort in the native tokenizers library.
 */
class TokenizerFileFuzzTest {
    @FuzzTest(maxDuration = "15s")
    void loadAndEncode(byte[] input) throws IOException {
        Path file = FuzzInputs.write("tokenizer", "tokenizer.json", input);
        int vocabulary;
        try {
            vocabulary = Tokenizers.vocabularySize(file);
        } catch (IOException refused) {
            assertNamesFile(refused, file);
            return;
        }
        try (HuggingFaceTokenizer tokenizer = Tokenizers.load(file, 16)) {
            Encoding encoding = tokenizer.encode("Call me Ishmael.");
            for (long id : encoding.getIds()) {
                if (id < 0 || id >= vocabulary) {
                    throw new AssertionError("id " + id + " outside the vocabulary of " + vocabulary);
                }
            }
        } catch (IOException refused) {
            assertNamesFile(refused, file);
        }
    }

    private static void assertNamesFile(IOException refused, Path file) {
        FuzzInputs.assertExplained(refused);
        if (!refused.getMessage().contains(file.toString())) {
            throw new AssertionError("the message does not name " + file + ": " + refused.getMessage(), refused);
        }
    }
}
