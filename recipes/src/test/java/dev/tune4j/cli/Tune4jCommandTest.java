package dev.tune4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Tune4jCommandTest {

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @Test
    void versionPrintsTheBuildVersion() {
        CliRun result = run("--version");
        assertEquals(0, result.exitCode());
        assertTrue(result.out().matches("tune4j \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\\R"), result.out());
    }

    @Test
    void helpListsTheEnvSubcommand() {
        CliRun result = run("--help");
        assertEquals(0, result.exitCode());
        assertTrue(result.out().contains("Usage: tune4j"), result.out());
        assertTrue(result.out().contains("env "), result.out());
    }

    @ParameterizedTest
    @CsvSource({
        "frobnicate, Unmatched argument at index 0: 'frobnicate'",
        "--frobnicate, Unknown option: '--frobnicate'",
        "env --frobnicate, Unknown option: '--frobnicate'",
        "en, Unmatched argument at index 0: 'en' (did you mean env",
    })
    void badCommandLinesGiveOneLineAndExitCodeTwo(String args, String expected) {
        CliRun result = run(args.split(" "));
        assertEquals(2, result.exitCode());
        assertEquals("", result.out());
        assertEquals(1, result.err().lines().count(), result.err());
        assertTrue(result.err().startsWith("tune4j: " + expected), result.err());
        assertTrue(result.err().contains("--help'"), result.err());
    }

    @Test
    void noSubcommandShowsUsageAndExitsTwo() {
        CliRun result = run();
        assertEquals(2, result.exitCode());
        assertTrue(result.err().contains("Usage: tune4j"), result.err());
        assertTrue(result.err().strip().endsWith("tune4j: no subcommand given; see 'tune4j --help'"), result.err());
    }

    @Test
    void envPrintsTheEngineLine() {
        CliRun result = run("env");
        assertEquals(0, result.exitCode(), result.err());
        assertTrue(result.out().contains("engine     PyTorch 2.7.1 (DJL 0.36.0), offline"), result.out());
        assertTrue(result.out().contains("cores      " + Runtime.getRuntime().availableProcessors()), result.out());
        assertEquals("", result.err(), "env warned although surefire passes every setting");
    }
}
