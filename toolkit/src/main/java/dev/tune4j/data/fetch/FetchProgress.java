package dev.tune4j.data.fetch;

/**
 * Receives what a fetch is doing: named stages ("npm pack …", "checking sha256 …", "unpacking …") and, within a
 * stage that moves bytes, how far it is. A command line shows a progress bar on a terminal and plain lines otherwise.
 */
public interface FetchProgress {
    /** Reports nothing. */
    FetchProgress SILENT = new FetchProgress() {
        @Override
        public void stage(String description) {}

        @Override
        public void bytes(long done, long total) {}
    };

    /** A new stage starts. */
    void stage(String description);

    /**
     * Progress within the current stage.
     *
     * @param done bytes processed so far
     * @param total bytes in all, or -1 when unknown
     */
    void bytes(long done, long total);
}
