package dev.tune4j.runfiles;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tune4j.io.OutputFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * A checkpoint's {@value #FILE}: every other file of the checkpoint directory with its size and SHA-256, written last,
 * so that a checkpoint without it never finished, and one whose files differ from it was cut short or changed.
 */
public final class CheckpointManifest {
    /** The manifest's file name, in the checkpoint directory. */
    public static final String FILE = "manifest.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    private CheckpointManifest() {}

    /** Lists every file under {@code directory} (but the manifest) in {@value #FILE}, forced to the disk. */
    public static void write(Path directory) throws IOException {
        ObjectNode manifest = JSON.createObjectNode();
        manifest.put("format", 1);
        ArrayNode files = manifest.putArray("files");
        for (Path file : filesUnder(directory)) {
            ObjectNode entry = files.addObject();
            entry.put("path", directory.relativize(file).toString().replace('\\', '/'));
            entry.put("bytes", Files.size(file));
            entry.put("sha256", sha256(file));
        }
        OutputFiles.writeAtomically(directory.resolve(FILE), JSON.writerWithDefaultPrettyPrinter()
                .writeValueAsString(manifest));
    }

    /**
     * Checks every file the manifest lists: present, of its size, of its SHA-256.
     *
     * @throws CheckpointRefusedException naming the first file that is missing, short, long or altered, or the
     *     manifest itself when it is missing or unreadable
     */
    public static void verify(Path directory) throws IOException {
        Path manifestFile = directory.resolve(FILE);
        if (!Files.isRegularFile(manifestFile)) {
            throw new CheckpointRefusedException(manifestFile, "missing: the checkpoint was not finished");
        }
        JsonNode manifest;
        try {
            manifest = JSON.readTree(manifestFile.toFile());
        } catch (IOException e) {
            throw new CheckpointRefusedException(manifestFile, "not readable JSON (" + e.getMessage() + ")");
        }
        JsonNode files = manifest.path("files");
        if (!files.isArray() || files.isEmpty()) {
            throw new CheckpointRefusedException(manifestFile, "lists no files");
        }
        for (JsonNode entry : files) {
            Path file = directory.resolve(entry.path("path").asText());
            if (!file.normalize().startsWith(directory.normalize()) || entry.path("path").asText().isEmpty()) {
                throw new CheckpointRefusedException(manifestFile, "lists a path outside the checkpoint: "
                        + entry.path("path"));
            }
            if (!Files.isRegularFile(file)) {
                throw new CheckpointRefusedException(file, "missing");
            }
            long bytes = Files.size(file);
            long expected = entry.path("bytes").asLong(-1);
            if (bytes != expected) {
                throw new CheckpointRefusedException(file, bytes + " bytes, but the manifest says " + expected
                        + (bytes < expected ? " (truncated)" : ""));
            }
            if (!sha256(file).equals(entry.path("sha256").asText())) {
                throw new CheckpointRefusedException(file, "its SHA-256 differs from the manifest's (the file was"
                        + " altered after the checkpoint was written)");
            }
        }
    }

    /** The regular files under {@code directory}, but the manifest, in a stable order. */
    static List<Path> filesUnder(Path directory) throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(directory)) {
            walk.filter(Files::isRegularFile).filter(file -> !file.equals(directory.resolve(FILE))).sorted()
                    .forEach(files::add);
        }
        return files;
    }

    /** The SHA-256 of {@code text}'s UTF-8 bytes, in lower-case hex. */
    public static String sha256(String text) {
        return HexFormat.of().formatHex(digest().digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    private static String sha256(Path file) throws IOException {
        MessageDigest digest = digest();
        byte[] buffer = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                digest.update(buffer, 0, read);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
