package dev.tune4j.runfiles;

import java.util.Arrays;
import java.util.Locale;

/** How a run ended, as the {@code "status"} of its {@code summary.json}. */
public enum RunStatus {
    /** Every planned step ran. */
    COMPLETED,
    /** The loss became non-finite; the metrics stop at the last good step. */
    DIVERGED,
    /** The run stopped with an error (or left no {@code summary.json}). */
    FAILED,
    /**
     * The run never trained: its input was refused while the model was built (NaN or infinite checkpoint weights, a
     * checkpoint that does not fit the model). Unlike {@link #DIVERGED}, no optimizer step is to blame.
     */
    BAD_INPUT,
    /**
     * The run was stopped by SIGTERM or SIGINT before its last step, after writing a checkpoint; {@code --resume}
     * continues it. Not a result: the report counts it with neither the completed nor the failed runs' causes.
     */
    INTERRUPTED;

    /**
     * The name in {@code summary.json}: {@code completed}, {@code diverged}, {@code failed}, {@code bad_input},
     * {@code interrupted}.
     */
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The status named {@code name} in {@code summary.json}, or an exception listing the known names. */
    public static RunStatus fromJsonName(String name) {
        for (RunStatus status : values()) {
            if (status.jsonName().equals(name)) {
                return status;
            }
        }
        throw new IllegalArgumentException("unknown status '" + name + "'; expected one of "
                + Arrays.stream(values()).map(RunStatus::jsonName).toList());
    }
}
