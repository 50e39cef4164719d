package dev.tune4j.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What every fuzz target shares: one scratch directory per fuzzing JVM that inputs are written into, and the rule
 * that a refused input must say why. A target catches exactly the exception types its reader documents and passes
 * them to {@link #assertExplained}; any other throwable (a NullPointerException, an OutOfMemoryError, a runtime
 * exception the reader does not document) escapes and Jazzer records the input as a finding.
 */
public final class FuzzInputs {
    private static Path scratch;

    private FuzzInputs() {}

    /** An empty directory {@code name} under this JVM's scratch directory (emptied if it exists). */
    public static synchronized Path freshDirectory(String name) {
        try {
            if (scratch == null) {
                scratch = Files.createTempDirectory("tune4j-fuzz");
            }
            Path directory = scratch.resolve(name);
            if (Files.exists(directory)) {
                try (var paths = Files.walk(directory)) {
                    for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        Files.delete(path);
                    }
                }
            }
            return Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("fuzz scratch directory", e);
        }
    }

    /** Writes {@code input} as the only file {@code fileName} of the fresh directory {@code directory}. */
    public static Path write(String directory, String fileName, byte[] input) {
        try {
            return Files.write(freshDirectory(directory).resolve(fileName), input);
        } catch (IOException e) {
            throw new UncheckedIOException("fuzz scratch file", e);
        }
    }

    /**
     * Splits one fuzz input into up to {@code count} files at its first {@code count - 1} zero bytes, so that a
     * target reading several files takes one plain byte array (and a seed is easy to write by hand). Missing parts
     * are empty.
     */
    public static List<byte[]> parts(byte[] input, int count) {
        List<byte[]> parts = new ArrayList<>(count);
        int start = 0;
        for (int i = 0; i < input.length && parts.size() < count - 1; i++) {
            if (input[i] == 0) {
                parts.add(Arrays.copyOfRange(input, start, i));
                start = i + 1;
            }
        }
        parts.add(Arrays.copyOfRange(input, Math.min(start, input.length), input.length));
        while (parts.size() < count) {
            parts.add(new byte[0]);
        }
        return parts;
    }

    /**
     * Asserts that a documented refusal explains itself: a message that is not blank.
     *
     * @throws AssertionError naming the exception otherwise
     */
    public static void assertExplained(Exception refusal) {
        String message = refusal.getMessage();
        if (message == null || message.isBlank()) {
            throw new AssertionError(refusal.getClass().getName() + " without a message", refusal);
        }
    }
}
