package dev.tune4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tune4j.metrics.ByteSize;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tune4j bench train} on {@link ExactResumeTest}'s tiny BERT fixture: the printed medians are those of the timed
 * steps' lines in the kept metrics file (recomputed here by sorting), the warm-up steps are left out, the peak RSS is
 * the largest {@code peak_rss_bytes} of the lines, nothing is saved or checkpointed, and the only evaluation is the one
 * every run ends with.
 */
class BenchTrainCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;

    @Test
    void printsTheMediansOfTheTimedStepsOfTheKeptRun() throws IOException {
        Path recipe = ExactResumeTest.recipe(work);
        Path kept = work.resolve("bench");
        CliRun run = CliRun.of("bench", "train", recipe.toString(), "--variant", "soaa", "--steps", "3", "--warmup",
                "2", "--keep", kept.toString());
        assertEquals(0, run.exitCode(), run.err() + run.out());
        Path runDirectory = kept.resolve("soaa/seed-1");
        List<JsonNode> lines = new ArrayList<>();
        for (String text : Files.readAllLines(runDirectory.resolve("metrics.jsonl"))) {
            lines.add(JSON.readTree(text));
        }
        assertEquals(6, lines.size(), "5 training lines and the evaluation every run ends with: " + lines);
        assertTrue(lines.subList(0, 5).stream().allMatch(line -> line.get("type").asText().equals("train")),
                lines.toString());
        assertEquals("eval", lines.get(5).get("type").asText(), lines.toString());
        List<JsonNode> timed = lines.subList(2, 5);
        String out = run.out();
        assertTrue(out.contains("variant soaa (soaa), seed 1: 3 timed steps after 2 warm-up steps; batch 4, max"
                + " length 32"), out);
        Matcher phases = Pattern.compile("median step ([0-9.]+) ms: forward ([0-9.]+), backward ([0-9.]+), optimizer"
                + " ([0-9.]+)").matcher(out);
        assertTrue(phases.find(), out);
        String[] keys = {"step_ms", "forward_ms", "backward_ms", "optimizer_ms"};
        for (int i = 0; i < keys.length; i++) {
            String key = keys[i];
            double[] values = timed.stream().mapToDouble(line -> line.get(key).asDouble()).sorted().toArray();
            assertEquals(String.format("%.1f", values[1]), phases.group(i + 1), key + " in " + out);
        }
        double[] norms = timed.stream().mapToDouble(line -> line.get("grad_norm_ms").asDouble()).sorted().toArray();
        double[] ownSteps = timed.stream().mapToDouble(line -> line.get("optimizer_ms").asDouble()
                - line.get("grad_norm_ms").asDouble()).sorted().toArray();
        assertTrue(out.contains(String.format("optimizer phase: gradient norm %.1f ms, then optimizer.step %.1f ms",
                norms[1], ownSteps[1])), out);
        long peak = lines.subList(0, 5).stream().mapToLong(line -> line.get("peak_rss_bytes").asLong()).max()
                .orElseThrow();
        assertTrue(out.contains("peak RSS " + ByteSize.format(peak) + " at step "), out);
        JsonNode summary = JSON.readTree(runDirectory.resolve("summary.json").toFile());
        assertEquals("none", summary.path("saved").path("mode").asText(), summary.toString());
        assertTrue(Files.notExists(runDirectory.resolve("checkpoints")), "a checkpoint was written");
        assertTrue(out.contains("load average (1 min) "), out);
    }

    @Test
    void aRecipeThatCountsEpochsIsTimedInSteps() throws IOException {
        Path recipe = ExactResumeTest.recipe(work);
        Files.writeString(recipe, Files.readString(recipe).replace("steps: 4\n", "epochs: 2\n"));
        CliRun run = CliRun.of("bench", "train", recipe.toString(), "--variant", "adamw", "--steps", "2", "--warmup",
                "1");
        assertEquals(0, run.exitCode(), run.err() + run.out());
        assertTrue(run.out().contains("variant adamw (adamw), seed 1: 2 timed steps after 1 warm-up steps"), run.out());
    }

    @Test
    void refusesZeroTimedSteps() throws IOException {
        CliRun run = CliRun.of("bench", "train", ExactResumeTest.recipe(work).toString(), "--steps", "0");
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.err().contains("--steps must be at least 1 and --warmup at least 0, got 0 and 3"), run.err());
    }
}
