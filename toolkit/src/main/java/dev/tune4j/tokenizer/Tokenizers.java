package dev.tune4j.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tune4j.io.InputFiles;
import dev.tune4j.model.ModelConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Loads a Hugging Face {@code tokenizer.json} from a path into Deep Java Library's {@link HuggingFaceTokenizer}, with
 * an explicit maximum length (without one DJL warns, and it caps any length at its default "modelMaxLength" of 512),
 * truncation on, and the model's special tokens added ({@code <s>} for Llama, {@code [CLS]}/{@code [SEP]} for BERT).
 * Never loads by hub name, so nothing is downloaded.
 *
 * <p><b>Padding pitfall.</b> Llama-2 has no pad token. When a tokenizer.json defines none, DJL pads with the string
 * {@code [PAD]} and <b>id 0</b>, which for Llama is {@code <unk>}. Padded positions therefore carry a real id: always
 * use the attention mask, both in attention and to mask the labels (set labels at mask 0 to an ignore index) so the
 * loss never trains on padding. BERT's {@code [PAD]} is id 0 as well, but it is a real pad token.
 *
 * <p>The returned tokenizer holds native memory: close it (try-with-resources).
 */
public final class Tokenizers {
    private static final String MODEL_MAX_LENGTH = "modelMaxLength";

    private Tokenizers() {}

    /**
     * Loads a tokenizer that truncates to {@code maxLength} tokens (special tokens included) and does not pad; pad
     * batches yourself (dynamic padding) and keep the attention mask.
     *
     * @param tokenizerJson a {@code tokenizer.json} file
     * @param maxLength the longest encoding, at least 1
     * @throws NoSuchFileException if {@code tokenizerJson} is not a file
     * @throws IOException if DJL cannot read or parse it
     */
    public static HuggingFaceTokenizer load(Path tokenizerJson, int maxLength) throws IOException {
        return build(tokenizerJson, maxLength, false);
    }

    /**
     * Loads a tokenizer that truncates and pads every encoding to exactly {@code maxLength} tokens. See the padding
     * pitfall in the class documentation.
     *
     * @param tokenizerJson a {@code tokenizer.json} file
     * @param maxLength the length of every encoding, at least 1
     * @throws NoSuchFileException if {@code tokenizerJson} is not a file
     * @throws IOException if DJL cannot read or parse it
     */
    public static HuggingFaceTokenizer loadPadded(Path tokenizerJson, int maxLength) throws IOException {
        return build(tokenizerJson, maxLength, true);
    }

    /**
     * The number of token ids {@code tokenizerJson} can produce: one more than the largest id in its model vocabulary
     * (BPE/WordPiece maps, Unigram lists) and its added tokens.
     *
     * @throws IOException if the file cannot be read or has no vocabulary
     */
    public static int vocabularySize(Path tokenizerJson) throws IOException {
        JsonNode root = readTree(tokenizerJson);
        JsonNode vocab = root.path("model").path("vocab");
        long largest = -1;
        if (vocab.isObject()) {
            for (JsonNode id : (Iterable<JsonNode>) vocab::elements) {
                largest = Math.max(largest, id.asLong());
            }
        } else if (vocab.isArray()) {
            largest = vocab.size() - 1L;
        } else {
            throw new IOException(tokenizerJson + " has no model.vocab: is it a Hugging Face tokenizer.json?");
        }
        for (JsonNode added : root.path("added_tokens")) {
            largest = Math.max(largest, added.path("id").asLong(-1));
        }
        if (largest >= Integer.MAX_VALUE) {
            throw new IOException(tokenizerJson + " has token id " + largest + ", beyond any real vocabulary; is it a"
                    + " Hugging Face tokenizer.json?");
        }
        return Math.toIntExact(largest + 1);
    }

    /** The JSON tree of a tokenizer.json, every problem naming the file. */
    private static JsonNode readTree(Path tokenizerJson) throws IOException {
        JsonNode root;
        try {
            root = ModelConfig.JSON.readTree(InputFiles.readUtf8(tokenizerJson, "tokenizer.json"));
        } catch (JacksonException e) {
            throw new IOException(tokenizerJson + " is not a valid tokenizer.json: " + e.getOriginalMessage()
                    + location(e) + "; use the tokenizer.json that belongs to the model", e);
        }
        if (root == null) {
            throw new IOException(tokenizerJson + " is empty; expected a Hugging Face tokenizer.json");
        }
        return root;
    }

    private static String location(JacksonException e) {
        return e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                + e.getLocation().getColumnNr() + ")";
    }

    /**
     * Ensures every id the tokenizer can produce has a row in the model's embedding table.
     *
     * @throws IllegalArgumentException naming both sizes when the tokenizer's vocabulary is larger than the model's
     *     {@code vocab_size} (a tokenizer that belongs to another model)
     * @throws IOException if the tokenizer file cannot be read
     */
    public static void checkFits(Path tokenizerJson, ModelConfig model) throws IOException {
        int size = vocabularySize(tokenizerJson);
        if (size > model.vocabSize()) {
            throw new IllegalArgumentException("tokenizer " + tokenizerJson + " produces ids up to " + (size - 1)
                    + " but the " + model.modelType() + " model's vocab_size is " + model.vocabSize()
                    + "; use the tokenizer that belongs to this checkpoint");
        }
    }

    private static HuggingFaceTokenizer build(Path tokenizerJson, int maxLength, boolean padToMaxLength)
            throws IOException {
        if (maxLength < 1) {
            throw new IllegalArgumentException("maxLength must be at least 1, got " + maxLength
                    + " (loading tokenizer " + tokenizerJson + ")");
        }
        if (!Files.exists(tokenizerJson)) {
            throw new NoSuchFileException(tokenizerJson.toString(), null,
                    "no tokenizer.json file here; create it with LlamaTokenizerFiles.ensure() or "
                            + "BertTokenizerFiles.minilm(), or pass the path of an existing tokenizer.json file");
        }
        InputFiles.requireRegularFile(tokenizerJson, "tokenizer.json");
        TokenizerJsonChecks.check(tokenizerJson, readTree(tokenizerJson));
        // DJL caps maxLength at "modelMaxLength" (512 unless a tokenizer_config.json says otherwise); lift the cap
        HuggingFaceTokenizer.Builder builder = HuggingFaceTokenizer.builder(Map.of(MODEL_MAX_LENGTH, maxLength))
                .optTokenizerPath(tokenizerJson)
                .optAddSpecialTokens(true)
                .optMaxLength(maxLength)
                .optTruncation(true);
        if (padToMaxLength) {
            builder.optPadToMaxLength();
        } else {
            builder.optPadding(false);
        }
        try {
            return builder.build();
        } catch (RuntimeException e) { // DJL passes the Rust tokenizers library's parse error on without the file
            throw new IOException(tokenizerJson + " is not a tokenizer.json the Hugging Face tokenizers library can"
                    + " load: " + e.getMessage() + "; use the tokenizer.json that belongs to the model", e);
        }
    }
}
