package dev.tune4j.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/** Whole output directories: written beside their target, then put in its place; deleted with everything in them. */
public final class Directories {
    private Directories() {}

    /** Deletes {@code directory} and everything under it; nothing happens when it does not exist. */
    public static void deleteRecursively(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(directory)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    /**
     * A fresh, empty directory beside {@code target} (same parent, so the final move is a rename), named after it and
     * hidden, for {@link #replace}.
     */
    public static Path staging(Path target) throws IOException {
        Path staging = target.resolveSibling("." + target.getFileName() + ".partial");
        deleteRecursively(staging);
        return Files.createDirectories(staging);
    }

    /**
     * Puts the fully written {@code staging} directory in place of {@code target}: the old target is deleted first,
     * then {@code staging} is renamed, so a reader never sees a mixture of old and new files.
     */
    public static void replace(Path staging, Path target) throws IOException {
        deleteRecursively(target);
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The bytes of every regular file under {@code directory}. */
    public static long sizeInBytes(Path directory) throws IOException {
        try (Stream<Path> walk = Files.walk(directory)) {
            long total = 0;
            for (Path path : walk.filter(Files::isRegularFile).toList()) {
                total += Files.size(path);
            }
            return total;
        }
    }
}
