package dev.tune4j.data.qa;

import java.util.Objects;

/**
 * One gold answer span of an extractive QA example.
 *
 * @param text the answer as it appears in the context
 * @param start its character offset in the context
 */
public record QaAnswer(String text, int start) {
    /** Checks the parts. */
    public QaAnswer {
        Objects.requireNonNull(text, "text");
        if (start < 0) {
            throw new IllegalArgumentException("answer_start must be >= 0, got " + start);
        }
    }

    /** The character offset just past the answer. */
    public int end() {
        return start + text.length();
    }
}
