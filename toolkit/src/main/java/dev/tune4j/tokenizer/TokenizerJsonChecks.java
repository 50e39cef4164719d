package dev.tune4j.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Checks of a {@code tokenizer.json} tree for what the Hugging Face tokenizers library (Rust, behind DJL) accepts
 * when loading but then fails on while encoding: a panic there cannot unwind into Java, so it aborts the JVM, and its
 * errors name no file. Found by fuzzing ({@code TokenizerFileFuzzTest}); each check names the file and the JSON path.
 */
final class TokenizerJsonChecks {
    private TokenizerJsonChecks() {}

    /**
     * Refuses a tree the library would abort on.
     *
     * @throws IOException naming the file, the JSON path and what is wrong
     */
    static void check(Path file, JsonNode root) throws IOException {
        unknownToken(file, root.path("model"));
        postProcessor(file, root.path("post_processor"), "post_processor");
    }

    /**
     * A BPE or WordPiece model's {@code unk_token} must be in its vocabulary: the library loads it without, then
     * fails every encoding that meets an unknown piece (with a message that names no file).
     */
    private static void unknownToken(Path file, JsonNode model) throws IOException {
        JsonNode unknown = model.path("unk_token");
        JsonNode vocab = model.path("vocab");
        if (unknown.isTextual() && vocab.isObject() && !vocab.has(unknown.textValue())) {
            throw new IOException(file + ": model.unk_token " + unknown + " is not in model.vocab, so every text with"
                    + " an unknown piece would fail to encode. Use the tokenizer.json that belongs to the model");
        }
    }

    /**
     * A template ({@code single}, {@code pair}) may only name special tokens its {@code special_tokens} defines. The
     * library picks a post-processor by its fields, not its {@code type} (a misspelt type still loads as a
     * template), so every object under {@code post_processor} that has a template is checked, at any depth.
     */
    private static void postProcessor(Path file, JsonNode node, String path) throws IOException {
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                postProcessor(file, node.get(i), path + "[" + i + "]");
            }
            return;
        }
        if (!node.isObject()) {
            return;
        }
        JsonNode specialTokens = node.path("special_tokens");
        for (String template : new String[] {"single", "pair"}) {
            JsonNode pieces = node.path(template);
            for (int i = 0; i < pieces.size(); i++) {
                JsonNode special = pieces.get(i).path("SpecialToken");
                if (special.isMissingNode()) {
                    continue;
                }
                String id = special.path("id").asText(null);
                if (id == null || !specialTokens.has(id)) {
                    throw new IOException(file + ": " + path + "." + template + "[" + i + "] uses special token "
                            + special.path("id") + ", which " + path + ".special_tokens does not define (it has "
                            + fieldNames(specialTokens) + "); the tokenizers library would abort the JVM on it."
                            + " Use the tokenizer.json that belongs to the model");
                }
            }
        }
        for (var field : node.properties()) {
            postProcessor(file, field.getValue(), path + "." + field.getKey());
        }
    }

    private static String fieldNames(JsonNode object) {
        StringBuilder names = new StringBuilder("[");
        object.fieldNames().forEachRemaining(name -> names.append(names.length() > 1 ? ", " : "").append(name));
        return names.append(']').toString();
    }
}
