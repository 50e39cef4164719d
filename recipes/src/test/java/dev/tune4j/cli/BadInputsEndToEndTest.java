package dev.tune4j.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tune4j.checkpoint.Checkpoint;
import dev.tune4j.checkpoint.SafeTensorsWriter;
import dev.tune4j.model.bert.BertConfig;
import dev.tune4j.runfiles.MetricKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 19 through the command line: checkpoints and recipes that used to pass silently or be blamed on the
 * optimizer, and what {@code validate} now checks before any training (checkpoint headers, config.json, tokenizer,
 * positions, the data count against the batch size).
 */
class BadInputsEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;

    private Path recipe(UnaryOperator<List<SafeTensorsWriter.Entry>> change) throws IOException {
        Path checkpoint = TinyBertCheckpoint.write(work.resolve("tiny-bert"), change);
        Path csv = TinyBertCheckpoint.csv(work.resolve("texts.csv"));
        return TinyBertCheckpoint.recipe(work.resolve("bad.yaml"), checkpoint, csv);
    }

    private Path recipe() throws IOException {
        return recipe(entries -> entries);
    }

    private static void assertFailsWith(CliRun run, String expectedErr) {
        assertEquals(1, run.exitCode(), run.out() + run.err());
        assertEquals(expectedErr + "\n", run.err());
    }

    @Test
    void validateChecksModelAndDataOfAGoodRecipe() throws IOException {
        Path recipe = recipe();
        CliRun run = CliRun.of("validate", recipe.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().endsWith(recipe + ": OK (1 variant x 1 seed, 1 step; model, checkpoint headers,"
                + " tokenizer and data checked)\n"), run.out());
        assertTrue(run.out().contains("tune4j: data csv (32 texts): 24 train / 8 eval"), run.out());
    }

    @Test
    void validateReadsTheCheckpointHeader() throws IOException {
        Path recipe = recipe();
        Path weights = work.resolve("tiny-bert").resolve(Checkpoint.SINGLE_FILE);
        byte[] bytes = Files.readAllBytes(weights);
        Files.write(weights, java.util.Arrays.copyOf(bytes, bytes.length - 10)); // a truncated download
        CliRun run = CliRun.of("validate", recipe.toString());
        assertEquals(1, run.exitCode(), run.out());
        assertTrue(run.err().startsWith("tune4j validate: " + weights + ": tensor '"), run.err());
        assertTrue(run.err().endsWith(" lie outside the data buffer of " + (bytes.length - 10 - 8
                - java.nio.ByteBuffer.wrap(bytes, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong())
                + " bytes (truncated file?)\n"), run.err());
    }

    @Test
    void validateNeedsConfigJson() throws IOException {
        Path recipe = recipe();
        Path config = work.resolve("tiny-bert").resolve("config.json");
        Files.delete(config);
        assertFailsWith(CliRun.of("validate", recipe.toString()), "tune4j validate: " + config
                + ": no config.json: is this a Hugging Face model directory?");
    }

    @Test
    void validateRefusesATokenizerLargerThanTheVocabulary() throws IOException {
        Path recipe = recipe();
        Path directory = work.resolve("tiny-bert");
        BertConfig small = new BertConfig(1000, 8, 1, 2, 16, 64, 2, 1e-12, 0, 0, 0);
        small.write(directory);
        assertFailsWith(CliRun.of("validate", recipe.toString()), "tune4j validate: tokenizer "
                + directory.resolve("tokenizer.json") + " produces ids up to 30521 but the bert model's vocab_size is"
                + " 1000; use the tokenizer that belongs to this checkpoint");
    }

    @Test
    void validateRefusesASequenceLengthBeyondTheModelsPositions() throws IOException {
        Path recipe = recipe();
        assertFailsWith(CliRun.of("validate", recipe.toString(), "max_sequence_length=100"),
                "tune4j validate: max_sequence_length 100 is beyond the 64 positions of " + work.resolve("tiny-bert")
                        + " (max_position_embeddings); set max_sequence_length to at most 64");
    }

    @Test
    void aBatchLargerThanTheDataIsRefusedUnlessAllowed() throws IOException {
        Path recipe = recipe();
        assertFailsWith(CliRun.of("validate", recipe.toString(), "batch_size=100000"), "tune4j validate: batch_size"
                + " 100000 is larger than the 24 training examples (sequences), so every batch would repeat examples;"
                + " lower batch_size to at most 24, use more data, or set allow_batch_larger_than_data: true in the"
                + " recipe");
        CliRun allowed = CliRun.of("validate", recipe.toString(), "batch_size=100", "allow_batch_larger_than_data=true");
        assertEquals(0, allowed.exitCode(), allowed.err());
    }

    @Test
    void extraTensorsAreRefusedUnlessAllowed() throws IOException {
        Path recipe = recipe(entries -> {
            List<SafeTensorsWriter.Entry> more = new ArrayList<>(entries);
            NDArray query = entries.stream().filter(e -> e.name().equals(TinyBertCheckpoint.QUERY)).findFirst()
                    .orElseThrow().array();
            more.add(SafeTensorsWriter.Entry.of("encoder.layer.1.attention.self.query.weight", query));
            return more;
        });
        Path out = work.resolve("runs");
        CliRun refused = CliRun.of("run", recipe.toString(), "output_dir=" + out);
        assertEquals(1, refused.exitCode(), refused.out());
        assertTrue(refused.err().contains("holds 1 tensor the model has no parameter for:"
                + " encoder.layer.1.attention.self.query.weight. Its config.json (bert) does not describe these"
                + " weights; use the config that belongs to the checkpoint, or set model.allow_unexpected_tensors:"
                + " true in the recipe to leave them unused"), refused.err());
        assertEquals("bad_input", summary(out).get("status").asText());

        CliRun allowed = CliRun.of("run", recipe.toString(), "output_dir=" + out,
                "model.allow_unexpected_tensors=true");
        assertEquals(0, allowed.exitCode(), allowed.err());
        assertEquals("completed", summary(out).get("status").asText());
    }

    @Test
    void integerWeightsLoadOnlyWhenTheRecipeAllowsThem() throws IOException {
        Path recipe = recipe(entries -> TinyBertCheckpoint.replace(entries, TinyBertCheckpoint.QUERY,
                array -> array.mul(100).toType(DataType.INT8, false)));
        Path out = work.resolve("runs");
        CliRun refused = CliRun.of("run", recipe.toString(), "output_dir=" + out);
        assertEquals(1, refused.exitCode(), refused.out());
        assertTrue(refused.out().contains(TinyBertCheckpoint.QUERY + " (checkpoint " + TinyBertCheckpoint.QUERY
                + " is I8, the model's float32)"), refused.out());
        CliRun allowed = CliRun.of("run", recipe.toString(), "output_dir=" + out, "model.allow_integer_weights=true");
        assertEquals(0, allowed.exitCode(), allowed.err());
    }

    @Test
    void nanWeightsAreBadInputNotDivergence() throws IOException {
        Path recipe = recipe(entries -> TinyBertCheckpoint.replace(entries, TinyBertCheckpoint.QUERY, array -> {
            NDArray copy = array.duplicate();
            copy.set(new NDIndex("2, 5"), Float.NaN);
            return copy;
        }));
        Path out = work.resolve("runs");
        CliRun run = CliRun.of("run", recipe.toString(), "output_dir=" + out);
        assertEquals(1, run.exitCode(), run.out());
        JsonNode summary = summary(out);
        assertEquals("bad_input", summary.get("status").asText(), summary.toString());
        String weights = work.resolve("tiny-bert").resolve(Checkpoint.SINGLE_FILE).toString();
        assertTrue(summary.get("error").asText().contains("holds NaN or infinite weights in 1 tensor: "
                + TinyBertCheckpoint.QUERY + " in " + weights + ": 1 NaN and 0 infinite of 64 values"),
                summary.toString());
        assertEquals(0, summary.get("steps_completed").asInt());

        CliRun report = CliRun.of("report", out.toString());
        assertEquals(0, report.exitCode(), report.err());
        String markdown = Files.readString(out.resolve("report.md"));
        assertTrue(markdown.contains("Refused as bad input, never trained: adamw (seed 1)."), markdown);
        assertTrue(!markdown.contains("iverged"), markdown);
    }

    @Test
    void compareWhoseEveryRunFailedExitsNonZeroAndSaysHowMany() throws IOException {
        Path recipe = recipe(entries -> TinyBertCheckpoint.replace(entries, TinyBertCheckpoint.QUERY,
                array -> array.div(0)));
        Path out = work.resolve("runs");
        CliRun compare = CliRun.of("compare", recipe.toString(), "output_dir=" + out);
        assertEquals(1, compare.exitCode(), compare.out());
        assertEquals("tune4j compare: no run completed: 1 of 1 runs did not finish (0 failed, 0 diverged, 1 refused"
                + " as bad input, 0 interrupted); see each run's error in " + out.resolve("report.md") + "\n",
                compare.err());
    }

    @Test
    void anOutputDirThatIsAFileIsNamedWithTheFix() throws IOException {
        Path recipe = recipe();
        Path file = Files.writeString(work.resolve("runs-file"), "not a directory");
        assertFailsWith(CliRun.of("compare", recipe.toString(), "output_dir=" + file), "tune4j compare: " + file
                + ": output_dir cannot be created: " + file + " is a file, not a directory; set output_dir to another"
                + " path (e.g. output_dir=runs/mine) or move the file away");
    }

    private static JsonNode summary(Path out) throws IOException {
        return JSON.readTree(out.resolve("adamw/seed-1").resolve(MetricKeys.SUMMARY_FILE).toFile());
    }
}
