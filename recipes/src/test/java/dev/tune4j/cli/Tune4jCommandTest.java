package dev.tune4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

class Tune4jCommandTest {

    /** What one invocation printed and returned. */
    private record Result(int exitCode, String out, String err) {}

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = Tune4jCommand.commandLine();
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        int exitCode = commandLine.execute(args);
        return new Result(exitCode, out.toString(), err.toString());
    }

    @Test
    void versionPrintsTheBuildVersion() {
        Result result = run("--version");
        assertEquals(0, result.exitCode());
        assertTrue(result.out().matches("tune4j \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\\R"), result.out());
    }

    @Test
    void helpListsTheEnvSubcommand() {
        Result result = run("--help");
        assertEquals(0, result.exitCode());
        assertTrue(result.out().contains("Usage: tune4j"), result.out());
        assertTrue(result.out().contains("env "), result.out());
    }

    @ParameterizedTest
    @CsvSource({
        "frobnicate, Unmatched argument at index 0: 'frobnicate'",
        "--frobnicate, Unknown option: '--frobnicate'",
        "env --frobnicate, Unknown option: '--frobnicate'",
        "en, Unmatched argument at index 0: 'en' (did you mean env?)",
    })
    void badCommandLinesGiveOneLineAndExitCodeTwo(String args, String expected) {
        Result result = run(args.split(" "));
        assertEquals(2, result.exitCode());
        assertEquals("", result.out());
        assertEquals(1, result.err().lines().count(), result.err());
        assertTrue(result.err().startsWith("tune4j: " + expected), result.err());
        assertTrue(result.err().contains("--help'"), result.err());
    }

    @Test
    void noSubcommandShowsUsageAndExitsTwo() {
        Result result = run();
        assertEquals(2, result.exitCode());
        assertTrue(result.err().contains("Usage: tune4j"), result.err());
        assertTrue(result.err().strip().endsWith("tune4j: no subcommand given; see 'tune4j --help'"), result.err());
    }

    @Test
    void envPrintsTheEngineLine() {
        Result result = run("env");
        assertEquals(0, result.exitCode(), result.err());
        assertTrue(result.out().contains("engine     PyTorch 2.7.1 (DJL 0.36.0), offline"), result.out());
        assertTrue(result.out().contains("cores      " + Runtime.getRuntime().availableProcessors()), result.out());
        assertEquals("", result.err(), "env warned although surefire passes every setting");
    }
}
