package dev.tune4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two tokenizer.json defects TokenizerFileFuzzTest found, minimized by hand from its crash inputs: the Rust
 * tokenizers library loads both, then aborts the JVM (a template naming an undefined special token) or fails every
 * encoding with a message that names no file (an unk_token missing from the vocabulary).
 */
class TokenizerJsonChecksTest {
    private static final String WORDPIECE = """
            "model": {"type": "WordPiece", "unk_token": "%s", "continuing_subword_prefix": "##",
                      "max_input_chars_per_word": 100, "vocab": {"[UNK]": 0, "[CLS]": 1, "call": 2}}""";

    @TempDir
    Path directory;

    @Test
    void aTemplateNamingAnUndefinedSpecialTokenIsRefusedBeforeItCanAbortTheJvm() throws IOException {
        Path file = Files.writeString(directory.resolve("tokenizer.json"), "{" + WORDPIECE.formatted("[UNK]") + """
                , "post_processor": {"type": "TemplatePbocessing", "single": [{"SpecialToken": {"id": "[CLS]",
                  "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}], "pair": [],
                  "special_tokens": {"[CLSd": {"id": "[CLS]", "ids": [1], "tokens": ["[CLS]"]}}}}""");
        IOException e = assertThrows(IOException.class, () -> Tokenizers.load(file, 16));
        assertEquals(file + ": post_processor.single[0] uses special token \"[CLS]\", which"
                + " post_processor.special_tokens does not define (it has [[CLSd]); the tokenizers library would abort"
                + " the JVM on it. Use the tokenizer.json that belongs to the model", e.getMessage());
    }

    @Test
    void anUnknownTokenOutsideTheVocabularyIsRefusedWithTheFile() throws IOException {
        Path file = Files.writeString(directory.resolve("tokenizer.json"), "{" + WORDPIECE.formatted("<unk>") + "}");
        IOException e = assertThrows(IOException.class, () -> Tokenizers.load(file, 16));
        assertEquals(file + ": model.unk_token \"<unk>\" is not in model.vocab, so every text with an unknown piece"
                + " would fail to encode. Use the tokenizer.json that belongs to the model", e.getMessage());
    }
}
