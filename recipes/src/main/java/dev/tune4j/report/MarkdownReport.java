package dev.tune4j.report;

import java.util.List;

/** Renders a {@link ReportDocument} as {@code report.md}, with the charts linked as relative PNG files. */
final class MarkdownReport {
    private MarkdownReport() {}

    static String render(ReportDocument document) {
        StringBuilder md = new StringBuilder();
        md.append("# ").append(inline(document.title())).append("\n\n");
        if (document.description() != null && !document.description().isBlank()) {
            md.append(document.description().strip()).append("\n\n");
        }
        md.append(document.setup()).append("\n\n");
        md.append("## Runs\n\n");
        table(md, document.runMatrix());
        md.append("\n## Results\n\n");
        table(md, document.results());
        md.append('\n').append(document.conclusion()).append("\n\n");
        md.append('*').append(document.definitions()).append("*\n");
        for (ReportSection section : document.sections()) {
            md.append("\n## ").append(inline(section.title())).append('\n');
            for (ReportSection.Part part : section.parts()) {
                switch (part) {
                    case ReportSection.Paragraph paragraph -> md.append('\n').append(inline(paragraph.text()))
                            .append('\n');
                    case ReportSection.Table table -> {
                        md.append("\n### ").append(inline(table.title())).append("\n\n");
                        table(md, table.table());
                    }
                    case ReportSection.Chart chart -> charts(md, List.of(chart.image()));
                }
            }
        }
        if (!document.charts().isEmpty()) {
            md.append("\n## Charts\n");
            charts(md, document.charts());
        }
        return md.toString();
    }

    private static void charts(StringBuilder md, List<ChartImage> charts) {
        for (ChartImage chart : charts) {
            md.append("\n### ").append(chart.title()).append("\n\n")
                    .append("![").append(chart.title()).append("](")
                    .append(ReportDocument.CHART_FOLDER).append('/').append(chart.fileName()).append(")\n");
        }
    }

    private static void table(StringBuilder md, TextTable table) {
        row(md, table.header());
        md.append('|').append(" --- |".repeat(table.header().size())).append('\n');
        table.rows().forEach(row -> row(md, row));
    }

    private static void row(StringBuilder md, List<String> cells) {
        md.append('|');
        cells.forEach(cell -> md.append(' ').append(cell(cell)).append(" |"));
        md.append('\n');
    }

    /** A table cell: pipes escaped, on one line. */
    private static String cell(String text) {
        return inline(text).replace("|", "\\|");
    }

    private static String inline(String text) {
        return text.replaceAll("\\s*\\R\\s*", " ");
    }
}
