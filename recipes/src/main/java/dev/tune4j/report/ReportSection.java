package dev.tune4j.report;

import java.util.List;

/**
 * A titled section of the report after the results, rendered the same way in Markdown and HTML: paragraphs and
 * tables, in order.
 *
 * @param title the section heading
 * @param parts its paragraphs and tables, in order
 */
record ReportSection(String title, List<Part> parts) {
    /** Keeps an unmodifiable copy of the parts. */
    ReportSection {
        parts = List.copyOf(parts);
    }

    /** A paragraph or a table of a section. */
    sealed interface Part permits Paragraph, Table {}

    /** A paragraph of plain text. */
    record Paragraph(String text) implements Part {}

    /**
     * A table under a sub-heading.
     *
     * @param title the sub-heading
     * @param table the cells
     */
    record Table(String title, TextTable table) implements Part {}
}
