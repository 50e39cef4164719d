package dev.tune4j.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tune4j.io.OutputFiles;
import dev.tune4j.runfiles.MetricKeys;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes a run's {@value MetricKeys#METRICS_FILE}: one JSON object per line, flushed at once, so a crashed or killed
 * run keeps every step it finished. Keys are those of {@link MetricKeys}.
 */
public final class MetricsLog implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final BufferedWriter writer;

    /** Creates (or truncates) {@code file}. */
    public MetricsLog(Path file) throws IOException {
        this.file = file;
        this.writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
    }

    /** A new, empty line object to fill. */
    public ObjectNode line(String type, long step) {
        ObjectNode line = JSON.createObjectNode();
        line.put(MetricKeys.TYPE, type);
        line.put(MetricKeys.STEP, step);
        return line;
    }

    /** Adds {@code values} to {@code line} in their order. */
    public static void putAll(ObjectNode line, Map<String, Double> values) {
        values.forEach(line::put);
    }

    /**
     * Adds the finite {@code values} to {@code line} in their order, each key prefixed with {@code prefix}; a NaN or
     * infinite value is left out, since JSON cannot hold it.
     */
    public static void putFinite(ObjectNode line, String prefix, Map<String, Double> values) {
        values.forEach((key, value) -> {
            if (value != null && Double.isFinite(value)) {
                line.put(prefix + key, value);
            }
        });
    }

    /** Appends {@code line} and flushes. */
    public void write(ObjectNode line) {
        try {
            writer.write(JSON.writeValueAsString(line));
            writer.newLine();
            writer.flush();
        } catch (IOException e) {
            IOException named = OutputFiles.writeFailure(file, e);
            throw new UncheckedIOException(named.getMessage(), named);
        }
    }

    @Override
    public void close() throws IOException {
        writer.close();
    }
}
