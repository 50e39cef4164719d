package dev.tune4j.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tune4j.io.InputFiles;
import dev.tune4j.model.ModelConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tokenizer files of a Hugging Face model directory, so that {@code AutoTokenizer.from_pretrained(dir)} (and
 * tune4j, which reads {@code tokenizer.json}) load a saved model with its tokenizer: {@value #TOKENIZER_JSON},
 * {@value #TOKENIZER_CONFIG} and {@value #SPECIAL_TOKENS_MAP}.
 *
 * <p>The two small files are copied when they sit beside the source {@code tokenizer.json} (a downloaded model
 * directory has them). Otherwise they are written from the tokenizer itself: the special tokens of the model family
 * (BERT's {@code [CLS] [SEP] [PAD] [MASK] [UNK]}, Llama's {@code <s> </s> <unk>}) that the tokenizer really has,
 * the fast tokenizer class, and {@code model_max_length} from the model's positions.
 */
public final class TokenizerDirectory {
    /** The tokenizer itself. */
    public static final String TOKENIZER_JSON = "tokenizer.json";
    /** The tokenizer's settings for {@code AutoTokenizer}. */
    public static final String TOKENIZER_CONFIG = "tokenizer_config.json";
    /** The special tokens by role. */
    public static final String SPECIAL_TOKENS_MAP = "special_tokens_map.json";

    private static final Map<String, String> BERT_SPECIAL = roles("unk_token", "[UNK]", "sep_token", "[SEP]",
            "pad_token", "[PAD]", "cls_token", "[CLS]", "mask_token", "[MASK]");
    private static final Map<String, String> LLAMA_SPECIAL = roles("bos_token", "<s>", "eos_token", "</s>",
            "unk_token", "<unk>");

    private TokenizerDirectory() {}

    /**
     * Writes the tokenizer files for a model of {@code config} into {@code directory}.
     *
     * @param tokenizerJson the model's tokenizer.json
     * @throws IOException naming the file, if the tokenizer cannot be read or the files cannot be written
     */
    public static void write(Path tokenizerJson, ModelConfig config, Path directory) throws IOException {
        Files.createDirectories(directory);
        Path source = tokenizerJson.toAbsolutePath().getParent();
        Path target = directory.toAbsolutePath();
        if (!tokenizerJson.toAbsolutePath().normalize().equals(target.resolve(TOKENIZER_JSON).normalize())) {
            TokenizerFiles.writeAtomically(target.resolve(TOKENIZER_JSON), Files.readAllBytes(tokenizerJson));
        }
        if (Files.isRegularFile(source.resolve(TOKENIZER_CONFIG))
                && Files.isRegularFile(source.resolve(SPECIAL_TOKENS_MAP))) {
            for (String name : List.of(TOKENIZER_CONFIG, SPECIAL_TOKENS_MAP)) {
                if (!source.resolve(name).normalize().equals(target.resolve(name).normalize())) {
                    TokenizerFiles.writeAtomically(target.resolve(name), Files.readAllBytes(source.resolve(name)));
                }
            }
            return;
        }
        JsonNode tokenizer = ModelConfig.JSON.readTree(InputFiles.readUtf8(tokenizerJson, "tokenizer.json"));
        Map<String, String> special = new LinkedHashMap<>();
        (config.modelType().equals("llama") ? LLAMA_SPECIAL : BERT_SPECIAL).forEach((role, token) -> {
            if (hasToken(tokenizer, token)) {
                special.put(role, token);
            }
        });
        ObjectNode map = ModelConfig.JSON.createObjectNode();
        special.forEach(map::put);
        ObjectNode settings = ModelConfig.JSON.createObjectNode();
        if (config.modelType().equals("llama")) {
            settings.put("tokenizer_class", "LlamaTokenizerFast");
            settings.put("add_bos_token", true);
            settings.put("add_eos_token", false);
        } else {
            settings.put("tokenizer_class", "BertTokenizerFast");
            settings.put("do_lower_case", tokenizer.path("normalizer").path("lowercase").asBoolean(true));
        }
        settings.put("model_max_length", config.maxPositionEmbeddings());
        special.forEach(settings::put);
        writeJson(target.resolve(SPECIAL_TOKENS_MAP), map);
        writeJson(target.resolve(TOKENIZER_CONFIG), settings);
    }

    private static boolean hasToken(JsonNode tokenizer, String token) {
        for (JsonNode added : tokenizer.path("added_tokens")) {
            if (token.equals(added.path("content").asText(null))) {
                return true;
            }
        }
        JsonNode vocab = tokenizer.path("model").path("vocab");
        if (vocab.isObject()) {
            return vocab.has(token);
        }
        for (JsonNode entry : vocab) { // Unigram: [piece, score] pairs
            if (token.equals(entry.path(0).asText(null))) {
                return true;
            }
        }
        return false;
    }

    private static void writeJson(Path file, ObjectNode json) throws IOException {
        String text = ModelConfig.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json) + "\n";
        TokenizerFiles.writeAtomically(file, text.getBytes(StandardCharsets.UTF_8));
    }

    private static Map<String, String> roles(String... roleThenToken) {
        Map<String, String> roles = new LinkedHashMap<>();
        for (int i = 0; i < roleThenToken.length; i += 2) {
            roles.put(roleThenToken[i], roleThenToken[i + 1]);
        }
        return roles;
    }
}
