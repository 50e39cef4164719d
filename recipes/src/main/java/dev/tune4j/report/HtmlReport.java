package dev.tune4j.report;

import java.util.Base64;
import java.util.List;

/**
 * Renders a {@link ReportDocument} as a self-contained {@code report.html}: inline CSS, the charts embedded as
 * base64 {@code data:image/png} URIs, every text escaped.
 */
final class HtmlReport {
    private static final String STYLE = """
            body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 80rem; padding: 0 1rem;
                   color: #1b1b1b; line-height: 1.45; }
            table { border-collapse: collapse; margin: 1rem 0; font-size: 0.92rem; }
            th, td { border: 1px solid #c8c8c8; padding: 0.3rem 0.6rem; text-align: left; vertical-align: top; }
            th { background: #f0f0f0; }
            tbody tr:nth-child(even) { background: #fafafa; }
            .conclusion { font-weight: 600; }
            .definitions { color: #555; font-size: 0.88rem; }
            figure { margin: 1.5rem 0; }
            img { max-width: 100%; height: auto; border: 1px solid #e0e0e0; }
            """;

    private HtmlReport() {}

    static String render(ReportDocument document) {
        StringBuilder html = new StringBuilder();
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
                .append(escape(document.title())).append("</title>\n<style>\n").append(STYLE)
                .append("</style>\n</head>\n<body>\n");
        html.append("<h1>").append(escape(document.title())).append("</h1>\n");
        if (document.description() != null && !document.description().isBlank()) {
            html.append("<p>").append(escape(document.description().strip())).append("</p>\n");
        }
        html.append("<p>").append(escape(document.setup())).append("</p>\n");
        html.append("<h2>Runs</h2>\n");
        table(html, document.runMatrix());
        html.append("<h2>Results</h2>\n");
        table(html, document.results());
        html.append("<p class=\"conclusion\">").append(escape(document.conclusion())).append("</p>\n");
        html.append("<p class=\"definitions\">").append(escape(document.definitions())).append("</p>\n");
        for (ReportSection section : document.sections()) {
            html.append("<h2>").append(escape(section.title())).append("</h2>\n");
            for (ReportSection.Part part : section.parts()) {
                switch (part) {
                    case ReportSection.Paragraph paragraph -> html.append("<p>").append(escape(paragraph.text()))
                            .append("</p>\n");
                    case ReportSection.Table table -> {
                        html.append("<h3>").append(escape(table.title())).append("</h3>\n");
                        table(html, table.table());
                    }
                    case ReportSection.Chart chart -> charts(html, List.of(chart.image()));
                }
            }
        }
        if (!document.charts().isEmpty()) {
            html.append("<h2>Charts</h2>\n");
            charts(html, document.charts());
        }
        html.append("</body>\n</html>\n");
        return html.toString();
    }

    private static void charts(StringBuilder html, List<ChartImage> charts) {
        for (ChartImage chart : charts) {
            html.append("<figure>\n<img alt=\"").append(escape(chart.title()))
                    .append("\" src=\"data:image/png;base64,")
                    .append(Base64.getEncoder().encodeToString(chart.png())).append("\">\n<figcaption>")
                    .append(escape(chart.title())).append("</figcaption>\n</figure>\n");
        }
    }

    private static void table(StringBuilder html, TextTable table) {
        html.append("<table>\n<thead>\n");
        row(html, table.header(), "th");
        html.append("</thead>\n<tbody>\n");
        table.rows().forEach(row -> row(html, row, "td"));
        html.append("</tbody>\n</table>\n");
    }

    private static void row(StringBuilder html, List<String> cells, String tag) {
        html.append("<tr>");
        cells.forEach(cell -> html.append('<').append(tag).append('>').append(escape(cell))
                .append("</").append(tag).append('>'));
        html.append("</tr>\n");
    }

    /** Text for element content and attribute values: {@code & < > " '} replaced by entities. */
    static String escape(String text) {
        StringBuilder escaped = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> escaped.append("&amp;");
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '"' -> escaped.append("&quot;");
                case '\'' -> escaped.append("&#39;");
                default -> escaped.append(c);
            }
        }
        return escaped.toString();
    }
}
