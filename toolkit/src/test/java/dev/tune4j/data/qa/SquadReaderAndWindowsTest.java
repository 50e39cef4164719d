package dev.tune4j.data.qa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.tune4j.data.DataFormatException;
import dev.tune4j.engine.Tune4jHome;
import dev.tune4j.tokenizer.BertTokenizerFiles;
import dev.tune4j.tokenizer.Tokenizers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SQuAD fixtures below are written by the project in the official v1.1 / v2.0 schema; they are not SQuAD data and
 * no benchmark number is derived from them.
 */
class SquadReaderAndWindowsTest {
    /** Fixture in the SQuAD v1.1 schema (project-made). */
    static final String V11 = """
            {"version": "1.1", "data": [{"title": "Fixture", "paragraphs": [
              {"context": "The Eiffel Tower is in Paris. It was finished in 1889.",
               "qas": [
                 {"id": "q1", "question": "Where is the Eiffel Tower?",
                  "answers": [{"text": "Paris", "answer_start": 23}, {"text": "in Paris", "answer_start": 20}]},
                 {"id": "q2", "question": "When was it finished?",
                  "answers": [{"text": "1889", "answer_start": 49}]}]}]}]}
            """;
    /** Fixture in the SQuAD v2.0 schema (project-made), with an unanswerable question. */
    static final String V20 = """
            {"version": "v2.0", "data": [{"title": "Fixture", "paragraphs": [
              {"context": "Moby Dick was written by Herman Melville.",
               "qas": [
                 {"id": "a", "question": "Who wrote Moby Dick?", "is_impossible": false,
                  "answers": [{"text": "Herman Melville", "answer_start": 25}]},
                 {"id": "b", "question": "Who illustrated it?", "is_impossible": true, "answers": [],
                  "plausible_answers": [{"text": "Herman Melville", "answer_start": 25}]}]}]}]}
            """;

    @TempDir
    Path directory;

    private Path write(String name, String text) throws IOException {
        return Files.writeString(directory.resolve(name), text);
    }

    @Test
    void readsV11AndV20() throws IOException {
        List<QaExample> v11 = SquadReader.read(write("v11.json", V11));
        assertEquals(2, v11.size());
        assertEquals(List.of("Paris", "in Paris"), v11.getFirst().answerTexts());
        assertEquals(new QaAnswer("1889", 49), v11.get(1).answers().getFirst());
        List<QaExample> v20 = SquadReader.read(write("v20.json", V20));
        assertFalse(v20.getFirst().impossible());
        assertTrue(v20.get(1).impossible());
        assertEquals(List.of(), v20.get(1).answers());
    }

    @Test
    void malformedFilesNameTheirPlace() throws IOException {
        DataFormatException json = assertThrows(DataFormatException.class,
                () -> SquadReader.read(write("broken.json", "{\"data\": [\n{\"paragraphs\": [}\n]}")));
        assertEquals(2, json.line());
        assertTrue(json.getMessage().contains("malformed JSON"), json.getMessage());

        DataFormatException offset = assertThrows(DataFormatException.class,
                () -> SquadReader.read(write("offset.json", V11.replace("\"answer_start\": 49", "\"answer_start\": 48"))));
        assertTrue(offset.getMessage().contains("data[0].paragraphs[0].qas[1].answers[0] (id q2): answer '1889' "
                + "does not occur at answer_start 48"), offset.getMessage());

        DataFormatException noAnswers = assertThrows(DataFormatException.class,
                () -> SquadReader.read(write("none.json", V20.replace("\"is_impossible\": true, ", ""))));
        assertTrue(noAnswers.getMessage().contains("qas[1] (id b): expected a non-empty array 'answers'"),
                noAnswers.getMessage());

        DataFormatException empty = assertThrows(DataFormatException.class,
                () -> SquadReader.read(write("empty.json", "{\"version\": \"1.1\", \"data\": []}")));
        assertTrue(empty.getMessage().contains("no questions"), empty.getMessage());
    }

    static HuggingFaceTokenizer bert() throws IOException {
        return Tokenizers.load(BertTokenizerFiles.minilm(Tune4jHome.resolve()), 1 << 14);
    }

    @Test
    void windowsMapTheAnswerSpanToTokensAndPointElsewhereAtCls() throws IOException {
        // project-made context: 12 words, each one WordPiece token with the bert-base-uncased vocab; the accented
        // word and the emoji before the answer check that character offsets map back to Java string indices
        String context = "café ☃ 😀 one two three four five six seven eight nine ten";
        int start = context.indexOf("seven eight");
        QaExample example = new QaExample("w", "which two?", context, List.of(new QaAnswer("seven eight", start)),
                false);
        try (HuggingFaceTokenizer tokenizer = bert()) {
            long[] contextIds = tokenizer.encode(context, false, false).getIds();
            long[] questionIds = tokenizer.encode("which two?", false, false).getIds();
            assertEquals(3, questionIds.length, "which / two / ?");
            int n = contextIds.length;
            // window = [CLS] q(3) [SEP] ctx(6) [SEP] = 12 tokens; stride 3 over n context tokens
            DocStrideWindows windows = new DocStrideWindows(tokenizer, 12, 3, 3);
            List<QaWindow> list = windows.windows(example);
            int answerToken = indexOf(tokenizer, context, "seven");
            assertEquals((n - 6 + 2) / 3 + 1, list.size(), "windows start at 0, 3, 6, ... until the end is covered");
            for (int w = 0; w < list.size(); w++) {
                QaWindow window = list.get(w);
                int begin = 3 * w;
                assertEquals(101, window.ids()[0]);
                assertEquals(102, window.ids()[4]);
                assertEquals(102, window.ids()[window.ids().length - 1]);
                assertArrayEquals(new long[] {0, 0, 0, 0, 0, 1}, java.util.Arrays.copyOf(window.tokenTypeIds(), 6));
                assertEquals(5, window.contextOffset());
                boolean contains = answerToken >= begin && answerToken + 1 < begin + 6;
                assertEquals(contains, window.hasAnswer(), "window " + w);
                if (contains) {
                    assertEquals(5 + answerToken - begin, window.startPosition());
                    assertEquals(window.startPosition() + 1, window.endPosition());
                    assertEquals("seven eight",
                            window.answerText(context, window.startPosition(), window.endPosition()));
                } else {
                    assertEquals(0, window.startPosition());
                    assertEquals(0, window.endPosition());
                }
            }
            QaExample impossible = new QaExample("u", "which two?", context, List.of(), true);
            windows.windows(impossible).forEach(window -> assertFalse(window.hasAnswer()));
        }
    }

    @Test
    void longQuestionsAreCutAndCounted() throws IOException {
        try (HuggingFaceTokenizer tokenizer = bert()) {
            DocStrideWindows windows = new DocStrideWindows(tokenizer, 16, 4, 2);
            QaExample example = new QaExample("q", "one two three four", "alpha beta", List.of(), true);
            QaWindow only = windows.windows(example).getFirst();
            assertEquals(1 + 2 + 1 + 2 + 1, only.ids().length);
            assertEquals(1, windows.truncatedQuestions());
        }
    }

    private static int indexOf(HuggingFaceTokenizer tokenizer, String context, String word) {
        var encoding = tokenizer.encode(context, false, false);
        String[] tokens = encoding.getTokens();
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i].equals(word)) {
                return i;
            }
        }
        throw new AssertionError(word + " not a token of " + List.of(tokens));
    }
}
