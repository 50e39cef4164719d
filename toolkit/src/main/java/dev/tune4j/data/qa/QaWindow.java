package dev.tune4j.data.qa;

/**
 * One model input of extractive QA: {@code [CLS] question [SEP] context-window [SEP]}, with the answer's token
 * positions inside it, or both at the {@code [CLS]} index 0 when the window does not contain the whole answer or the
 * question is unanswerable.
 *
 * @param exampleId the question id this window belongs to (a long context gives several windows)
 * @param ids token ids
 * @param tokenTypeIds 0 for {@code [CLS]}, the question and its {@code [SEP]}; 1 for the context and the last
 *     {@code [SEP]}
 * @param startPosition index of the answer's first token, 0 ({@code [CLS]}) when there is none in this window
 * @param endPosition index of the answer's last token (inclusive), 0 when there is none
 * @param contextOffset index of the window's first context token
 * @param charStarts for each context token of the window, its first character in the context
 * @param charEnds for each context token of the window, the character just past it
 */
public record QaWindow(String exampleId, long[] ids, long[] tokenTypeIds, int startPosition, int endPosition,
        int contextOffset, int[] charStarts, int[] charEnds) {

    /** Checks lengths and positions. */
    public QaWindow {
        if (ids.length != tokenTypeIds.length || charStarts.length != charEnds.length
                || contextOffset + charStarts.length >= ids.length) {
            throw new IllegalArgumentException("inconsistent window of " + exampleId);
        }
        if (startPosition < 0 || endPosition < startPosition || endPosition >= ids.length
                || (startPosition == 0) != (endPosition == 0)) {
            throw new IllegalArgumentException("answer positions " + startPosition + ".." + endPosition
                    + " of a window of " + ids.length + " tokens (" + exampleId + ")");
        }
    }

    /** Whether this window holds the answer (positions are not the {@code [CLS]} index). */
    public boolean hasAnswer() {
        return startPosition != 0;
    }

    /**
     * The context text of predicted token positions {@code start..end} (inclusive), or "" when they do not both fall
     * on context tokens of this window or {@code end < start} (a prediction of "no answer").
     */
    public String answerText(String context, int start, int end) {
        int first = start - contextOffset;
        int last = end - contextOffset;
        if (first < 0 || last < first || last >= charStarts.length) {
            return "";
        }
        return context.substring(charStarts[first], charEnds[last]);
    }
}
