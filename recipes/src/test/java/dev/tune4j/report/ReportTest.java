package dev.tune4j.report;

import static dev.tune4j.report.SyntheticRuns.MIB;
import static dev.tune4j.report.SyntheticRuns.lossesDroppingAt;
import static dev.tune4j.report.SyntheticRuns.plateauLosses;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tune4j.report.SyntheticRuns.Run;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole report on two synthetic runs directories ({@link SyntheticRuns}, a project-made fixture), with every
 * expected number worked out by hand in the comments.
 */
class ReportTest {
    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    private static final double EXACT = 1e-9;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /**
     * Target 5 (from the recipe only; the summaries have none). Recipe order adamw, soaa, adam8bit (not
     * alphabetical). 20 steps; steps to target are drop step + 2 (see {@link SyntheticRuns#lossesDroppingAt}).
     *
     * <ul>
     *   <li>adamw, 0.5 s/step: drops at 6, 7, 8 so steps to target 8, 9, 10 (mean 9, std 1) and seconds after the
     *       2 warm-up steps (1 s) 3, 3.5, 4 (mean 3.5, std 0.5); final losses 1, 2, 4 (mean 7/3, std sqrt(7/3)); eval after step 20: loss 1.5,
     *       2.5, 3.5 (mean 2.5, std 1), accuracy 0.5, 0.6, 0.7 (mean 0.6, std 0.1); 8,000 state bytes for 1,000
     *       parameters (8 B/param); peak RSS 300, 310, 320 MiB (mean 310, std 10 MiB); 100 tokens / 0.5 s = 200/s;
     *       20 steps x 0.5 s = 10 s of training.
     *   <li>soaa, 0.25 s/step: drops at 6, so 8 steps, 2.0 s less 0.5 s of warm-up = 1.5 s each seed; final loss 3;
     *       peak RSS 200 MiB (lowest); eval accuracy 0.8 in every seed.
     *   <li>adam8bit, 0.1 s/step, 2,000 state bytes (least): seeds 1 and 3 reach at 0.6 s (the quickest), but seed
     *       2 diverged at step 7 (6 steps logged, trailing mean 8 at step 6), so its statistics are over 2 seeds;
     *       eval accuracy 0.7 in both.
     * </ul>
     */
    private SyntheticRuns targetReached() {
        Map<String, String> variants = new LinkedHashMap<>();
        variants.put("adamw", "adamw");
        variants.put("soaa", "soaa");
        variants.put("adam8bit", "adam8bit");
        SyntheticRuns runs = new SyntheticRuns(dir.resolve("reached"))
                .recipe("tiny-compare", "Tiny Llama, three optimizers", 5.0, variants);
        double[] finals = {1, 2, 4};
        double[] evalLosses = {1.5, 2.5, 3.5};
        double[] accuracies = {0.5, 0.6, 0.7};
        for (int seed = 1; seed <= 3; seed++) {
            runs.run(new Run("adamw", "adamw", seed, lossesDroppingAt(seed + 5, finals[seed - 1]))
                    .peakRss((290 + 10L * seed) * MIB).eval(10, 6.0, 0.4).eval(20, evalLosses[seed - 1],
                            accuracies[seed - 1]));
            runs.run(new Run("soaa", "soaa", seed, lossesDroppingAt(6, 3)).secondsPerStep(0.25)
                    .peakRss(200 * MIB).eval(10, 5.0, 0.5).eval(20, 2.0, 0.8));
            Run adam8bit = new Run("adam8bit", "adam8bit", seed, lossesDroppingAt(6, 2)).secondsPerStep(0.1)
                    .stateBytes(2000).peakRss(250 * MIB).eval(10, 5.5, 0.45).eval(20, 2.2, 0.7);
            runs.run(seed == 2 ? adam8bit.divergedAt(7) : adam8bit);
        }
        return runs;
    }

    /**
     * Target 0.5, given only in the summaries (no recipe file: variants in directory-name order). A plateau never
     * reaches it ({@link SyntheticRuns#plateauLosses}); a drop at step 6 reaches it at step 10.
     *
     * <ul>
     *   <li>{@code adamw <wd=0.1, "fast">} (a name to escape): plateaus ending at 4 and 5, mean final loss 4.5.
     *   <li>galore: seed 1 drops at 6 and reaches it, seed 2 plateaus (1/2); final losses 9, 9.
     *   <li>soaa: final losses 3, 3.5, never reached: mean 3.25, the lowest.
     *   <li>sgd: one run that failed.
     * </ul>
     */
    private SyntheticRuns noneReached() {
        SyntheticRuns runs = new SyntheticRuns(dir.resolve("none"));
        String escaped = "adamw <wd=0.1, \"fast\">";
        runs.run(new Run(escaped, "adamw", 1, plateauLosses(4)).target(0.5));
        runs.run(new Run(escaped, "adamw", 2, plateauLosses(5)).target(0.5));
        runs.run(new Run("galore", "galore_adamw", 1, lossesDroppingAt(6, 9)).target(0.5).stateBytes(4000));
        runs.run(new Run("galore", "galore_adamw", 2, plateauLosses(9)).target(0.5).stateBytes(4000));
        runs.run(new Run("soaa", "soaa", 1, plateauLosses(3)).target(0.5));
        runs.run(new Run("soaa", "soaa", 2, plateauLosses(3.5)).target(0.5));
        runs.run(new Run("sgd", "sgd", 1, plateauLosses(3)).target(0.5).failed("out of memory\nat line 2"));
        return runs;
    }

    @Test
    void writesEveryFileWellFormed() throws IOException {
        Path runsDir = targetReached().dir();
        WrittenReport report = Report.write(runsDir);

        assertEquals(ReportCharts.FILE_NAMES.stream().map(name -> runsDir.resolve("charts").resolve(name)).toList(),
                report.charts());
        for (Path chart : report.charts()) {
            byte[] png = Files.readAllBytes(chart);
            assertArrayEquals(PNG_MAGIC, Arrays.copyOf(png, 8), chart.toString());
            assertTrue(png.length > 5_000, chart + " is only " + png.length + " bytes");
        }
        String markdown = Files.readString(report.markdown());
        Matcher links = Pattern.compile("!\\[[^]]+]\\((charts/[^)]+\\.png)\\)").matcher(markdown);
        int linked = 0;
        while (links.find()) {
            assertTrue(Files.isRegularFile(runsDir.resolve(links.group(1))), links.group(1));
            linked++;
        }
        assertEquals(6, linked);

        String html = Files.readString(report.html());
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        assertTrue(html.strip().endsWith("</html>"));
        assertEquals(6, count(html, "src=\"data:image/png;base64,"));
        assertFalse(html.contains("charts/"), "the HTML must not depend on the PNG files");

        List<List<String>> csv = parseCsv(Files.readString(report.csv(), StandardCharsets.UTF_8));
        assertEquals(4, csv.size(), "header and one row per variant");
        assertEquals(List.of("variant", "optimizer", "runs", "completed", "diverged", "failed", "status",
                "target_reached", "final_loss_mean", "final_loss_std", "stability_mean", "stability_std",
                "final_eval_loss_mean", "final_eval_loss_std", "eval_accuracy_mean", "eval_accuracy_std",
                "steps_to_target_mean", "steps_to_target_std", "seconds_to_target_mean", "seconds_to_target_std",
                "optimizer_state_bytes_mean", "optimizer_state_bytes_std", "bytes_per_parameter_mean",
                "bytes_per_parameter_std", "peak_rss_bytes_mean", "peak_rss_bytes_std", "tokens_per_s_mean",
                "tokens_per_s_std", "train_seconds_mean", "train_seconds_std"), csv.get(0));
        assertEquals(List.of("adamw", "soaa", "adam8bit"), csv.stream().skip(1).map(row -> row.get(0)).toList());
        Map<String, String> adamw = row(csv, "adamw");
        assertEquals(7.0 / 3, Double.parseDouble(adamw.get("final_loss_mean")), EXACT);
        assertEquals(Math.sqrt(7.0 / 3), Double.parseDouble(adamw.get("final_loss_std")), EXACT);
        assertEquals("8000", adamw.get("optimizer_state_bytes_mean"), "exact bytes, no unit");
        assertEquals(String.valueOf(310 * MIB), adamw.get("peak_rss_bytes_mean"));
        assertEquals(String.valueOf(10 * MIB), adamw.get("peak_rss_bytes_std"));
        assertEquals("3", adamw.get("target_reached"));
        Map<String, String> adam8bit = row(csv, "adam8bit");
        assertEquals("2", adam8bit.get("completed"));
        assertEquals("1", adam8bit.get("diverged"));

        try (Stream<Path> left = Files.list(runsDir)) {
            assertEquals(List.of(), left.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList());
        }
    }

    @Test
    void summaryJsonHoldsPerSeedStatisticsAndHandComputedAggregates() throws IOException {
        JsonNode json = JSON.readTree(Report.write(targetReached().dir()).json().toFile());
        assertEquals("tiny-compare", json.at("/recipe/name").asText());
        assertEquals(5.0, json.at("/recipe/target_loss").asDouble());
        assertEquals("eval_accuracy", json.get("main_eval_metric").asText());

        JsonNode adamw = json.at("/variants/0");
        assertEquals("adamw", adamw.get("name").asText());
        List<Double> finals = new ArrayList<>();
        adamw.get("seeds").forEach(seed -> finals.add(seed.at("/statistics/final_loss").asDouble()));
        assertEquals(List.of(1.0, 2.0, 4.0), finals);
        JsonNode aggregates = adamw.get("aggregates");
        assertEquals(7.0 / 3, aggregates.at("/final_loss/mean").asDouble(), EXACT);
        assertEquals(Math.sqrt(7.0 / 3), aggregates.at("/final_loss/std").asDouble(), EXACT);
        assertEquals(3, aggregates.at("/final_loss/seeds").asInt());
        assertEquals(9.0, aggregates.at("/steps_to_target/mean").asDouble(), EXACT);
        assertEquals(1.0, aggregates.at("/steps_to_target/std").asDouble(), EXACT);
        assertEquals(3.5, aggregates.at("/seconds_to_target/mean").asDouble(), EXACT);
        // 9, 10 and 8 steps x the median step of 0.5 s: 4, 4.5 and 5 s
        assertEquals(4.5, aggregates.at("/seconds_to_target_at_median_step/mean").asDouble(), EXACT);
        assertEquals(500.0, aggregates.at("/median_step_ms/mean").asDouble(), EXACT);
        assertEquals(0.0, aggregates.at("/step_time_cv/mean").asDouble(), EXACT);
        assertEquals(0, aggregates.get("timing_disturbed").asInt());
        assertEquals(0.5, aggregates.at("/seconds_to_target/std").asDouble(), EXACT);
        assertEquals(2.5, aggregates.at("/final_eval_loss/mean").asDouble(), EXACT);
        assertEquals(1.0, aggregates.at("/final_eval_loss/std").asDouble(), EXACT);
        assertEquals(0.6, aggregates.at("/final_eval_metrics/eval_accuracy/mean").asDouble(), EXACT);
        assertEquals(0.1, aggregates.at("/final_eval_metrics/eval_accuracy/std").asDouble(), EXACT);
        assertEquals(8.0, aggregates.at("/bytes_per_parameter/mean").asDouble(), EXACT);
        assertEquals(310.0 * MIB, aggregates.at("/peak_rss_bytes/mean").asDouble(), EXACT);
        assertEquals(200.0, aggregates.at("/tokens_per_s/mean").asDouble(), EXACT);
        assertEquals(10.0, aggregates.at("/train_seconds/mean").asDouble(), EXACT);

        // step 7: seeds dropping at 6 and 7 have loss 0, the one dropping at 8 has 10: mean 10/3, std 10/sqrt(3)
        JsonNode lossByStep = adamw.at("/curves/loss_by_step");
        assertEquals(20, lossByStep.get("x").size());
        assertEquals(7.0, lossByStep.at("/x/6").asDouble());
        assertEquals(10.0 / 3, lossByStep.at("/mean/6").asDouble(), EXACT);
        assertEquals(10 / Math.sqrt(3), lossByStep.at("/std/6").asDouble(), EXACT);
        assertEquals(3.5, adamw.at("/curves/loss_by_seconds/x/6").asDouble(), EXACT);
        assertEquals(List.of(10.0, 20.0), doubles(adamw.at("/curves/eval_loss_by_step/x")));

        JsonNode adam8bit = json.at("/variants/2");
        assertEquals(3, adam8bit.get("runs").asInt());
        assertEquals(2, adam8bit.get("completed").asInt());
        assertEquals("diverged", adam8bit.at("/seeds/1/status").asText());
        assertEquals(7, adam8bit.at("/seeds/1/diverged_at_step").asInt());
        assertEquals(6, adam8bit.at("/seeds/1/statistics/steps_completed").asInt());
        assertEquals(2, adam8bit.at("/aggregates/final_loss/seeds").asInt(), "only completed seeds");
        assertEquals(2.0, adam8bit.at("/aggregates/bytes_per_parameter/mean").asDouble(), EXACT);
    }

    /**
     * Every comparative sentence comes from Welch's t-test (t, df, p and Holm-adjusted p: cases "reached ..." of
     * {@code python3 scripts/reference/welch_holm.py}); means and stds as in {@link #targetReached()}. soaa's and
     * adam8bit's values are the same in every seed, so their pair is an exact comparison outside the Holm family.
     * adamw's accuracy (0.6 ± 0.1) is lower than soaa's (0.8) but three seeds do not separate them, while adam8bit's
     * constant 0.7 is exactly below soaa's constant 0.8. The old wall-clock "converged fastest" verdict is gone:
     * steps to target do not differ significantly.
     */
    @Test
    void everyComparativeSentenceComesFromATestWithItsNumbers() throws IOException {
        WrittenReport report = Report.write(targetReached().dir());
        assertEquals("Eval accuracy: soaa (0.8000 ± 0.0000, n = 3) reaches a higher eval accuracy than adam8bit"
                + " (0.7000 ± 0.0000, n = 2; exact: no spread over seeds). No significant difference over 3 seeds"
                + " between soaa and adamw (0.6000 ± 0.1000, n = 3; t = 3.46, df = 2.0, p = 0.0742, Holm-adjusted"
                + " p = 0.148): the tied leading group is soaa and adamw."
                + " Steps to target: no significant difference over 2 to 3 seeds among soaa (8.000 ± 0.000, n = 3),"
                + " adam8bit (8.000 ± 0.000, n = 2) and adamw (9.000 ± 1.000, n = 3) (Welch's t-test, Holm-adjusted"
                + " p ≥ 0.05 for every pair); they are tied."
                + " Seconds to target: adam8bit (0.6000 ± 0.0000, n = 2) reaches the target loss in less wall time"
                + " than soaa (1.500 ± 0.000, n = 3; exact: no spread over seeds) and than adamw (3.500 ± 0.500, n = 3;"
                + " t = -10.05, df = 2.0, p = 0.00976, Holm-adjusted p = 0.0195)."
                + " Among full fine-tuning variants, adam8bit keeps the least optimizer state per trainable parameter,"
                + " 2.000 B (2.0 KiB in all), against 8.000 B for adamw (7.8 KiB; exact: no spread over seeds)."
                + " Peak RSS: soaa (200.0 MiB, n = 3) has a lower peak RSS than adam8bit (250.0 MiB, n = 2; exact: no"
                + " spread over seeds) and than adamw (310.0 MiB ± 10.0 MiB, n = 3; t = -19.05, df = 2.0, p = 0.00274,"
                + " Holm-adjusted p = 0.00549)."
                + " Diverged: adam8bit diverged at step 7 (seed 2); their statistics are over the seeds that"
                + " completed.", report.conclusion());
        String markdown = Files.readString(report.markdown());
        assertTrue(markdown.contains(report.conclusion()), markdown);
        assertTrue(markdown.contains("| adam8bit | adam8bit | 2/3; diverged at step 7 (seed 2) |"), markdown);
        assertTrue(markdown.contains("| adamw | adamw | 3/3 | 2.333 ± 1.528 |"), markdown);
        assertTrue(markdown.contains("| 9.000 ± 1.000 (3/3 reached) | 3.500 ± 0.500 |"), markdown);
        assertTrue(markdown.contains("| adam8bit | completed, 20 steps | diverged at step 7 | completed, 20 steps |"),
                markdown);
        assertTrue(markdown.startsWith("# tiny-compare: optimizer comparison\n\nTiny Llama, three optimizers\n"));
    }

    /**
     * No evaluation, so quality is the final training loss (case "none final_loss" of
     * {@code scripts/reference/welch_holm.py}: no pair significant after Holm). Only galore's seed 1 reached the
     * target, so no speed test is possible. galore keeps 4,000 state bytes, the others 8,000; every variant peaks at
     * 300 MiB.
     */
    @Test
    void withoutSeedsToTestNothingIsClaimedAndTheTiedGroupIsNamed() throws IOException {
        WrittenReport report = Report.write(noneReached().dir());
        assertEquals("Final training loss: no significant difference over 2 seeds among soaa (3.250 ± 0.354, n = 2),"
                + " adamw <wd=0.1, \"fast\"> (4.500 ± 0.707, n = 2) and galore (9.000 ± 0.000, n = 2) (Welch's t-test,"
                + " Holm-adjusted p ≥ 0.05 for every pair); they are tied."
                + " Steps to target: no test is possible, since it needs at least 2 seeds in each of two variants"
                + " (galore: 1); nothing is claimed. Never reached the target loss 0.5000: adamw <wd=0.1, \"fast\">"
                + " and soaa."
                + " Seconds to target: no test is possible, since it needs at least 2 seeds in each of two variants"
                + " (galore: 1); nothing is claimed."
                + " Among full fine-tuning variants, galore keeps the least optimizer state per trainable parameter,"
                + " 4.000 B (3.9 KiB in all), against 8.000 B for adamw <wd=0.1, \"fast\"> (7.8 KiB; exact: no spread"
                + " over seeds)."
                + " Peak RSS: no significant difference over 2 seeds among adamw <wd=0.1, \"fast\"> (300.0 MiB, n = 2),"
                + " galore (300.0 MiB, n = 2) and soaa (300.0 MiB, n = 2) (exact: the same value in every seed); they"
                + " are tied."
                + " Failed: sgd (seed 1).", report.conclusion());
        String markdown = Files.readString(report.markdown());
        // galore seed 1 drops at step 6 and reaches 0.5 at step 10, 0.5 s per step: 5 s less 1 s of warm-up
        assertTrue(markdown.contains("| galore | galore_adamw | 2/2 | 9.000 ± 0.000 | 10.00 (1/2 reached) | 4.000 |"),
                markdown);
        assertTrue(markdown.contains("| sgd | sgd | 0/1; failed (seed 1): out of memory |"), markdown);
    }

    @Test
    void textIsEscapedInHtmlAndQuotedInCsv() throws IOException {
        WrittenReport report = Report.write(noneReached().dir());
        String html = Files.readString(report.html());
        assertTrue(html.contains("<td>adamw &lt;wd=0.1, &quot;fast&quot;&gt;</td>"), html);
        assertFalse(html.contains("<wd="));
        String csv = Files.readString(report.csv());
        assertTrue(csv.contains("\r\n\"adamw <wd=0.1, \"\"fast\"\">\",adamw,2,2,0,0,2/2,0,4.5,"), csv);
        List<List<String>> rows = parseCsv(csv);
        assertEquals(5, rows.size());
        assertEquals(List.of("adamw <wd=0.1, \"fast\">", "galore", "sgd", "soaa"),
                rows.stream().skip(1).map(row -> row.get(0)).toList(), "directory order without a recipe file");
        rows.forEach(row -> assertEquals(rows.get(0).size(), row.size()));
    }

    @Test
    void aRewriteReplacesTheReportAndDropsChartsWithoutData() throws IOException {
        SyntheticRuns runs = noneReached();
        Files.createDirectories(runs.dir().resolve("charts"));
        Files.writeString(runs.dir().resolve("charts").resolve(ReportCharts.EVAL_LOSS_BY_STEP), "stale");
        WrittenReport first = Report.write(runs.dir());
        WrittenReport second = Report.write(runs.dir());
        assertEquals(first.files(), second.files());
        assertFalse(Files.exists(runs.dir().resolve("charts").resolve(ReportCharts.EVAL_LOSS_BY_STEP)),
                "no run evaluated, so there is no eval chart");
        assertFalse(Files.readString(second.markdown()).contains("eval loss"));
    }

    @Test
    void noRunsOrAMalformedMetricsLineFailWithTheFileNamed() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty").resolve("adamw"));
        ReportException noRuns = assertThrows(ReportException.class, () -> Report.write(empty.getParent()));
        assertTrue(noRuns.getMessage().startsWith("no runs in " + empty.getParent()), noRuns.getMessage());

        SyntheticRuns runs = targetReached();
        Path metrics = runs.dir().resolve("soaa/seed-2/metrics.jsonl");
        List<String> lines = new ArrayList<>(Files.readAllLines(metrics));
        lines.set(3, lines.get(3).replace("\"loss\"", "\"los\""));
        Files.write(metrics, lines);
        MetricsFormatException malformed = assertThrows(MetricsFormatException.class,
                () -> Report.write(runs.dir()));
        assertTrue(malformed.getMessage().startsWith(metrics + ":4: missing \"loss\""), malformed.getMessage());
        assertFalse(Files.exists(runs.dir().resolve(Report.MARKDOWN_FILE)), "no half report");
    }

    private static Map<String, String> row(List<List<String>> csv, String variant) {
        List<String> values = csv.stream().filter(r -> r.get(0).equals(variant)).findFirst().orElseThrow();
        Map<String, String> row = new LinkedHashMap<>();
        for (int i = 0; i < values.size(); i++) {
            row.put(csv.get(0).get(i), values.get(i));
        }
        return row;
    }

    private static List<Double> doubles(JsonNode array) {
        List<Double> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asDouble()));
        return values;
    }

    private static int count(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            count++;
        }
        return count;
    }

    /**
     * A strict RFC 4180 reader written for this test: records end in CRLF, quoted fields may hold commas, CRLF and
     * doubled quotes, and anything else after a closing quote is an error.
     */
    static List<List<String>> parseCsv(String text) {
        List<List<String>> records = new ArrayList<>();
        List<String> record = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            if (text.charAt(i) == '"') {
                i++;
                while (true) {
                    if (i >= text.length()) {
                        throw new AssertionError("unclosed quote");
                    }
                    char c = text.charAt(i++);
                    if (c == '"' && i < text.length() && text.charAt(i) == '"') {
                        field.append('"');
                        i++;
                    } else if (c == '"') {
                        break;
                    } else {
                        field.append(c);
                    }
                }
            } else {
                while (i < text.length() && text.charAt(i) != ',' && text.charAt(i) != '\r') {
                    char c = text.charAt(i++);
                    if (c == '"' || c == '\n') {
                        throw new AssertionError("bare " + (c == '"' ? "quote" : "LF") + " at " + i);
                    }
                    field.append(c);
                }
            }
            record.add(field.toString());
            field.setLength(0);
            if (i < text.length() && text.charAt(i) == ',') {
                i++;
            } else if (text.startsWith("\r\n", i)) {
                i += 2;
                records.add(record);
                record = new ArrayList<>();
            } else {
                throw new AssertionError("expected a comma or CRLF at " + i);
            }
        }
        if (!record.isEmpty()) {
            throw new AssertionError("last record does not end in CRLF");
        }
        return records;
    }
}
