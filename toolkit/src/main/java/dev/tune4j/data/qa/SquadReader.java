package dev.tune4j.data.qa;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tune4j.data.DataFormatException;
import dev.tune4j.io.InputFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads SQuAD v1.1 and v2.0 files ({@code {"version", "data": [{"title", "paragraphs": [{"context", "qas": [{"id",
 * "question", "answers": [{"text", "answer_start"}], "is_impossible"}]}]}]}}); v2.0's {@code is_impossible: true}
 * questions become unanswerable examples (their {@code plausible_answers} are ignored). Every answer is checked
 * against its context. Errors name the file and the JSON path, e.g. {@code data[0].paragraphs[3].qas[1]}.
 */
public final class SquadReader {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SquadReader() {}

    /**
     * All questions of a SQuAD file, in file order.
     *
     * @throws DataFormatException for malformed JSON, a missing field, an answer that does not match its context,
     *     or a file without questions
     */
    public static List<QaExample> read(Path file) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(InputFiles.readUtf8(file, "SQuAD file (data.path or data.eval_path)"));
        } catch (JsonProcessingException e) {
            long line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            throw new DataFormatException(file, line, "malformed JSON (" + e.getOriginalMessage()
                    + "); expected a SQuAD file {\"version\", \"data\": [...]}");
        }
        JsonNode data = root == null ? null : root.get("data");
        if (data == null || !data.isArray()) {
            throw new DataFormatException(file, 0, "expected a SQuAD file: a JSON object with an array 'data'");
        }
        List<QaExample> examples = new ArrayList<>();
        for (int a = 0; a < data.size(); a++) {
            JsonNode paragraphs = data.get(a).get("paragraphs");
            String articlePath = "data[" + a + "]";
            if (paragraphs == null || !paragraphs.isArray()) {
                throw new DataFormatException(file, 0, articlePath + ": expected an array 'paragraphs'");
            }
            for (int p = 0; p < paragraphs.size(); p++) {
                String paragraphPath = articlePath + ".paragraphs[" + p + "]";
                JsonNode paragraph = paragraphs.get(p);
                String context = text(file, paragraph, "context", paragraphPath);
                JsonNode qas = paragraph.get("qas");
                if (qas == null || !qas.isArray()) {
                    throw new DataFormatException(file, 0, paragraphPath + ": expected an array 'qas'");
                }
                for (int q = 0; q < qas.size(); q++) {
                    examples.add(question(file, qas.get(q), context, paragraphPath + ".qas[" + q + "]"));
                }
            }
        }
        if (examples.isEmpty()) {
            throw new DataFormatException(file, 0, "no questions; expected data[].paragraphs[].qas[]");
        }
        return examples;
    }

    private static QaExample question(Path file, JsonNode qa, String context, String path)
            throws DataFormatException {
        String id = text(file, qa, "id", path);
        String question = text(file, qa, "question", path);
        boolean impossible = qa.path("is_impossible").asBoolean(false);
        List<QaAnswer> answers = new ArrayList<>();
        if (!impossible) {
            JsonNode list = qa.get("answers");
            if (list == null || !list.isArray() || list.isEmpty()) {
                throw new DataFormatException(file, 0, path + " (id " + id + "): expected a non-empty array "
                        + "'answers' of {\"text\", \"answer_start\"} (or \"is_impossible\": true for SQuAD v2.0)");
            }
            for (int i = 0; i < list.size(); i++) {
                JsonNode answer = list.get(i);
                String answerPath = path + ".answers[" + i + "]";
                String text = text(file, answer, "text", answerPath);
                JsonNode start = answer.get("answer_start");
                if (start == null || !start.canConvertToInt() || start.asInt() < 0) {
                    throw new DataFormatException(file, 0, answerPath + ": expected a non-negative integer "
                            + "'answer_start'");
                }
                int offset = start.asInt();
                if (offset + text.length() > context.length()
                        || !context.regionMatches(offset, text, 0, text.length())) {
                    throw new DataFormatException(file, 0, answerPath + " (id " + id + "): answer '" + text
                            + "' does not occur at answer_start " + offset + " of the context");
                }
                answers.add(new QaAnswer(text, offset));
            }
        }
        return new QaExample(id, question, context, answers, impossible);
    }

    private static String text(Path file, JsonNode node, String field, String path) throws DataFormatException {
        JsonNode value = node == null ? null : node.get(field);
        if (value == null || !value.isTextual()) {
            throw new DataFormatException(file, 0, path + ": expected a string field '" + field + "'");
        }
        return value.asText();
    }
}
