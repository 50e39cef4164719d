package dev.tune4j.report;

/**
 * One rendered chart of a report.
 *
 * @param fileName the PNG file name, e.g. {@code loss-vs-step.png}
 * @param title what the chart shows, used as its caption and alt text
 * @param png the PNG bytes
 */
public record ChartImage(String fileName, String title, byte[] png) {}
