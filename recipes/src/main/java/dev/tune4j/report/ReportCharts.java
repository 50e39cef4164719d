package dev.tune4j.report;

import dev.tune4j.runfiles.MetricKeys;
import dev.tune4j.task.TrivialBaseline;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.SequencedMap;
import java.util.function.Function;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The PNG charts of a report, drawn with XChart without a display ({@code java.awt.headless} is set to true unless
 * already set). Every variant keeps one colour across all charts.
 *
 * <ul>
 *   <li>Training loss against step and against wall time, and evaluation loss against step: the mean over completed
 *       seeds as a line, with a band of ±1 sample standard deviation in the same colour, translucent. The y axis is
 *       logarithmic when every band stays positive and spans more than a factor of 10, linear otherwise. The
 *       evaluation-loss chart also draws each trivial baseline that has an {@code eval_loss} (a classifier's class
 *       prior, a language model's unigram and bigram) as a dashed, labelled horizontal line across the evaluated steps.
 *   <li>Optimizer-state bytes, peak RSS and tokens/s per variant: bars of the mean with ±1 std error bars (none
 *       when no variant has any spread), bytes in the binary unit that suits the largest bar.
 * </ul>
 *
 * A chart is left out when no variant has data for it.
 */
public final class ReportCharts {
    /** Training loss against step. */
    public static final String LOSS_BY_STEP = "loss-vs-step.png";
    /** Training loss against wall time. */
    public static final String LOSS_BY_TIME = "loss-vs-time.png";
    /** Evaluation loss against step. */
    public static final String EVAL_LOSS_BY_STEP = "eval-loss-vs-step.png";
    /** Optimizer state bytes per variant. */
    public static final String OPTIMIZER_STATE = "optimizer-state.png";
    /** Peak RSS per variant. */
    public static final String PEAK_RSS = "peak-rss.png";
    /** Tokens per second per variant. */
    public static final String TOKENS_PER_SECOND = "tokens-per-second.png";
    /** Every chart file name, in report order. */
    public static final List<String> FILE_NAMES =
            List.of(LOSS_BY_STEP, LOSS_BY_TIME, EVAL_LOSS_BY_STEP, OPTIMIZER_STATE, PEAK_RSS, TOKENS_PER_SECOND);

    private static final int WIDTH = 960;
    private static final int HEIGHT = 560;
    private static final int BAND_ALPHA = 56;
    private static final int MARKERS_BELOW_POINTS = 30;
    private static final double LOG_SCALE_SPAN = 10;
    /** Okabe and Ito's colour-blind-safe palette (yellow left out: too pale on white), then grey and black. */
    private static final List<Color> PALETTE = List.of(new Color(0x0072B2), new Color(0xE69F00),
            new Color(0x009E73), new Color(0xCC79A7), new Color(0xD55E00), new Color(0x56B4E9), new Color(0x7F7F7F),
            new Color(0x000000));
    /** Points per drawn curve; longer curves are averaged down (XChart's time grows faster than linearly). */
    static final int MAX_CHART_POINTS = 2000;
    private static final String[] BYTE_UNITS = {"B", "KiB", "MiB", "GiB", "TiB"};

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private ReportCharts() {}

    /** Every task's loss is a mean cross-entropy in nats (classification, next token, answer start and end). */
    private static final String LOSS_UNIT = "%s (cross-entropy, nats)";

    /** The charts of {@code comparison} that have data, in report order. */
    public static List<ChartImage> draw(Comparison comparison) {
        List<ChartImage> charts = new ArrayList<>();
        line(comparison, LOSS_BY_STEP, "Training loss by step (mean ± 1 std over seeds)", "optimizer step",
                LOSS_UNIT.formatted("training loss"), VariantCurves::lossByStep).ifPresent(charts::add);
        line(comparison, LOSS_BY_TIME, "Training loss by wall time (mean ± 1 std over seeds)",
                "training seconds (mean over seeds)", LOSS_UNIT.formatted("training loss"), VariantCurves::lossByTime)
                .ifPresent(charts::add);
        line(comparison, EVAL_LOSS_BY_STEP, "Evaluation loss by step (mean ± 1 std over seeds)", "optimizer step",
                LOSS_UNIT.formatted("evaluation loss"), VariantCurves::evalLossByStep,
                baselineLines(comparison, MetricKeys.EVAL_LOSS, VariantCurves::evalLossByStep)).ifPresent(charts::add);
        bars(comparison, OPTIMIZER_STATE, "Optimizer state per variant", "optimizer state",
                VariantStatistics::optimizerStateBytes, true).ifPresent(charts::add);
        bars(comparison, PEAK_RSS, "Peak resident memory (RSS) per variant", "peak RSS",
                VariantStatistics::peakRssBytes, true).ifPresent(charts::add);
        bars(comparison, TOKENS_PER_SECOND, "Training throughput per variant", "tokens/s",
                VariantStatistics::tokensPerSecond, false).ifPresent(charts::add);
        return charts;
    }

    private static Optional<ChartImage> line(Comparison comparison, String fileName, String title,
            String xTitle, String yTitle, Function<VariantCurves, Curve> curveOf) {
        return line(comparison, fileName, title, xTitle, yTitle, curveOf, List.of());
    }

    /** A line chart of every variant's curve, then the reference lines; none when no variant has a point. */
    private static Optional<ChartImage> line(Comparison comparison, String fileName, String title,
            String xTitle, String yTitle, Function<VariantCurves, Curve> curveOf, List<Series> references) {
        List<VariantResult> variants = comparison.variants();
        if (variants.stream().allMatch(v -> curveOf.apply(v.curves()).isEmpty())) {
            return Optional.empty();
        }
        List<Series> series = new ArrayList<>();
        for (int i = 0; i < variants.size(); i++) {
            series.add(new Series(variants.get(i).name(), i, curveOf.apply(variants.get(i).curves()), false));
        }
        series.addAll(references);
        return Optional.of(lines(fileName, title, xTitle, yTitle, series, logScale(variants, curveOf)));
    }

    /**
     * A dashed horizontal line per trivial baseline that has {@code metric}, across the x range of the variants'
     * curves, labelled {@code <name> baseline (<value>)}; colours continue after the variants'.
     */
    static List<Series> baselineLines(Comparison comparison, String metric, Function<VariantCurves, Curve> curveOf) {
        double first = Double.POSITIVE_INFINITY;
        double last = Double.NEGATIVE_INFINITY;
        for (VariantResult variant : comparison.variants()) {
            Curve curve = curveOf.apply(variant.curves());
            if (!curve.isEmpty()) {
                first = Math.min(first, curve.x().getFirst());
                last = Math.max(last, curve.x().getLast());
            }
        }
        List<Series> lines = new ArrayList<>();
        if (first > last) {
            return lines;
        }
        for (TrivialBaseline baseline : comparison.baselines()) {
            Double value = baseline.metrics().get(metric);
            if (value != null) {
                lines.add(new Series(baseline.name() + " baseline (" + ReportFormat.number(value) + ")",
                        comparison.variants().size() + lines.size(),
                        new Curve(List.of(first, last), List.of(value, value), List.of(0.0, 0.0)), true));
            }
        }
        return lines;
    }

    /**
     * A curve to draw: its mean as a line and, when it has spread, a band of ±1 std in the same colour.
     *
     * @param name the legend entry
     * @param variantIndex the variant's position in the comparison, which picks its colour
     * @param curve the curve; an empty one is skipped
     * @param dashed a dashed line without markers (bounds and other reference lines)
     */
    record Series(String name, int variantIndex, Curve curve, boolean dashed) {}

    /** A line chart of {@code series}, each thinned to {@value #MAX_CHART_POINTS} points. */
    static ChartImage lines(String fileName, String title, String xTitle, String yTitle, List<Series> series,
            boolean logarithmic) {
        return lines(fileName, title, xTitle, yTitle, series, logarithmic, false);
    }

    /** {@link #lines(String, String, String, String, List, boolean)}, with the x axis on a log scale if asked. */
    static ChartImage lines(String fileName, String title, String xTitle, String yTitle, List<Series> series,
            boolean logarithmic, boolean xLogarithmic) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle)
                .yAxisTitle(yTitle).build();
        style(chart.getStyler());
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setYAxisLogarithmic(logarithmic);
        chart.getStyler().setXAxisLogarithmic(xLogarithmic);
        for (Series line : series) {
            Curve curve = line.curve().thinned(MAX_CHART_POINTS);
            if (curve.isEmpty()) {
                continue;
            }
            Color colour = colour(line.variantIndex());
            if (curve.std().stream().anyMatch(std -> std > 0)) {
                List<Double> xs = new ArrayList<>(curve.x());
                List<Double> ys = new ArrayList<>();
                List<Double> reversedX = new ArrayList<>(curve.x());
                Collections.reverse(reversedX);
                xs.addAll(reversedX);
                for (int p = 0; p < curve.x().size(); p++) {
                    ys.add(curve.mean().get(p) + curve.std().get(p));
                }
                for (int p = curve.x().size() - 1; p >= 0; p--) {
                    ys.add(curve.mean().get(p) - curve.std().get(p));
                }
                XYSeries band = chart.addSeries(line.name() + " ±1 std", xs, ys);
                band.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.PolygonArea);
                band.setFillColor(new Color(colour.getRed(), colour.getGreen(), colour.getBlue(), BAND_ALPHA));
                band.setLineColor(new Color(0, 0, 0, 0));
                band.setMarker(SeriesMarkers.NONE);
                band.setShowInLegend(false);
            }
            XYSeries mean = chart.addSeries(line.name(), curve.x(), curve.mean());
            mean.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            mean.setLineColor(colour);
            mean.setMarkerColor(colour);
            if (line.dashed()) {
                mean.setLineStyle(SeriesLines.DASH_DASH);
                mean.setMarker(SeriesMarkers.NONE);
            } else {
                mean.setMarker(curve.x().size() < MARKERS_BELOW_POINTS ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
            }
        }
        return new ChartImage(fileName, title, png(chart));
    }

    /** Logarithmic when every band is positive and the bands span more than {@value #LOG_SCALE_SPAN} times. */
    private static boolean logScale(List<VariantResult> variants, Function<VariantCurves, Curve> curveOf) {
        double lowest = Double.POSITIVE_INFINITY;
        double highest = Double.NEGATIVE_INFINITY;
        for (VariantResult variant : variants) {
            Curve curve = curveOf.apply(variant.curves());
            for (int p = 0; p < curve.x().size(); p++) {
                lowest = Math.min(lowest, curve.mean().get(p) - curve.std().get(p));
                highest = Math.max(highest, curve.mean().get(p) + curve.std().get(p));
            }
        }
        return lowest > 0 && highest / lowest > LOG_SCALE_SPAN;
    }

    private static Optional<ChartImage> bars(Comparison comparison, String fileName, String title,
            String yTitle, Function<VariantStatistics, SeedSpread> statistic, boolean bytes) {
        List<VariantResult> shown = comparison.variants().stream()
                .filter(variant -> statistic.apply(variant.statistics()) != null).toList();
        if (shown.isEmpty()) {
            return Optional.empty();
        }
        double largest = shown.stream().mapToDouble(v -> statistic.apply(v.statistics()).mean()).max().orElseThrow();
        int unit = 0;
        while (bytes && largest >= 1024 && unit < BYTE_UNITS.length - 1) {
            largest /= 1024;
            unit++;
        }
        double scale = Math.pow(1024, unit);
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle("variant")
                .yAxisTitle(bytes ? yTitle + " (" + BYTE_UNITS[unit] + ")" : yTitle).build();
        style(chart.getStyler());
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setOverlapped(true);
        chart.getStyler().setErrorBarsColor(Color.BLACK);
        if (shown.size() > 4) {
            chart.getStyler().setXAxisLabelRotation(20);
        }
        List<String> names = shown.stream().map(VariantResult::name).toList();
        // XChart draws a tick even for a zero error bar; leave them out when there is no spread to show
        boolean errorBars = shown.stream().anyMatch(v -> statistic.apply(v.statistics()).std() > 0);
        for (int i = 0; i < shown.size(); i++) {
            VariantResult variant = shown.get(i);
            SeedSpread spread = statistic.apply(variant.statistics());
            List<Double> values = new ArrayList<>(Collections.nCopies(names.size(), 0.0));
            List<Double> errors = new ArrayList<>(Collections.nCopies(names.size(), 0.0));
            values.set(i, spread.mean() / scale);
            errors.set(i, spread.std() / scale);
            CategorySeries series = errorBars ? chart.addSeries(variant.name(), names, values, errors)
                    : chart.addSeries(variant.name(), names, values);
            series.setFillColor(colour(comparison.variants().indexOf(variant)));
        }
        return Optional.of(new ChartImage(fileName, title, png(chart)));
    }

    /**
     * Stacked bars of byte counts: one bar per category, one segment per part, each part in its own palette colour;
     * bytes in the binary unit that suits the tallest bar.
     *
     * @param categories the bars, left to right
     * @param parts each part's name (the legend) and its bytes per category, bottom to top; none negative
     */
    static ChartImage stackedBytes(String fileName, String title, String yTitle, List<String> categories,
            SequencedMap<String, List<Double>> parts) {
        double tallest = 0;
        for (int c = 0; c < categories.size(); c++) {
            int category = c;
            tallest = Math.max(tallest, parts.values().stream().mapToDouble(values -> values.get(category)).sum());
        }
        int unit = 0;
        while (tallest >= 1024 && unit < BYTE_UNITS.length - 1) {
            tallest /= 1024;
            unit++;
        }
        double scale = Math.pow(1024, unit);
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle("variant")
                .yAxisTitle(yTitle + " (" + BYTE_UNITS[unit] + ")").build();
        style(chart.getStyler());
        chart.getStyler().setStacked(true);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        if (categories.size() > 4) {
            chart.getStyler().setXAxisLabelRotation(20);
        }
        int index = 0;
        for (var part : parts.entrySet()) {
            List<Double> values = part.getValue().stream().map(bytes -> {
                if (bytes < 0) {
                    throw new IllegalArgumentException(part.getKey() + " has negative bytes: " + bytes);
                }
                return bytes / scale;
            }).toList();
            chart.addSeries(part.getKey(), categories, values).setFillColor(colour(index++));
        }
        return new ChartImage(fileName, title, png(chart));
    }

    private static void style(Styler styler) {
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 20));
        styler.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 15));
        styler.setLegendBackgroundColor(new Color(255, 255, 255, 220));
        styler.setAntiAlias(true);
        if (styler instanceof AxesChartStyler axes) {
            axes.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 17));
            axes.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        }
    }

    private static Color colour(int variantIndex) {
        return PALETTE.get(variantIndex % PALETTE.size());
    }

    private static byte[] png(Chart<?, ?> chart) {
        try {
            return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("could not encode the chart as PNG", e);
        }
    }
}
