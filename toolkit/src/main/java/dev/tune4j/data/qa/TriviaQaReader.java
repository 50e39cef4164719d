package dev.tune4j.data.qa;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tune4j.data.DataFormatException;
import dev.tune4j.io.InputFiles;
import dev.tune4j.data.batch.LabelledSequence;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads TriviaQA reading-comprehension files ({@code qa/wikipedia-*.json}, {@code qa/web-*.json}: {@code {"Data":
 * [{"QuestionId", "Question", "Answer": {"Value", "Aliases"}, "EntityPages": [{"Filename"}], "SearchResults":
 * [{"Filename"}]}]}}) with their evidence files ({@code evidence/wikipedia/FILENAME}, {@code evidence/web/FILENAME}).
 * Test sets without answers are refused. Errors name the file and the JSON path.
 */
public final class TriviaQaReader {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TriviaQaReader() {}

    /**
     * All questions of {@code questionsFile}, evidence read from under {@code evidenceRoot}.
     *
     * @param evidenceRoot the folder holding {@code wikipedia/} and {@code web/}
     * @throws DataFormatException for malformed JSON, a missing field, or a missing evidence file
     */
    public static List<TriviaQaExample> read(Path questionsFile, Path evidenceRoot) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(InputFiles.readUtf8(questionsFile, "TriviaQA questions file (data.path)"));
        } catch (JsonProcessingException e) {
            long line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            throw new DataFormatException(questionsFile, line, "malformed JSON (" + e.getOriginalMessage()
                    + "); expected a TriviaQA file {\"Data\": [...]}");
        }
        JsonNode data = root == null ? null : root.get("Data");
        if (data == null || !data.isArray() || data.isEmpty()) {
            throw new DataFormatException(questionsFile, 0, "expected a TriviaQA file: a JSON object with a "
                    + "non-empty array 'Data'");
        }
        List<TriviaQaExample> examples = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            JsonNode item = data.get(i);
            String path = "Data[" + i + "]";
            String id = text(questionsFile, item, "QuestionId", path);
            String question = text(questionsFile, item, "Question", path);
            JsonNode answer = item.get("Answer");
            if (answer == null || !answer.isObject()) {
                throw new DataFormatException(questionsFile, 0, path + " (" + id + "): expected an object 'Answer'"
                        + " with 'Value' and 'Aliases' (TriviaQA test files have no answers)");
            }
            String value = text(questionsFile, answer, "Value", path + ".Answer");
            List<String> aliases = new ArrayList<>();
            for (JsonNode alias : answer.path("Aliases")) {
                aliases.add(alias.asText());
            }
            List<String> evidence = new ArrayList<>();
            evidence(questionsFile, item, "EntityPages", evidenceRoot.resolve("wikipedia"), path, evidence);
            evidence(questionsFile, item, "SearchResults", evidenceRoot.resolve("web"), path, evidence);
            examples.add(new TriviaQaExample(id, question, value, aliases, evidence));
        }
        return examples;
    }

    /**
     * A prompt→answer causal-LM example: {@code <s> prompt} then {@code answer </s>}, the prompt tokens' labels
     * set to -100 so that only the answer is trained.
     *
     * @param tokenizer a Llama-style tokenizer that adds {@code <s>}
     * @param eosId the end-of-sequence id appended to the answer ({@code </s>} = 2 for Llama-2)
     */
    public static LabelledSequence promptAnswer(HuggingFaceTokenizer tokenizer, TriviaQaExample example,
            long eosId, int maxLength) {
        long[] prompt = tokenizer.encode(example.prompt()).getIds();
        long[] answerIds = tokenizer.encode(example.answer(), false, false).getIds();
        long[] answer = java.util.Arrays.copyOf(answerIds, answerIds.length + 1);
        answer[answerIds.length] = eosId;
        return LabelledSequence.promptAnswer(prompt, answer, maxLength);
    }

    private static void evidence(Path file, JsonNode item, String field, Path folder, String path,
            List<String> evidence) throws IOException {
        JsonNode documents = item.path(field);
        for (int d = 0; d < documents.size(); d++) {
            String documentPath = path + "." + field + "[" + d + "]";
            String name = text(file, documents.get(d), "Filename", documentPath);
            Path document = folder.resolve(name).normalize();
            if (!document.startsWith(folder.normalize()) || !Files.isRegularFile(document)) {
                throw new DataFormatException(file, 0, documentPath + ": evidence file " + document
                        + " not found; pass the folder holding the TriviaQA evidence/ (wikipedia/, web/)");
            }
            evidence.add(InputFiles.readUtf8(document, "TriviaQA evidence file"));
        }
    }

    private static String text(Path file, JsonNode node, String field, String path) throws DataFormatException {
        JsonNode value = node == null ? null : node.get(field);
        if (value == null || !value.isTextual()) {
            throw new DataFormatException(file, 0, path + ": expected a string field '" + field + "'");
        }
        return value.asText();
    }
}
