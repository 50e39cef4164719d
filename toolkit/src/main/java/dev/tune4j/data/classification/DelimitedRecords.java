package dev.tune4j.data.classification;

import dev.tune4j.io.InputFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Splits CSV (RFC 4180) and TSV text into records, keeping each record's first line number and any problem. */
final class DelimitedRecords {
    /**
     * One record.
     *
     * @param line the 1-based line the record starts on
     * @param fields the fields (empty when {@code problem} is set)
     * @param problem what is wrong with the record, or null
     */
    record Result(long line, List<String> fields, String problem) {}

    private DelimitedRecords() {}

    /** The records of a TSV file: one per line, split on tabs. */
    static List<Result> tsv(Path file) throws IOException {
        List<Result> records = new ArrayList<>();
        long line = 0;
        for (String text : InputFiles.readUtf8(file, "TSV data file (data.path)").lines().toList()) {
            line++;
            records.add(new Result(line, List.of(text.split("\t", -1)), null));
        }
        return records;
    }

    /** The records of a CSV file. A malformed record gets a problem and reading resumes at the next line. */
    static List<Result> csv(Path file) throws IOException {
        return parseCsv(InputFiles.readUtf8(file, "CSV data file (data.path)"));
    }

    static List<Result> parseCsv(String text) {
        List<Result> records = new ArrayList<>();
        int length = text.length();
        int position = 0;
        long line = 1;
        if (text.startsWith("\uFEFF")) {
            position = 1; // byte order mark
        }
        while (position < length) {
            long startLine = line;
            List<String> fields = new ArrayList<>();
            StringBuilder field = new StringBuilder();
            String problem = null;
            boolean endOfRecord = false;
            while (!endOfRecord) {
                if (position < length && text.charAt(position) == '"') {
                    position++;
                    boolean closed = false;
                    while (position < length) {
                        char c = text.charAt(position++);
                        if (c == '"') {
                            if (position < length && text.charAt(position) == '"') {
                                field.append('"');
                                position++;
                            } else {
                                closed = true;
                                break;
                            }
                        } else {
                            if (c == '\n') {
                                line++;
                            }
                            field.append(c);
                        }
                    }
                    if (!closed) {
                        problem = "unterminated quoted field (a \" opened on line " + startLine
                                + " is never closed); expected RFC 4180 CSV with \"\" for a quote inside quotes";
                        return withProblem(records, startLine, problem);
                    }
                    if (position < length && text.charAt(position) != ',' && text.charAt(position) != '\n'
                            && text.charAt(position) != '\r') {
                        problem = "unexpected text after a closing quote in field " + (fields.size() + 1)
                                + "; expected RFC 4180 CSV: a comma or line end after a quoted field, and \"\" for"
                                + " a quote inside quotes";
                    }
                }
                while (position < length) {
                    char c = text.charAt(position);
                    if (c == ',' || c == '\n' || c == '\r') {
                        break;
                    }
                    if (c == '"' && problem == null) {
                        problem = "a quote inside an unquoted field " + (fields.size() + 1)
                                + "; expected RFC 4180 CSV: quote the whole field and double the quote";
                    }
                    field.append(c);
                    position++;
                }
                fields.add(field.toString());
                field.setLength(0);
                if (position >= length) {
                    endOfRecord = true;
                } else {
                    char c = text.charAt(position++);
                    if (c == '\r' && position < length && text.charAt(position) == '\n') {
                        position++;
                        c = '\n';
                    }
                    if (c != ',') {
                        line++;
                        endOfRecord = true;
                    }
                }
            }
            records.add(problem == null ? new Result(startLine, List.copyOf(fields), null)
                    : new Result(startLine, List.of(), problem));
        }
        return records;
    }

    private static List<Result> withProblem(List<Result> records, long line, String problem) {
        records.add(new Result(line, List.of(), problem));
        return records;
    }
}
