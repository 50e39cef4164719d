package dev.tune4j.data.classification;

import java.util.Objects;

/**
 * One labelled text.
 *
 * @param text the text to classify (may be empty)
 * @param label the class name as the data spells it, non-blank
 */
public record TextExample(String text, String label) {
    /** Checks both parts. */
    public TextExample {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(label, "label");
        if (label.isBlank()) {
            throw new IllegalArgumentException("label must not be blank (text starts with '"
                    + text.substring(0, Math.min(40, text.length())) + "')");
        }
    }
}
