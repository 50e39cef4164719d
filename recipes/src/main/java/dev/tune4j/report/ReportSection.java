package dev.tune4j.report;

import java.util.List;

/**
 * A titled section of the report after the results, rendered the same way in Markdown and HTML: paragraphs, tables
 * and charts, in order.
 *
 * @param title the section heading
 * @param parts its paragraphs, tables and charts, in order
 */
record ReportSection(String title, List<Part> parts) {
    /** Keeps an unmodifiable copy of the parts. */
    ReportSection {
        parts = List.copyOf(parts);
    }

    /** A paragraph, a table or a chart of a section. */
    sealed interface Part permits Paragraph, Table, Chart {}

    /** A paragraph of plain text. */
    record Paragraph(String text) implements Part {}

    /**
     * A table under a sub-heading.
     *
     * @param title the sub-heading
     * @param table the cells
     */
    record Table(String title, TextTable table) implements Part {}

    /**
     * A chart, written as a PNG beside the others under {@value ReportDocument#CHART_FOLDER}.
     *
     * @param image the chart
     */
    record Chart(ChartImage image) implements Part {}

    /** The charts of this section, in order. */
    List<ChartImage> charts() {
        return parts.stream().filter(Chart.class::isInstance).map(part -> ((Chart) part).image()).toList();
    }
}
