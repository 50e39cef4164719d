package dev.tune4j.report;

import java.util.List;

/**
 * A table of plain-text cells, rendered as Markdown or HTML by the writers (each escapes for its format).
 *
 * @param header column titles
 * @param rows rows, each with one cell per column
 */
record TextTable(List<String> header, List<List<String>> rows) {
    TextTable {
        header = List.copyOf(header);
        rows = rows.stream().map(List::copyOf).toList();
        for (List<String> row : rows) {
            if (row.size() != header.size()) {
                throw new IllegalArgumentException("row " + row + " has " + row.size() + " cells for "
                        + header.size() + " columns");
            }
        }
    }
}
