package dev.tune4j.optim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The on-disk layout of saved optimizer state, one home for every optimizer: {@value #TENSORS} (state tensors) and
 * {@value #JSON_FILE} (step count, scalars, options) in one directory, the JSON written atomically.
 */
public final class StateFiles {
    /** The state tensors. */
    public static final String TENSORS = "optimizer.safetensors";
    /** The scalars. */
    public static final String JSON_FILE = "optimizer.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    private StateFiles() {}

    /** The mapper optimizers use for their state JSON. */
    public static ObjectMapper mapper() {
        return JSON;
    }

    /** Writes {@code json} as {@value #JSON_FILE} in {@code directory}: to a temporary file, then moved into place. */
    public static void writeJson(Path directory, JsonNode json) throws IOException {
        Path temporary = directory.resolve(JSON_FILE + ".tmp");
        JSON.writerWithDefaultPrettyPrinter().writeValue(temporary.toFile(), json);
        Files.move(temporary, directory.resolve(JSON_FILE), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Reads {@value #JSON_FILE} after checking that both files are there.
     *
     * @throws NoSuchFileException naming the missing file
     */
    public static JsonNode readJson(Path directory) throws IOException {
        for (String name : List.of(JSON_FILE, TENSORS)) {
            Path file = directory.resolve(name);
            if (!Files.isRegularFile(file)) {
                throw new NoSuchFileException(file.toString(), null, "no saved optimizer state here");
            }
        }
        return JSON.readTree(directory.resolve(JSON_FILE).toFile());
    }
}
