package dev.tune4j.run;

import java.util.function.LongPredicate;

/**
 * How {@link RecipeRunner#run} starts and when it stops early, besides SIGTERM and SIGINT (which always stop a run at
 * the next step boundary with a checkpoint).
 *
 * @param resume continue from the run directory's newest valid checkpoint (start over when there is none) instead of
 *     replacing what an earlier run left
 * @param stopAfterStep asked after every finished step (1-based); true stops the run there as a signal would: a
 *     checkpoint, then the summary with status {@code interrupted}
 */
public record RunControl(boolean resume, LongPredicate stopAfterStep) {
    /** A fresh run that stops only at its end or on a signal. */
    public static final RunControl FRESH = new RunControl(false, step -> false);
    /** A resumed run that stops only at its end or on a signal. */
    public static final RunControl RESUME = new RunControl(true, step -> false);

    /** {@link #FRESH} or {@link #RESUME}. */
    public static RunControl of(boolean resume) {
        return resume ? RESUME : FRESH;
    }
}
