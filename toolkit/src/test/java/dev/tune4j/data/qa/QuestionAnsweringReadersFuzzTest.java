package dev.tune4j.data.qa;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tune4j.testing.FuzzInputs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Fuzzes the SQuAD reader and the TriviaQA reader. The input, split at zero bytes, is the questions file and two
 * evidence files ({@code evidence/wikipedia/doc.txt}, {@code evidence/web/doc.txt}); the file is read as SQuAD when
 * it mentions {@code "paragraphs"}, else as TriviaQA. Each reader may only refuse with an {@link IOException} (a
 * {@link dev.tune4j.data.DataFormatException} naming the file and the JSON path) that says why; every SQuAD answer
 * it accepts spells its text at its offset in the context, every TriviaQA answer is among its aliases.
 */
class QuestionAnsweringReadersFuzzTest {
    @FuzzTest(maxDuration = "15s")
    void readSquadOrTriviaQa(byte[] input) throws IOException {
        Path directory = FuzzInputs.freshDirectory("qa");
        List<byte[]> files = FuzzInputs.parts(input, 3);
        Path questions = Files.write(directory.resolve("questions.json"), files.get(0));
        Path evidence = directory.resolve("evidence");
        Files.write(Files.createDirectories(evidence.resolve("wikipedia")).resolve("doc.txt"), files.get(1));
        Files.write(Files.createDirectories(evidence.resolve("web")).resolve("doc.txt"), files.get(2));
        boolean squad = new String(files.get(0), java.nio.charset.StandardCharsets.ISO_8859_1).contains("paragraphs");
        try {
            if (squad) {
                for (QaExample example : SquadReader.read(questions)) {
                    for (QaAnswer answer : example.answers()) {
                        if (!example.context().startsWith(answer.text(), answer.start())) {
                            throw new AssertionError(example + " accepted with a span that is not its text");
                        }
                    }
                }
            } else {
                for (TriviaQaExample example : TriviaQaReader.read(questions, evidence)) {
                    if (!example.aliases().contains(example.answer())) {
                        throw new AssertionError(example + " accepted without its answer among the aliases");
                    }
                }
            }
        } catch (IOException refused) {
            FuzzInputs.assertExplained(refused);
        }
    }
}
