package dev.tune4j.data.fetch;

import java.io.PrintWriter;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Receives what a fetch or an import is doing: one line per stage, from what is fetched and from which package
 * ("fetching npm package …", "checking sha256 …", "unpacking …") to how long it took ("fetched … in 4.2 s"), or that
 * an earlier fetch is reused; and, within a stage that moves bytes, how far it is. A command line shows a progress
 * bar on a terminal and plain lines otherwise.
 */
public interface FetchProgress {
    /** Reports nothing. */
    FetchProgress SILENT = new FetchProgress() {
        @Override
        public void stage(String description) {}

        @Override
        public void bytes(long done, long total) {}
    };

    /**
     * Stage lines to {@code out}, each after {@code prefix} and flushed at once; byte progress is not shown. For
     * logs and run output, where a progress bar would only add noise.
     */
    static FetchProgress lines(PrintWriter out, String prefix) {
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(prefix, "prefix");
        return stages(description -> {
            out.println(prefix + description);
            out.flush();
        });
    }

    /** Each stage line to {@code stageLines}; byte progress is not reported. */
    static FetchProgress stages(Consumer<String> stageLines) {
        Objects.requireNonNull(stageLines, "stageLines");
        return new FetchProgress() {
            @Override
            public void stage(String description) {
                stageLines.accept(description);
            }

            @Override
            public void bytes(long done, long total) {}
        };
    }

    /** A new stage starts, or the fetch ended (its last line says how long it took). */
    void stage(String description);

    /**
     * Progress within the current stage.
     *
     * @param done bytes processed so far
     * @param total bytes in all, or -1 when unknown
     */
    void bytes(long done, long total);
}
