package dev.tune4j.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tune4j.io.OutputFiles;
import dev.tune4j.runfiles.MetricKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * Writes a run's {@value MetricKeys#METRICS_FILE}: one JSON object per line, written at once, so a crashed or killed
 * run keeps every step it finished. A line that cannot be written whole (a full disk) is cut off again, so the file
 * holds only whole lines and the run's real error is what gets reported. Keys are those of {@link MetricKeys}.
 */
public final class MetricsLog implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final FileChannel channel;
    private long lines;

    /** Creates (or truncates) {@code file}. */
    public MetricsLog(Path file) throws IOException {
        this(file, 0);
    }

    /**
     * Opens {@code file} keeping its first {@code keptLines} lines (a resumed run: the lines its checkpoint had
     * written; later ones came from steps the run does again) and appending after them.
     *
     * @throws IOException naming the file, when it has fewer lines than {@code keptLines}
     */
    public MetricsLog(Path file, long keptLines) throws IOException {
        this.file = file;
        try {
            this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw OutputFiles.writeFailure(file, e);
        }
        try {
            channel.truncate(offsetAfterLines(keptLines));
            channel.position(channel.size());
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        this.lines = keptLines;
    }

    /** Lines in the file so far. */
    public long lines() {
        return lines;
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

    /** Appends {@code line}; on failure the file is cut back to its whole lines and the error names the file. */
    public void write(ObjectNode line) {
        long start;
        try {
            start = channel.position();
        } catch (IOException e) {
            throw unchecked(e);
        }
        try {
            ByteBuffer bytes = ByteBuffer.wrap((JSON.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            lines++;
        } catch (IOException e) {
            try {
                channel.truncate(start);
                channel.position(start);
            } catch (IOException alsoFailed) {
                e.addSuppressed(alsoFailed);
            }
            throw unchecked(e);
        }
    }

    private UncheckedIOException unchecked(IOException e) {
        IOException named = OutputFiles.writeFailure(file, e);
        return new UncheckedIOException(named.getMessage(), named);
    }

    /** The byte offset just after line {@code count}. */
    private long offsetAfterLines(long count) throws IOException {
        if (count == 0) {
            return 0;
        }
        ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
        long offset = 0;
        long seen = 0;
        channel.position(0);
        for (int read = channel.read(buffer); read > 0; read = channel.read(buffer)) {
            buffer.flip();
            while (buffer.hasRemaining()) {
                offset++;
                if (buffer.get() == '\n' && ++seen == count) {
                    return offset;
                }
            }
            buffer.clear();
        }
        throw new IOException(file + " has " + seen + " whole lines, but the checkpoint being resumed counted "
                + count + "; the metrics file was changed or cut after the checkpoint: start the run again without"
                + " --resume");
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
