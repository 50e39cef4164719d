package dev.tune4j.runfiles;

import dev.tune4j.io.OutputFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on a directory tune4j writes into ({@value #FILE} in it, locked with the operating system's
 * file lock): a second run or comparison into the same directory is refused instead of interleaving its files with
 * the first's. The operating system releases the lock when the process ends, however it ends (also SIGKILL), so a
 * killed run never leaves a stale lock behind; the file itself stays and holds the last owner's process id.
 */
public final class OutputLock implements AutoCloseable {
    /** The lock file's name. */
    public static final String FILE = "tune4j.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private OutputLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Locks {@code directory} (which must exist) for this process.
     *
     * @param what what is about to write there, for the message (e.g. {@code "run adamw seed 1"})
     * @throws IOException naming the directory and the process holding it, when another run holds it
     */
    public static OutputLock acquire(Path directory, String what) throws IOException {
        Path file = directory.resolve(FILE);
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw OutputFiles.writeFailure(file, e);
        }
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException inThisProcess) {
            lock = null;
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            String holder = holder(file);
            channel.close();
            throw new IOException("cannot start " + what + ": another tune4j process" + holder + " is writing into "
                    + directory.toAbsolutePath().normalize() + " (it holds " + FILE + "); wait for it to finish or"
                    + " stop it, or write elsewhere (recipe key output_dir)");
        }
        try {
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)));
        } catch (IOException fullDisk) {
            // the process id only improves the message of a refused second run; the lock holds without it, and the
            // write that matters (the config, the metrics) reports a full disk with its own path
        }
        return new OutputLock(channel, lock);
    }

    private static String holder(Path file) {
        try {
            String pid = Files.readString(file).strip();
            return pid.matches("\\d+") ? " (process " + pid + ")" : "";
        } catch (IOException unreadable) {
            return "";
        }
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
