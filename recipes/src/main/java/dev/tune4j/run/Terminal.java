package dev.tune4j.run;

import java.io.Console;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Where tune4j's output goes: an interactive terminal gets progress bars (redrawn in place), anything else (a log
 * file, a pipe, CI, a test) gets plain lines that read well when kept.
 */
public final class Terminal {
    private Terminal() {}

    /** Whether standard output is an interactive terminal. */
    public static boolean attached() {
        Console console = System.console();
        return console != null && console.isTerminal();
    }

    /** A bar for {@code task} up to {@code max}, in tune4j's one style (ASCII, so every terminal font shows it). */
    public static ProgressBarBuilder bar(String task, long max) {
        return new ProgressBarBuilder().setTaskName(task).setInitialMax(max).setStyle(ProgressBarStyle.ASCII)
                .setMaxRenderedLength(120);
    }
}
