package dev.tune4j.report;

import dev.tune4j.io.OutputFiles;
import dev.tune4j.tuning.TuningRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Writes the comparison report of a runs directory into it: {@value #MARKDOWN_FILE}, {@value #HTML_FILE} (one
 * self-contained file, charts embedded), {@value #CSV_FILE}, {@value #JSON_FILE} and the chart PNGs under
 * {@code charts/}. {@code tune4j report <runs-dir>} and the runner's comparison both call {@link #write(Path)}.
 *
 * <p>Every file is written to a temporary file in its folder and then moved over the old one, so a crash leaves
 * each file either whole and old or whole and new, never half written. The charts go first and the Markdown and HTML
 * last, so a report never links a chart that is not there yet. Charts of an earlier report that this one has no data
 * for are removed.
 */
public final class Report {
    /** The Markdown report. */
    public static final String MARKDOWN_FILE = "report.md";
    /** The self-contained HTML report. */
    public static final String HTML_FILE = "report.html";
    /** One row per variant, exact values. */
    public static final String CSV_FILE = "summary.csv";
    /** Per-seed statistics and aggregates per variant. */
    public static final String JSON_FILE = "summary.json";

    private Report() {}

    /**
     * Reads {@code runsDir} ({@link ComparisonReader#read}) and writes its report into it.
     *
     * @throws ReportException when the directory holds no runs or a run's files are malformed
     * @throws IOException when a file cannot be read or written
     */
    public static WrittenReport write(Path runsDir) throws IOException {
        return write(ComparisonReader.read(runsDir));
    }

    /** Writes the report of an already read comparison into its runs directory. */
    public static WrittenReport write(Comparison comparison) throws IOException {
        Path directory = comparison.runsDir();
        Path chartFolder = directory.resolve(ReportDocument.CHART_FOLDER);
        Optional<TuningRecord> tuning = TuningRecord.read(directory);
        ReportDocument document = ReportDocument.of(comparison, ReportCharts.draw(comparison),
                OptimizerInternals.of(comparison), TuningSection.of(tuning));
        List<ChartImage> charts = document.allCharts();

        Files.createDirectories(chartFolder);
        List<Path> chartFiles = new ArrayList<>();
        for (ChartImage chart : charts) {
            chartFiles.add(writeAtomically(chartFolder.resolve(chart.fileName()), chart.png()));
        }
        for (String name : Stream.of(ReportCharts.FILE_NAMES, OptimizerInternals.FILE_NAMES,
                List.of(TuningSection.SENSITIVITY_CHART, MemoryAttribution.CHART)).flatMap(List::stream).toList()) {
            if (charts.stream().noneMatch(chart -> chart.fileName().equals(name))) {
                Files.deleteIfExists(chartFolder.resolve(name));
            }
        }
        Path csv = writeAtomically(directory.resolve(CSV_FILE), utf8(SummaryCsv.render(comparison)));
        Path json = writeAtomically(directory.resolve(JSON_FILE),
                utf8(SummaryJson.render(comparison, document.conclusion(), tuning)));
        Path markdown = writeAtomically(directory.resolve(MARKDOWN_FILE), utf8(MarkdownReport.render(document)));
        Path html = writeAtomically(directory.resolve(HTML_FILE), utf8(HtmlReport.render(document)));
        return new WrittenReport(markdown, html, csv, json, chartFiles, document.conclusion());
    }

    /** Writes {@code bytes} to a temporary file beside {@code target}, then moves it over {@code target}. */
    private static Path writeAtomically(Path target, byte[] bytes) throws IOException {
        // a name of our own rather than Files.createTempFile, whose owner-only permissions the report would keep
        Path temporary = target.resolveSibling("." + target.getFileName() + "." + ProcessHandle.current().pid()
                + ".tmp");
        try {
            Files.write(temporary, bytes);
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw OutputFiles.writeFailure(target, e);
        } finally {
            Files.deleteIfExists(temporary);
        }
        return target;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
