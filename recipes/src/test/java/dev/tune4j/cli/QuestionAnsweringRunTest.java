package dev.tune4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tune4j.runfiles.MetricKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The question_answering task through {@code tune4j run}: imported MiniLM with a new start/end head on a SQuAD v1.1
 * file that this test writes (a labelled project fixture: SQuAD itself cannot be fetched by package name), a few
 * steps, then evaluation by exact match and F1 over the held-out questions.
 */
class QuestionAnsweringRunTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Fixture contexts (written for this test), each with one question and its answer span. */
    private static final List<List<String>> QUESTIONS = List.of(
            List.of("The Pequod sailed from Nantucket in the winter, under Captain Ahab.", "Who captained the Pequod?",
                    "Captain Ahab"),
            List.of("Ishmael signed on as a sailor after a night at the Spouter-Inn in New Bedford.",
                    "Where did Ishmael spend the night?", "the Spouter-Inn"),
            List.of("Queequeg was a harpooner from the island of Kokovoko in the South Pacific.",
                    "Where was Queequeg from?", "Kokovoko"),
            List.of("Starbuck, the first mate, was a careful Quaker from Nantucket.", "Who was the first mate?",
                    "Starbuck"));

    @TempDir
    Path work;

    @Test
    void runTrainsAndEvaluatesExactMatchAndF1() throws IOException {
        ObjectNode squad = JSON.createObjectNode().put("version", "1.1");
        ArrayNode paragraphs = squad.putArray("data").addObject().put("title", "fixture").putArray("paragraphs");
        for (int i = 0; i < QUESTIONS.size(); i++) {
            List<String> item = QUESTIONS.get(i);
            ObjectNode paragraph = paragraphs.addObject().put("context", item.get(0));
            ObjectNode qa = paragraph.putArray("qas").addObject().put("id", "q" + i).put("question", item.get(1));
            qa.putArray("answers").addObject().put("text", item.get(2)).put("answer_start",
                    item.get(0).indexOf(item.get(2)));
        }
        Path file = work.resolve("squad-fixture.json");
        JSON.writeValue(file.toFile(), squad);
        Path recipe = work.resolve("qa.yaml");
        Files.writeString(recipe, """
                # test fixture written by QuestionAnsweringRunTest
                name: qa-fixture
                model: {source: minilm}
                task: question_answering
                data: {source: squad, path: %s, eval_fraction: 0.5}
                seeds: [1]
                steps: 2
                batch_size: 2
                max_sequence_length: 96
                variants:
                  - {name: adamw, optimizer: adamw, options: {lr: 1.0e-4}}
                """.formatted(file));
        Path out = work.resolve("runs");
        CliRun run = CliRun.of("run", recipe.toString(), "output_dir=" + out);
        assertEquals(0, run.exitCode(), run.err());
        Path runDirectory = out.resolve("adamw/seed-1");
        JsonNode summary = JSON.readTree(runDirectory.resolve(MetricKeys.SUMMARY_FILE).toFile());
        assertEquals("completed", summary.get("status").asText(), summary.toString());
        List<String> lines = Files.readAllLines(runDirectory.resolve(MetricKeys.METRICS_FILE));
        JsonNode eval = JSON.readTree(lines.getLast());
        assertEquals(MetricKeys.TYPE_EVAL, eval.get(MetricKeys.TYPE).asText());
        for (String metric : List.of("eval_exact_match", "eval_f1")) {
            double value = eval.get(metric).asDouble();
            assertTrue(value >= 0 && value <= 1, metric + " " + value);
        }
        assertTrue(eval.get("eval_f1").asDouble() >= eval.get("eval_exact_match").asDouble(), eval.toString());
        assertTrue(Double.isFinite(eval.get(MetricKeys.EVAL_LOSS).asDouble()), eval.toString());
        // the first two questions are held out; each context is one sentence, answered whole: no exact match;
        // F1 "pequod sailed from nantucket in winter under captain ahab" vs "captain ahab": 2*(2/9)/(2/9+1) = 4/11,
        // "ishmael signed on as sailor after night at spouterinn in new bedford" vs "spouterinn": 2/13
        JsonNode baseline = summary.get(MetricKeys.BASELINES).get("first_sentence");
        assertEquals("the context's first sentence as the answer",
                baseline.get(MetricKeys.BASELINE_DESCRIPTION).asText());
        assertEquals(0, baseline.get("eval_exact_match").asDouble());
        assertEquals((4.0 / 11 + 2.0 / 13) / 2, baseline.get("eval_f1").asDouble(), 1e-12);
    }
}
