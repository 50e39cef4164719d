package dev.tune4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tune4j.runfiles.MetricKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real run ({@code tune4j run}, 3 steps of 8-bit AdamW on the project-made tiny BERT of {@link TinyBertCheckpoint})
 * records where its peak memory went, and the parts add up to the recorded peak: checked here against the run's own
 * metrics lines and parameter counts, independently of the breakdown code.
 */
class MemoryBreakdownRunTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;

    @Test
    void thePartsOfARealRunAddUpToItsRecordedPeak() throws IOException {
        Path checkpoint = TinyBertCheckpoint.write(work.resolve("tiny-bert"), entries -> entries);
        Path csv = TinyBertCheckpoint.csv(work.resolve("texts.csv"));
        Path recipe = TinyBertCheckpoint.recipe(work.resolve("memory.yaml"), checkpoint, csv);
        String adamw = "{name: adamw, optimizer: adamw,";
        assertTrue(Files.readString(recipe).contains(adamw));
        Files.writeString(recipe, Files.readString(recipe).replace(adamw, "{name: q8, optimizer: adamw8bit,"));
        Path out = work.resolve("runs");
        CliRun run = CliRun.of("run", recipe.toString(), "output_dir=" + out, "steps=3");
        assertEquals(0, run.exitCode(), run.err());
        Path runDirectory = out.resolve("q8/seed-1");
        JsonNode summary = JSON.readTree(runDirectory.resolve(MetricKeys.SUMMARY_FILE).toFile());
        List<JsonNode> train = new ArrayList<>();
        for (String text : Files.readAllLines(runDirectory.resolve(MetricKeys.METRICS_FILE))) {
            JsonNode line = JSON.readTree(text);
            if (line.get(MetricKeys.TYPE).asText().equals(MetricKeys.TYPE_TRAIN)) {
                train.add(line);
            }
        }
        assertEquals(3, train.size());

        // float32 everywhere, no LoRA: 4 bytes per parameter, and every parameter has a gradient
        assertEquals(4 * summary.get("total_parameters").asLong(), summary.get(MetricKeys.WEIGHTS_BYTES).asLong());
        assertEquals(4 * summary.get("trainable_parameters").asLong(),
                summary.get(MetricKeys.TRAINABLE_WEIGHTS_BYTES).asLong());
        assertEquals(4 * summary.get("trainable_parameters").asLong(),
                summary.get(MetricKeys.GRADIENT_BYTES).asLong());

        JsonNode memory = summary.get(MetricKeys.MEMORY);
        assertTrue(memory.isObject(), summary.toString());
        System.out.println("memory breakdown of the tiny adamw8bit run: " + memory);
        long peak = train.stream().mapToLong(line -> line.get(MetricKeys.PEAK_RSS_BYTES).asLong()).max().orElseThrow();
        JsonNode peakLine = train.stream().filter(line -> line.get(MetricKeys.PEAK_RSS_BYTES).asLong() == peak)
                .findFirst().orElseThrow();
        assertEquals(peak, memory.get("peak_rss_bytes").asLong());
        assertEquals(peak, summary.get("statistics").get("peak_rss_bytes").asLong());
        assertEquals(peakLine.get(MetricKeys.STEP).asInt(), memory.get("peak_step").asInt());
        assertEquals(peakLine.get(MetricKeys.OPTIMIZER_STATE_BYTES).asLong(),
                memory.get("optimizer_state_bytes").asLong());
        long heapCommitted = peakLine.get(MetricKeys.HEAP_COMMITTED_BYTES).asLong();
        assertEquals(heapCommitted, memory.get("heap_committed_bytes").asLong());
        assertTrue(heapCommitted >= peakLine.get(MetricKeys.HEAP_USED_BYTES).asLong(), peakLine.toString());

        long parts = memory.get("weights_bytes").asLong() + memory.get("gradient_bytes").asLong()
                + memory.get("optimizer_state_bytes").asLong() + heapCommitted + memory.get("rest_bytes").asLong();
        assertEquals(peak, parts, "the parts add up to the recorded peak: " + memory);
        long freed = peak - peakLine.get(MetricKeys.RSS_BYTES).asLong();
        assertEquals(freed, memory.get("rest_freed_by_step_end_bytes").asLong());
        assertEquals(memory.get("rest_bytes").asLong() - freed, memory.get("rest_resident_after_step_bytes").asLong());
        // libtorch's code and allocator alone are larger than the tiny model: the rest is positive; what stays
        // resident may only fall below zero by committed heap pages that are not resident
        assertTrue(memory.get("rest_bytes").asLong() > 0, memory.toString());
        assertTrue(memory.get("rest_resident_after_step_bytes").asLong() > -heapCommitted, memory.toString());
    }
}
