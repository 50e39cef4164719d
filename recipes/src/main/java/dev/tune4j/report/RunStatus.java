package dev.tune4j.report;

import java.util.Arrays;
import java.util.Locale;

/** How a run ended, as the {@code "status"} of its {@code summary.json}. */
public enum RunStatus {
    /** Every planned step ran. */
    COMPLETED,
    /** The loss became non-finite; the metrics stop at the last good step. */
    DIVERGED,
    /** The run stopped with an error (or left no {@code summary.json}). */
    FAILED;

    /** The name in {@code summary.json}: {@code completed}, {@code diverged}, {@code failed}. */
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
