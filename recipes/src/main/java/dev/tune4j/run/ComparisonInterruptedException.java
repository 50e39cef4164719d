package dev.tune4j.run;

/**
 * A comparison stopped by SIGINT or SIGTERM before its report: the running child was stopped after its checkpoint
 * (status {@code interrupted}) and no other run started; {@code tune4j compare ... --resume} continues it.
 */
public final class ComparisonInterruptedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The comparison was stopped. */
    public ComparisonInterruptedException() {
        super("the comparison was stopped by a signal before its report; continue it with tune4j compare ... --resume");
    }
}
