package dev.tune4j.data.classification;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tune4j.data.BadRows;
import dev.tune4j.data.DataFormatException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every file below is a small fixture written by this test (project-made, not real data). */
class TextClassificationReadersTest {
    @TempDir
    Path directory;

    private Path write(String name, String content) throws IOException {
        Path file = directory.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }

    @Test
    void jsonlReadsConfiguredFieldsAndSortsLabels() throws IOException {
        Path file = write("d.jsonl", """
                {"review": "great film", "stars": "pos", "id": 1}

                {"review": "dull", "stars": "neg"}
                {"review": "fine \\"quoted\\"", "stars": 1}
                """);
        ClassificationDataset dataset = TextClassificationReaders.jsonl(file, "review", "stars", new BadRows(false));
        assertEquals(List.of("1", "neg", "pos"), dataset.labels());
        assertEquals(List.of(new TextExample("great film", "pos"), new TextExample("dull", "neg"),
                new TextExample("fine \"quoted\"", "1")), dataset.examples());
        assertEquals(Map.of("1", 1, "neg", 1, "pos", 1), dataset.classCounts());
        assertEquals(0, dataset.skippedRows());
    }

    @Test
    void malformedJsonLineNamesFileLineAndExpectation() throws IOException {
        Path file = write("bad.jsonl", """
                {"text": "a", "label": "x"}
                {"text": "b", "label": "y"
                {"text": "c", "label": "x"}
                """);
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> TextClassificationReaders.jsonl(file, "text", "label", new BadRows(false)));
        assertEquals(2, e.line());
        assertTrue(e.getMessage().startsWith(file + ":2: malformed JSON"), e.getMessage());
        assertTrue(e.getMessage().contains("expected a JSON object with a string field 'text'"), e.getMessage());
    }

    @Test
    void missingFieldAndWrongTypeAreBadRowsThatCanBeSkippedAndCounted() throws IOException {
        Path file = write("mixed.jsonl", """
                {"text": "a", "label": "x"}
                {"body": "b", "label": "y"}
                {"text": 5, "label": "y"}
                [1, 2]
                {"text": "e", "label": "y"}
                {"text": "f", "label": null}
                """);
        DataFormatException first = assertThrows(DataFormatException.class,
                () -> TextClassificationReaders.jsonl(file, "text", "label", new BadRows(false)));
        assertEquals(2, first.line());
        assertTrue(first.getMessage().contains("field 'text' is missing"), first.getMessage());

        BadRows skip = new BadRows(true);
        ClassificationDataset dataset = TextClassificationReaders.jsonl(file, "text", "label", skip);
        assertEquals(2, dataset.size());
        assertEquals(4, dataset.skippedRows());
        assertEquals(4, skip.skipped());
        String warning = skip.warning();
        assertTrue(warning.startsWith("warning: skipped 4 malformed rows"), warning);
        assertTrue(warning.contains(file + ":3:") && warning.contains("field 'text' is not a string"), warning);
        assertTrue(warning.contains(file + ":4:") && warning.contains("got array"), warning);
        assertTrue(warning.contains(file + ":6:"), warning);
    }

    @Test
    void csvFollowsRfc4180Quoting() throws IOException {
        // quoted comma, doubled quote, a line break inside quotes, CRLF line ends, an empty last line
        Path file = write("d.csv", "id,text,label\r\n1,\"hello, world\",pos\r\n2,\"she said \"\"no\"\"\",neg\r\n"
                + "3,\"two\nlines\",pos\r\n4,plain,neg\r\n");
        ClassificationDataset dataset = TextClassificationReaders.csv(file, "text", "label", new BadRows(false));
        assertEquals(List.of(new TextExample("hello, world", "pos"), new TextExample("she said \"no\"", "neg"),
                new TextExample("two\nlines", "pos"), new TextExample("plain", "neg")), dataset.examples());
    }

    @Test
    void csvErrorsGiveTheRecordsLine() throws IOException {
        Path wrongCount = write("count.csv", "text,label\na,pos\n\"multi\nline\",neg\nb,neg,extra\n");
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> TextClassificationReaders.csv(wrongCount, "text", "label", new BadRows(false)));
        assertEquals(5, e.line(), "the record after the two-line record (lines 3-4) starts on line 5");
        assertTrue(e.getMessage().contains("expected 2 fields as in the header [text, label], got 3"),
                e.getMessage());

        Path strayQuote = write("quote.csv", "text,label\nsay \"hi\",pos\nok,neg\nfine,pos\n");
        DataFormatException quote = assertThrows(DataFormatException.class,
                () -> TextClassificationReaders.csv(strayQuote, "text", "label", new BadRows(false)));
        assertEquals(2, quote.line());
        assertTrue(quote.getMessage().contains("a quote inside an unquoted field 1"), quote.getMessage());
        BadRows skip = new BadRows(true);
        assertEquals(2, TextClassificationReaders.csv(strayQuote, "text", "label", skip).size());
        assertEquals(1, skip.skipped());

        Path unterminated = write("open.csv", "text,label\nok,pos\nfine,neg\n\"never closed,pos\n");
        DataFormatException open = assertThrows(DataFormatException.class,
                () -> TextClassificationReaders.csv(unterminated, "text", "label", new BadRows(false)));
        assertEquals(4, open.line());
        assertTrue(open.getMessage().contains("unterminated quoted field"), open.getMessage());

        Path noColumn = write("cols.csv", "body,label\na,pos\n");
        DataFormatException column = assertThrows(DataFormatException.class,
                () -> TextClassificationReaders.csv(noColumn, "text", "label", new BadRows(false)));
        assertTrue(column.getMessage().contains("has no column 'text'"), column.getMessage());
    }

    @Test
    void tsvSplitsOnTabsWithoutQuoting() throws IOException {
        Path file = write("d.tsv", "label\ttext\npos\t\"as is\", with comma\nneg\tsecond\nneg\tthird\textra\n");
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> TextClassificationReaders.tsv(file, "text", "label", new BadRows(false)));
        assertEquals(4, e.line());
        ClassificationDataset dataset = TextClassificationReaders.tsv(file, "text", "label", new BadRows(true));
        assertEquals(List.of(new TextExample("\"as is\", with comma", "pos"), new TextExample("second", "neg")),
                dataset.examples());
        assertEquals(1, dataset.skippedRows());
    }

    @Test
    void emptyDatasetAndSingleClassAreRefusedClearly() throws IOException {
        Path empty = write("empty.jsonl", "\n\n");
        DataFormatException none = assertThrows(DataFormatException.class,
                () -> TextClassificationReaders.jsonl(empty, "text", "label", new BadRows(false)));
        assertTrue(none.getMessage().contains("no examples"), none.getMessage());

        Path allBad = write("allbad.jsonl", "oops\n{\n");
        DataFormatException skippedAll = assertThrows(DataFormatException.class,
                () -> TextClassificationReaders.jsonl(allBad, "text", "label", new BadRows(true)));
        assertTrue(skippedAll.getMessage().contains("all 2 rows were malformed and skipped"),
                skippedAll.getMessage());

        Path single = write("single.csv", "text,label\na,spam\nb,spam\nc,spam\n");
        DataFormatException oneClass = assertThrows(DataFormatException.class,
                () -> TextClassificationReaders.csv(single, "text", "label", new BadRows(false)));
        assertTrue(oneClass.getMessage().contains("the label column 'label' has a single class 'spam' in all 3 rows"),
                oneClass.getMessage());

        Path headerOnly = write("header.csv", "");
        assertTrue(assertThrows(DataFormatException.class,
                () -> TextClassificationReaders.csv(headerOnly, "text", "label", new BadRows(false)))
                .getMessage().contains("empty file"));
    }

    @Test
    void aclImdbLayout() throws IOException {
        write("aclImdb/train/pos/0_9.txt", "A joy.");
        write("aclImdb/train/pos/1_8.txt", "Loved it.");
        write("aclImdb/train/neg/0_2.txt", "Awful.");
        write("aclImdb/train/neg/urls.lst", "not a review");
        ClassificationDataset dataset = TextClassificationReaders.aclImdb(directory.resolve("aclImdb"), "train");
        assertEquals(List.of("neg", "pos"), dataset.labels());
        assertEquals(List.of(new TextExample("Awful.", "neg"), new TextExample("A joy.", "pos"),
                new TextExample("Loved it.", "pos")), dataset.examples());
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> TextClassificationReaders.aclImdb(directory.resolve("aclImdb"), "test"));
        assertTrue(e.getMessage().contains("expected the aclImdb layout"), e.getMessage());
    }

    @Test
    void spamAssassinLayoutLabelsByFolderAndStripsHeaders() throws IOException {
        write("pkg/data/easy-ham-1/00001.a.txt", "From: a@b\nSubject: hi\n\nBody one\n\nmore");
        write("pkg/data/easy-ham-1/00001.a.json", "{}");
        write("pkg/data/hard-ham-1/00002.b.txt", "Subject: x\r\n\r\nBody two");
        write("pkg/data/spam-2/00003.c.txt", "Subject: win\n\nBUY NOW");
        write("pkg/data/file_list.json", "[]");
        ClassificationDataset dataset = TextClassificationReaders.spamAssassin(directory.resolve("pkg"));
        assertEquals(List.of(new TextExample("Body one\n\nmore", "ham"), new TextExample("Body two", "ham"),
                new TextExample("BUY NOW", "spam")), dataset.examples());

        write("pkg/data/other-1/x.txt", "Subject: ?\n\n?");
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> TextClassificationReaders.spamAssassin(directory.resolve("pkg")));
        assertTrue(e.getMessage().contains("expected easy-ham-*, hard-ham-* or spam-*"), e.getMessage());
    }
}
