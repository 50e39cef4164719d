package dev.tune4j.data.qa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.tune4j.data.DataFormatException;
import dev.tune4j.data.batch.DynamicPadding;
import dev.tune4j.data.batch.LabelledSequence;
import dev.tune4j.testing.NpmOnPath;
import dev.tune4j.tokenizer.LlamaTokenizerFiles;
import dev.tune4j.tokenizer.Tokenizers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The TriviaQA files below are project-made fixtures in the official rc schema, not TriviaQA data. */
class TriviaQaReaderTest {
    private static final String QUESTIONS = """
            {"Version": 1.0, "Split": "dev", "Domain": "Wikipedia", "VerifiedEval": false, "Data": [
              {"QuestionId": "tc_1", "Question": "Which city is home to the Eiffel Tower?",
               "QuestionSource": "fixture",
               "Answer": {"Value": "Paris", "Aliases": ["Paris", "Paris, France", "City of Light"],
                          "NormalizedAliases": ["paris", "paris france", "city of light"],
                          "NormalizedValue": "paris", "Type": "WikipediaEntity"},
               "EntityPages": [{"DocSource": "TagMe", "Filename": "Eiffel_Tower.txt", "Title": "Eiffel Tower"}],
               "SearchResults": [{"Filename": "7/7_1.txt", "Rank": 0, "Title": "t", "Url": "u", "Description": "d"},
                                 {"Filename": "7/7_2.txt", "Rank": 1, "Title": "t", "Url": "u", "Description": "d"}]}
            ]}
            """;

    @TempDir
    Path directory;

    private Path fixture() throws IOException {
        Path evidence = directory.resolve("evidence");
        Files.createDirectories(evidence.resolve("wikipedia"));
        Files.createDirectories(evidence.resolve("web/7"));
        Files.writeString(evidence.resolve("wikipedia/Eiffel_Tower.txt"),
                "The Eiffel Tower stands in the city of light, PARIS, France.");
        Files.writeString(evidence.resolve("web/7/7_1.txt"), "Parisian cafes are near the tower in Paris.");
        Files.writeString(evidence.resolve("web/7/7_2.txt"), "No mention of the city at all.");
        return Files.writeString(directory.resolve("wikipedia-dev.json"), QUESTIONS);
    }

    @Test
    void readsQuestionsAliasesAndEvidence() throws IOException {
        List<TriviaQaExample> examples = TriviaQaReader.read(fixture(), directory.resolve("evidence"));
        assertEquals(1, examples.size());
        TriviaQaExample example = examples.getFirst();
        assertEquals("tc_1", example.id());
        assertEquals("Paris", example.answer());
        assertEquals(List.of("Paris", "Paris, France", "City of Light"), example.aliases());
        assertEquals(3, example.evidence().size());
        assertEquals("Question: Which city is home to the Eiffel Tower?\nAnswer:", example.prompt());
    }

    @Test
    void extractiveExamplesUseTheEarliestWholeWordAlias() throws IOException {
        List<QaExample> extractive = TriviaQaReader.read(fixture(), directory.resolve("evidence")).getFirst()
                .extractive();
        assertEquals(3, extractive.size());
        // "city of light" (at 31) comes before "PARIS" (at 46); the case of the evidence is kept
        assertEquals(List.of(new QaAnswer("city of light", 31)), extractive.get(0).answers());
        // "Parisian" is not a whole-word match; "Paris" at the end is
        assertEquals(List.of(new QaAnswer("Paris", 37)), extractive.get(1).answers());
        assertTrue(extractive.get(2).impossible());
        assertEquals("tc_1--2", extractive.get(2).id());
    }

    @Test
    void missingEvidenceAndMissingAnswerAreReported() throws IOException {
        Path questions = fixture();
        Files.delete(directory.resolve("evidence/web/7/7_2.txt"));
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> TriviaQaReader.read(questions, directory.resolve("evidence")));
        assertTrue(e.getMessage().contains("Data[0].SearchResults[1]: evidence file"), e.getMessage());

        Path noAnswer = Files.writeString(directory.resolve("test.json"),
                "{\"Data\": [{\"QuestionId\": \"x\", \"Question\": \"?\"}]}");
        DataFormatException test = assertThrows(DataFormatException.class,
                () -> TriviaQaReader.read(noAnswer, directory.resolve("evidence")));
        assertTrue(test.getMessage().contains("Data[0] (x): expected an object 'Answer'"), test.getMessage());
    }

    @Test
    void promptAnswerSequencesMaskThePrompt() throws IOException {
        assumeTrue(NpmOnPath.available() || Files.isRegularFile(LlamaTokenizerFiles.location(
                dev.tune4j.engine.Tune4jHome.resolve())), NpmOnPath.SKIP_MESSAGE);
        TriviaQaExample example = TriviaQaReader.read(fixture(), directory.resolve("evidence")).getFirst();
        try (HuggingFaceTokenizer llama = Tokenizers.load(LlamaTokenizerFiles.ensure(), 512)) {
            long[] prompt = llama.encode(example.prompt()).getIds();
            long[] answer = llama.encode("Paris", false, false).getIds();
            LabelledSequence sequence = TriviaQaReader.promptAnswer(llama, example, LlamaTokenizerFiles.EOS_ID, 512);
            assertEquals(LlamaTokenizerFiles.BOS_ID, sequence.ids()[0]);
            assertEquals(prompt.length + answer.length + 1, sequence.length());
            for (int i = 0; i < prompt.length; i++) {
                assertEquals(DynamicPadding.IGNORE_INDEX, sequence.labels()[i], "prompt label " + i);
            }
            long[] answerLabels = Arrays.copyOfRange(sequence.labels(), prompt.length, sequence.length());
            long[] expected = Arrays.copyOf(answer, answer.length + 1);
            expected[answer.length] = LlamaTokenizerFiles.EOS_ID;
            assertArrayEquals(expected, answerLabels);
        }
    }
}
