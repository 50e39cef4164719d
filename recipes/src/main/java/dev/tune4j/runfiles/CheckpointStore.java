package dev.tune4j.runfiles;

import dev.tune4j.io.OutputFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A run's checkpoints, {@code <run>/}{@value #DIRECTORY}{@code /step-NNNNNN/} (the optimizer step, six digits),
 * written atomically and verified on load.
 *
 * <pre>
 * write:  .step-NNNNNN.tmp/ filled -> every file forced to disk -> manifest.json (sizes, SHA-256) -> directories
 *         forced -> renamed to step-NNNNNN/ -> checkpoints/ forced -> all but the newest keep_checkpoints renamed to
 *         .step-NNNNNN.deleting/ and deleted
 * load:   newest first; a checkpoint whose manifest is missing or disagrees with a file is refused, naming the file,
 *         and the next older one is tried
 * </pre>
 *
 * A process killed at any moment leaves every {@code step-NNNNNN/} complete (the previous ones untouched, the new one
 * whole or absent, an old one whole or already renamed away); a left-over temporary directory is deleted before the
 * next write.
 */
public final class CheckpointStore {
    /** The checkpoints' directory, in the run directory. */
    public static final String DIRECTORY = "checkpoints";

    private static final Pattern NAME = Pattern.compile("step-(\\d{6,})");
    private static final String TEMPORARY_PREFIX = ".step-";

    private final Path directory;
    private final int keep;

    /** What fills a new checkpoint directory (weights, optimizer state, trainer state). */
    @FunctionalInterface
    public interface Contents {
        /** Writes the checkpoint's files into {@code directory}, which exists and is empty. */
        void writeInto(Path directory) throws IOException;
    }

    /**
     * @param runDirectory the run directory
     * @param keep how many of the newest checkpoints to keep, at least 1
     */
    public CheckpointStore(Path runDirectory, int keep) {
        if (keep < 1) {
            throw new IllegalArgumentException("keep_checkpoints must be at least 1, found " + keep);
        }
        this.directory = runDirectory.resolve(DIRECTORY);
        this.keep = keep;
    }

    /** The directory of the checkpoint after {@code step}. */
    public Path stepDirectory(long step) {
        return directory.resolve(String.format("step-%06d", step));
    }

    /**
     * Writes the checkpoint after {@code step} atomically and deletes the oldest beyond {@code keep}.
     *
     * @return the checkpoint directory
     * @throws IOException naming the checkpoint being written and the cause; the earlier checkpoints are intact and
     *     nothing of the new one is left
     */
    public Path write(long step, Contents contents) throws IOException {
        Files.createDirectories(directory);
        deleteTemporaries();
        Path target = stepDirectory(step);
        Path temporary = directory.resolve(TEMPORARY_PREFIX + String.format("%06d", step) + ".tmp");
        if (Files.exists(target)) {
            try {
                CheckpointManifest.verify(target);
                return target; // the same step again (a stop right after resuming): the same state, already saved
            } catch (CheckpointRefusedException damaged) {
                discard(target);
            }
        }
        try {
            Files.createDirectory(temporary);
            contents.writeInto(temporary);
            for (Path file : CheckpointManifest.filesUnder(temporary)) {
                OutputFiles.force(file);
            }
            CheckpointManifest.write(temporary);
            try (Stream<Path> walk = Files.walk(temporary)) {
                walk.filter(Files::isDirectory).forEach(OutputFiles::forceDirectory);
            }
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
            OutputFiles.forceDirectory(directory);
        } catch (IOException | RuntimeException e) {
            try {
                deleteTree(temporary);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            String previous = newest().map(p -> "; the previous checkpoint " + p + " is intact")
                    .orElse("; there is no earlier checkpoint");
            throw new IOException("cannot write checkpoint " + target.toAbsolutePath().normalize() + ": "
                    + (e.getMessage() == null ? e.getClass().getName() : e.getMessage()) + previous, e);
        }
        List<Path> all = all();
        for (int i = 0; i < all.size() - keep; i++) {
            discard(all.get(i));
        }
        return target;
    }

    /**
     * The newest checkpoint whose manifest verifies. Each refused one is reported on {@code log} with the file at
     * fault, and so is the fallback to an older one.
     */
    public Optional<Path> latestValid(PrintWriter log) throws IOException {
        List<Path> all = all();
        boolean refused = false;
        for (int i = all.size() - 1; i >= 0; i--) {
            Path checkpoint = all.get(i);
            try {
                CheckpointManifest.verify(checkpoint);
            } catch (CheckpointRefusedException e) {
                log.println("tune4j: refusing checkpoint " + checkpoint + ": " + e.getMessage());
                log.flush();
                refused = true;
                continue;
            }
            if (refused) {
                log.println("tune4j: falling back to the previous valid checkpoint " + checkpoint);
                log.flush();
            }
            return Optional.of(checkpoint);
        }
        return Optional.empty();
    }

    /** The step a checkpoint directory was written after. */
    public static long stepOf(Path checkpoint) {
        Matcher matcher = NAME.matcher(checkpoint.getFileName().toString());
        if (!matcher.matches()) {
            throw new IllegalArgumentException(checkpoint + " is not a checkpoint directory (step-NNNNNN)");
        }
        return Long.parseLong(matcher.group(1));
    }

    /** Deletes every checkpoint (a run that starts over). */
    public void clear() throws IOException {
        deleteTree(directory);
    }

    /** The checkpoint directories, oldest first. */
    public List<Path> all() throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        List<Path> found = new ArrayList<>();
        try (Stream<Path> entries = Files.list(directory)) {
            entries.filter(Files::isDirectory).filter(p -> NAME.matcher(p.getFileName().toString()).matches())
                    .forEach(found::add);
        }
        found.sort(Comparator.comparingLong(CheckpointStore::stepOf));
        return found;
    }

    private Optional<Path> newest() {
        try {
            List<Path> all = all();
            return all.isEmpty() ? Optional.empty() : Optional.of(all.getLast());
        } catch (IOException unreadable) {
            return Optional.empty();
        }
    }

    /**
     * Deletes a checkpoint without ever leaving a torn one under its name: renamed to a temporary name first (atomic),
     * then deleted; a kill in between leaves a temporary directory, which the next write removes.
     */
    private void discard(Path checkpoint) throws IOException {
        Path doomed = directory.resolve(TEMPORARY_PREFIX + checkpoint.getFileName().toString().substring(
                "step-".length()) + ".deleting");
        deleteTree(doomed);
        Files.move(checkpoint, doomed, StandardCopyOption.ATOMIC_MOVE);
        deleteTree(doomed);
    }

    private void deleteTemporaries() throws IOException {
        try (Stream<Path> entries = Files.list(directory)) {
            for (Path entry : entries.filter(p -> p.getFileName().toString().startsWith(TEMPORARY_PREFIX)).toList()) {
                deleteTree(entry);
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
