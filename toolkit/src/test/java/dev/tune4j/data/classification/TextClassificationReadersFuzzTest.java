package dev.tune4j.data.classification;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tune4j.data.BadRows;
import dev.tune4j.testing.FuzzInputs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Fuzzes the classification readers. The first byte picks the reader (JSON Lines, CSV, TSV, each strict or skipping
 * bad rows; the aclImdb layout; the SpamAssassin layout) and the rest, split at zero bytes, is the file or the files
 * of the folder layout. Each reader may only refuse with an {@link IOException} (a
 * {@link dev.tune4j.data.DataFormatException} naming file and line for malformed rows) that says why; what it accepts
 * has at least two classes and a label id for every text.
 */
class TextClassificationReadersFuzzTest {
    private static final List<String> SPAM_GROUPS = List.of("easy-ham-1", "spam-2", "hard-ham-1", "other");

    @FuzzTest(maxDuration = "15s")
    void readAnyLayout(byte[] input) throws IOException {
        Path directory = FuzzInputs.freshDirectory("classification");
        int selector = input.length == 0 ? 0 : input[0] & 0xFF;
        List<byte[]> files = FuzzInputs.parts(input.length == 0 ? input
                : java.util.Arrays.copyOfRange(input, 1, input.length), 4);
        BadRows badRows = new BadRows(selector / 8 % 2 == 1);
        ClassificationDataset dataset;
        try {
            dataset = switch (selector % 5) {
                case 0 -> TextClassificationReaders.jsonl(Files.write(directory.resolve("d.jsonl"), files.get(0)),
                        "text", "label", badRows);
                case 1 -> TextClassificationReaders.csv(Files.write(directory.resolve("d.csv"), files.get(0)),
                        "text", "label", badRows);
                case 2 -> TextClassificationReaders.tsv(Files.write(directory.resolve("d.tsv"), files.get(0)),
                        "text", "label", badRows);
                case 3 -> {
                    for (int i = 0; i < files.size(); i++) {
                        Path folder = Files.createDirectories(directory.resolve("train").resolve(i % 2 == 0 ? "pos"
                                : "neg"));
                        Files.write(folder.resolve(i + ".txt"), files.get(i));
                    }
                    yield TextClassificationReaders.aclImdb(directory, "train");
                }
                default -> {
                    for (int i = 0; i < files.size(); i++) {
                        Path folder = Files.createDirectories(directory.resolve("data")
                                .resolve(SPAM_GROUPS.get((selector / 5 + i) % SPAM_GROUPS.size())));
                        Files.write(folder.resolve(i + ".txt"), files.get(i));
                    }
                    yield TextClassificationReaders.spamAssassin(directory);
                }
            };
        } catch (IOException refused) {
            FuzzInputs.assertExplained(refused);
            return;
        }
        if (dataset.labels().size() < 2 || dataset.size() != dataset.labelIds().length) {
            throw new AssertionError("accepted " + dataset.size() + " texts with labels " + dataset.labels());
        }
    }
}
