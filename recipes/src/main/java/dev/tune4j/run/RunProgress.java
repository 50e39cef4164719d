package dev.tune4j.run;

import java.io.PrintWriter;
import java.time.Duration;
import me.tongfei.progressbar.ProgressBar;

/**
 * Shows a run's progress: on a terminal a bar with ETA and the current loss; otherwise (logs, pipes, CI) a plain line
 * every tenth of the run or every 30 seconds, whichever comes first, and one for the last step.
 */
final class RunProgress implements AutoCloseable {
    private static final long LINE_EVERY_NANOS = Duration.ofSeconds(30).toNanos();

    private final PrintWriter out;
    private final String name;
    private final long totalSteps;
    private final ProgressBar bar;
    private final long started = System.nanoTime();
    private long lastLine = System.nanoTime();
    private long lastLineStep;

    RunProgress(PrintWriter out, String name, long totalSteps) {
        this.out = out;
        this.name = name;
        this.totalSteps = totalSteps;
        this.bar = Terminal.attached()
                ? Terminal.bar(name, totalSteps).setUpdateIntervalMillis(500).continuousUpdate().build()
                : null;
    }

    /** Step {@code step} (1-based) finished with {@code loss}. */
    void step(long step, double loss, double tokensPerSecond) {
        if (bar != null) {
            bar.stepTo(step);
            bar.setExtraMessage(String.format("loss %.4f", loss));
            return;
        }
        long now = System.nanoTime();
        boolean tenth = step - lastLineStep >= Math.max(1, totalSteps / 10);
        if (tenth || now - lastLine >= LINE_EVERY_NANOS || step == totalSteps) {
            double elapsed = (now - started) / 1e9;
            double eta = elapsed / step * (totalSteps - step);
            out.printf("tune4j: %s step %d/%d loss %.4f, %.0f tokens/s, %s elapsed, ETA %s%n", name, step, totalSteps,
                    loss, tokensPerSecond, seconds(elapsed), seconds(eta));
            out.flush();
            lastLine = now;
            lastLineStep = step;
        }
    }

    /** A line that must not be lost under the bar (evaluation results, divergence). */
    void message(String line) {
        if (bar != null) {
            bar.pause();
        }
        out.println("tune4j: " + name + " " + line);
        out.flush();
        if (bar != null) {
            bar.resume();
        }
    }

    private static String seconds(double seconds) {
        long whole = Math.round(seconds);
        return whole >= 60 ? (whole / 60) + "m" + String.format("%02d", whole % 60) + "s" : whole + "s";
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
