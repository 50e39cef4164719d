package dev.tune4j.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RunMetricsTest {
    private static final String TRAIN = "{\"type\":\"train\",\"step\":%s,\"loss\":%s,\"lr\":0.001,\"tokens\":%s,"
            + "\"elapsed_s\":0.5,\"step_ms\":100.5,\"optimizer_state_bytes\":800,\"peak_rss_bytes\":4096}";

    @TempDir
    Path dir;

    private static String train(Object step, Object loss, Object tokens) {
        return TRAIN.formatted(step, loss, tokens);
    }

    @Test
    void readsTrainAndEvalLinesSkippingBlankLinesAndUnusedKeys() throws IOException {
        Path file = dir.resolve("metrics.jsonl");
        Files.writeString(file, train(1, 2.5, 64) + "\n\n" + train(2, 2.25, 60) + "\n"
                + "{\"type\":\"eval\",\"step\":2,\"elapsed_s\":1.0,\"eval_loss\":2.0,\"eval_macro_f1\":0.5,"
                + "\"eval_accuracy\":0.75,\"note\":\"x\"}\n");
        RunMetrics metrics = RunMetrics.read(file);
        assertEquals(List.of(new TrainStep(1, 2.5, 64, 0.5, 100.5, 800, 4096),
                new TrainStep(2, 2.25, 60, 0.5, 100.5, 800, 4096)), metrics.trainSteps());
        EvalPoint eval = metrics.evalPoints().getFirst();
        assertEquals(2.0, eval.evalLoss());
        assertEquals(List.of("eval_macro_f1", "eval_accuracy"), List.copyOf(eval.metrics().keySet()));
        assertEquals(null, eval.load1m(), "a line without load_1m has none");
    }

    @Test
    void anEvalLineCarriesTheMachineLoadWhenItHasOne() throws IOException {
        Path file = dir.resolve("metrics.jsonl");
        Files.writeString(file, train(1, 2.5, 64) + "\n"
                + "{\"type\":\"eval\",\"step\":1,\"elapsed_s\":1.0,\"eval_loss\":2.0,\"load_1m\":3.5}\n");
        assertEquals(3.5, RunMetrics.read(file).evalPoints().getFirst().load1m());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "not JSON          | {\"type\":\"train\",        | :2: not valid JSON",
        "an array          | [1, 2]                     | :2: expected one JSON object per line",
        "unknown type      | {\"type\":\"test\"}         | :2: unknown type 'test'",
        "missing loss      | {\"type\":\"train\",\"step\":2}  | :2: missing \"loss\" in a train line",
        "string loss       | " + "{\"type\":\"train\",\"step\":2,\"loss\":\"nan\"} | :2: non-numeric \"loss\"",
        "fractional tokens | {\"type\":\"train\",\"step\":2,\"loss\":1,\"tokens\":1.5,\"elapsed_s\":1,\"step_ms\":1}"
                + " | :2: \"tokens\" must be a whole number",
        "negative load     | {\"type\":\"eval\",\"step\":1,\"elapsed_s\":1,\"eval_loss\":1,\"load_1m\":-1}"
                + " | :2: \"load_1m\" is negative",
        "repeated step     | {\"type\":\"train\",\"step\":1,\"loss\":1,\"tokens\":1,\"elapsed_s\":1,\"step_ms\":1,"
                + "\"optimizer_state_bytes\":1,\"peak_rss_bytes\":1} | :2: train step 1 does not come after step 1",
    })
    void aMalformedLineIsReportedWithFileAndLine(String what, String line, String expected) throws IOException {
        Path file = dir.resolve("metrics.jsonl");
        Files.writeString(file, train(1, 2.5, 64) + "\n" + line + "\n");
        MetricsFormatException e = assertThrows(MetricsFormatException.class, () -> RunMetrics.read(file));
        assertTrue(e.getMessage().startsWith(file + expected), e.getMessage());
    }
}
