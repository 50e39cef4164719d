package dev.tune4j.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tune4j.io.InputFiles;
import dev.tune4j.model.bert.BertConfig;
import dev.tune4j.model.llama.LlamaConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The architecture hyper-parameters of a Hugging Face checkpoint, read from its {@code config.json}. tune4j knows
 * {@code model_type} {@code llama} and {@code bert}.
 */
public interface ModelConfig {
    /** The JSON mapper tune4j uses for config files. */
    ObjectMapper JSON = new ObjectMapper();

    /** HF {@code model_type}. */
    String modelType();

    /** Size of the token vocabulary. */
    int vocabSize();

    /** Longest sequence the position embeddings cover. */
    int maxPositionEmbeddings();

    /** The config as HF writes it, for {@code config.json} next to saved weights. */
    ObjectNode toJson();

    /**
     * Reads {@code config.json} from a model directory (or the file itself).
     *
     * @throws IOException if the file cannot be read or is not JSON
     * @throws IllegalArgumentException naming the file and every missing or invalid key, or an unsupported model_type
     */
    static ModelConfig read(Path directoryOrFile) throws IOException {
        Path file = Files.isDirectory(directoryOrFile) ? directoryOrFile.resolve("config.json") : directoryOrFile;
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, "no config.json: is this a Hugging Face model directory?");
        }
        JsonNode root;
        try {
            root = JSON.readTree(InputFiles.readUtf8(file, "config.json"));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException(file + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(file + ": config.json must hold a JSON object");
        }
        return parse(root, file.toString());
    }

    /** Parses a config tree; {@code source} names it in errors. */
    static ModelConfig parse(JsonNode root, String source) {
        JsonNode type = root.get("model_type");
        if (type == null || !type.isTextual()) {
            throw new IllegalArgumentException(source + ": missing required key 'model_type' (llama or bert)");
        }
        return switch (type.textValue()) {
            case "llama" -> LlamaConfig.parse(new ConfigJson(root, source));
            case "bert" -> BertConfig.parse(new ConfigJson(root, source));
            default -> throw new IllegalArgumentException(source + ": model_type '" + type.textValue()
                    + "' is not supported; tune4j loads 'llama' and 'bert' checkpoints");
        };
    }

    /** Writes {@link #toJson()} as {@code config.json} into {@code directory}. */
    default void write(Path directory) throws IOException {
        Files.createDirectories(directory);
        JSON.writerWithDefaultPrettyPrinter().writeValue(directory.resolve("config.json").toFile(), toJson());
    }
}
