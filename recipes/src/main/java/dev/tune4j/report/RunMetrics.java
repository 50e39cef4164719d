package dev.tune4j.report;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tune4j.io.InputFiles;
import dev.tune4j.runfiles.MetricKeys;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parsed lines of one run's {@code metrics.jsonl} (keys in {@link MetricKeys}): training lines in step order and
 * evaluation lines in step order.
 *
 * <p>A line is malformed, and reading stops with a {@link MetricsFormatException} naming file:line, when it is not a
 * JSON object, has no known {@value MetricKeys#TYPE}, lacks a key the statistics need, has a non-numeric or
 * non-finite value there (or in an evaluation line's {@value MetricKeys#LOAD_1M}, which may be absent but not
 * negative), a fractional step, token or byte count, or a step not above the previous line of its type. The memory
 * fields of training lines ({@value MetricKeys#RSS_BYTES}, {@value MetricKeys#HEAP_USED_BYTES},
 * {@value MetricKeys#HEAP_COMMITTED_BYTES}) may be absent but, when present, are whole numbers. Blank lines are
 * skipped; keys the statistics do not use are ignored.
 *
 * @param trainSteps training lines, steps strictly increasing
 * @param evalPoints evaluation lines, steps strictly increasing
 */
public record RunMetrics(List<TrainStep> trainSteps, List<EvalPoint> evalPoints) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Keeps unmodifiable copies. */
    public RunMetrics {
        trainSteps = List.copyOf(trainSteps);
        evalPoints = List.copyOf(evalPoints);
    }

    /**
     * Reads a {@code metrics.jsonl} file (UTF-8) line by line, holding only the parsed values; problems name the file
     * and line.
     */
    public static RunMetrics read(Path file) throws IOException {
        Parser parser = new Parser(file.toString());
        try (BufferedReader reader = InputFiles.newUtf8Reader(file, "metrics file (one JSON object per line)")) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                parser.accept(line);
            }
        } catch (CharacterCodingException e) {
            throw InputFiles.notUtf8(file, "metrics file (one JSON object per line)");
        }
        return parser.result();
    }

    /**
     * Parses the lines of a {@code metrics.jsonl} file.
     *
     * @param lines the lines, in file order
     * @param source the name problems are reported under (usually the file path)
     */
    public static RunMetrics parse(List<String> lines, String source) throws MetricsFormatException {
        Parser parser = new Parser(source);
        for (String text : lines) {
            parser.accept(text);
        }
        return parser.result();
    }

    /** Takes the lines one at a time, so a long file is never held in memory as text. */
    private static final class Parser {
        private final String source;
        private final List<TrainStep> train = new ArrayList<>();
        private final List<EvalPoint> eval = new ArrayList<>();
        private long number;

        Parser(String source) {
            this.source = source;
        }

        RunMetrics result() {
            return new RunMetrics(train, eval);
        }

        void accept(String text) throws MetricsFormatException {
            number++;
            if (text.isBlank()) {
                return;
            }
            LineReader line = new LineReader(source, number, text);
            String type = line.type();
            if (MetricKeys.TYPE_TRAIN.equals(type)) {
                TrainStep step = new TrainStep(line.integer(MetricKeys.STEP), line.number(MetricKeys.LOSS),
                        line.count(MetricKeys.TOKENS), line.number(MetricKeys.ELAPSED_S),
                        line.number(MetricKeys.STEP_MS), line.count(MetricKeys.OPTIMIZER_STATE_BYTES),
                        line.count(MetricKeys.PEAK_RSS_BYTES), line.optionalCount(MetricKeys.RSS_BYTES),
                        line.optionalCount(MetricKeys.HEAP_USED_BYTES),
                        line.optionalCount(MetricKeys.HEAP_COMMITTED_BYTES),
                        line.optionalNumber(MetricKeys.OTHER_CPU_MS));
                line.requireAfter(step.step(), train.isEmpty() ? 0 : train.getLast().step());
                train.add(step);
            } else if (MetricKeys.TYPE_EVAL.equals(type)) {
                EvalPoint point = new EvalPoint(line.integer(MetricKeys.STEP), line.number(MetricKeys.ELAPSED_S),
                        line.number(MetricKeys.EVAL_LOSS), line.evalMetrics(), line.optionalLoad());
                line.requireAfter(point.step(), eval.isEmpty() ? Integer.MIN_VALUE : eval.getLast().step());
                eval.add(point);
            } else {
                throw line.problem("unknown " + MetricKeys.TYPE + " '" + type + "'; expected '"
                        + MetricKeys.TYPE_TRAIN + "' or '" + MetricKeys.TYPE_EVAL + "'");
            }
        }
    }

    /** Reads the values of one line, turning every problem into a {@link MetricsFormatException}. */
    private static final class LineReader {
        private final String source;
        private final long number;
        private final JsonNode node;
        private String type;

        LineReader(String source, long number, String text) throws MetricsFormatException {
            this.source = source;
            this.number = number;
            JsonNode parsed;
            try {
                parsed = JSON.readTree(text);
            } catch (JacksonException e) {
                throw problem("not valid JSON (" + e.getOriginalMessage() + ")");
            }
            if (parsed == null || !parsed.isObject()) {
                throw problem("expected one JSON object per line");
            }
            this.node = parsed;
        }

        String type() throws MetricsFormatException {
            JsonNode value = node.get(MetricKeys.TYPE);
            if (value == null || !value.isTextual()) {
                throw problem("missing \"" + MetricKeys.TYPE + "\" (a string)");
            }
            type = value.asText();
            return type;
        }

        double number(String key) throws MetricsFormatException {
            JsonNode value = node.get(key);
            if (value == null || !value.isNumber()) {
                throw problem((value == null ? "missing \"" : "non-numeric \"") + key + "\" in a " + type + " line");
            }
            double result = value.asDouble();
            if (!Double.isFinite(result)) {
                throw problem("\"" + key + "\" is not finite");
            }
            return result;
        }

        long count(String key) throws MetricsFormatException {
            number(key);
            JsonNode value = node.get(key);
            if (!value.isIntegralNumber() || !value.canConvertToLong()) {
                throw problem("\"" + key + "\" must be a whole number, got " + value);
            }
            return value.asLong();
        }

        /** A whole number the line may leave out (the memory fields of the breakdown); null when absent. */
        Long optionalCount(String key) throws MetricsFormatException {
            return node.has(key) ? count(key) : null;
        }

        /** {@code key}'s finite number when the line has it (of any sign), else null. */
        Double optionalNumber(String key) throws MetricsFormatException {
            return node.has(key) ? number(key) : null;
        }

        int integer(String key) throws MetricsFormatException {
            long result = count(key);
            if (result != (int) result) {
                throw problem("\"" + key + "\" out of range: " + result);
            }
            return (int) result;
        }

        Map<String, Double> evalMetrics() throws MetricsFormatException {
            Map<String, Double> metrics = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                String key = field.getKey();
                if (key.startsWith(MetricKeys.EVAL_PREFIX) && !key.equals(MetricKeys.EVAL_LOSS)) {
                    metrics.put(key, number(key));
                }
            }
            return metrics;
        }

        /** {@value MetricKeys#LOAD_1M} when the line has it: a finite number, at least 0. */
        Double optionalLoad() throws MetricsFormatException {
            if (!node.has(MetricKeys.LOAD_1M)) {
                return null;
            }
            double load = number(MetricKeys.LOAD_1M);
            if (load < 0) {
                throw problem("\"" + MetricKeys.LOAD_1M + "\" is negative: " + load);
            }
            return load;
        }

        void requireAfter(int step, int previous) throws MetricsFormatException {
            if (step <= previous) {
                throw problem(type + " step " + step + " does not come after step " + previous);
            }
        }

        MetricsFormatException problem(String what) {
            return new MetricsFormatException(source, number, what);
        }
    }
}
