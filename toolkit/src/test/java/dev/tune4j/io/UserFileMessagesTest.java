package dev.tune4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tune4j.data.BadRows;
import dev.tune4j.data.classification.TextClassificationReaders;
import dev.tune4j.model.ModelConfig;
import dev.tune4j.tokenizer.Tokenizers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The messages of issue 19 that lacked the what and where: each names the file, says what it should be and how to go
 * on, where the JDK, Jackson or the tokenizers library said only {@code Is a directory}, {@code Input length = 1}, a
 * bare path or a parse position.
 */
class UserFileMessagesTest {
    @TempDir
    Path directory;

    @Test
    void aDirectoryGivenAsDataFileIsNamedAsSuch() throws IOException {
        Path folder = Files.createDirectory(directory.resolve("train.csv"));
        IOException e = assertThrows(IOException.class,
                () -> TextClassificationReaders.csv(folder, "text", "label", new BadRows(false)));
        assertEquals(folder + ": is a directory, but a CSV data file (data.path) must be a file; give the path of"
                + " the file inside it", e.getMessage());
    }

    @Test
    void binaryDataSaysWhichByteOfWhichFileIsNotUtf8() throws IOException {
        Path file = directory.resolve("train.jsonl");
        byte[] bytes = "{\"text\": \"fine\", \"label\": \"a\"}\n{\"text\": \"x?\"}\n"
                .getBytes(StandardCharsets.UTF_8);
        int bad = new String(bytes, StandardCharsets.UTF_8).indexOf('?');
        bytes[bad] = (byte) 0xFF; // never valid in UTF-8
        Files.write(file, bytes);
        IOException e = assertThrows(IOException.class,
                () -> TextClassificationReaders.jsonl(file, "text", "label", new BadRows(false)));
        assertEquals(file + ": is not UTF-8 text: byte " + bad + " (line 2) is not valid UTF-8. A JSON"
                + " Lines data file (data.path) must be UTF-8 text; is this a binary or differently encoded file?"
                + " Re-save it as UTF-8 or give the right path", e.getMessage());
    }

    @Test
    void aMissingDataFileSaysWhatWasLookedForAndWhere() {
        Path missing = directory.resolve("no-such.jsonl");
        IOException e = assertThrows(IOException.class,
                () -> TextClassificationReaders.jsonl(missing, "text", "label", new BadRows(false)));
        assertEquals(missing + ": JSON Lines data file (data.path) not found (looked at "
                + missing.toAbsolutePath().normalize() + "); check the path", e.getMessage());
    }

    @Test
    void tokenizerParseErrorsNameTheFile() throws IOException {
        Path tokenizer = directory.resolve("tokenizer.json");
        Files.writeString(tokenizer, "{\"model\": {\"type\": \"WordPiece\", \"vocab\": 7}}");
        IOException load = assertThrows(IOException.class, () -> Tokenizers.load(tokenizer, 16));
        assertTrue(load.getMessage().startsWith(tokenizer + " is not a tokenizer.json the Hugging Face tokenizers"
                + " library can load: "), load.getMessage());
        assertTrue(load.getMessage().endsWith("; use the tokenizer.json that belongs to the model"),
                load.getMessage());

        Files.writeString(tokenizer, "{\"model\": {\"vocab\": {\"a\": 0,}}}");
        IOException size = assertThrows(IOException.class, () -> Tokenizers.vocabularySize(tokenizer));
        assertTrue(size.getMessage().startsWith(tokenizer + " is not a valid tokenizer.json: Unexpected character"),
                size.getMessage());
        assertTrue(size.getMessage().contains("(line 1, column 29)"), size.getMessage());
    }

    @Test
    void absurdConfigSizesAreRefusedBeforeAnythingIsAllocated() throws IOException {
        Path config = directory.resolve("config.json");
        Files.writeString(config, """
                {"model_type": "llama", "vocab_size": 32000, "hidden_size": 1048576, "intermediate_size": 11008,
                 "num_hidden_layers": 32, "num_attention_heads": 32, "max_position_embeddings": 4096,
                 "rms_norm_eps": 1e-5}""");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelConfig.read(config));
        assertEquals(config + ": embed_tokens (vocab_size x hidden_size) would be 32000 x 1048576 = 33554432000"
                + " elements, more than one tensor can hold (2147483639); these sizes are not those of a real model:"
                + " check config.json", e.getMessage());

        Files.writeString(config, """
                {"model_type": "bert", "vocab_size": 30522, "hidden_size": 768, "intermediate_size": 3072,
                 "num_hidden_layers": 100000, "num_attention_heads": 12, "max_position_embeddings": 512}""");
        IllegalArgumentException layers = assertThrows(IllegalArgumentException.class,
                () -> ModelConfig.read(config));
        assertEquals(config + ": num_hidden_layers 100000 is above the sanity bound of 1024; these sizes are not"
                + " those of a real model: check config.json", layers.getMessage());
    }
}
