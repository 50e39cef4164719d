package dev.tune4j.data.batch;

/**
 * Token ids with per-token labels of the same length: the ids themselves where the loss counts, {@code -100} where it
 * does not (a prompt, padding).
 *
 * @param ids token ids
 * @param labels per-token labels
 */
public record LabelledSequence(long[] ids, long[] labels) {
    /** Checks that both have the same, non-zero length. */
    public LabelledSequence {
        if (ids.length == 0 || ids.length != labels.length) {
            throw new IllegalArgumentException("ids and labels must have the same non-zero length, got "
                    + ids.length + " and " + labels.length);
        }
    }

    /**
     * A prompt followed by its answer, with the prompt's labels masked: the loss trains only on the answer.
     *
     * @param prompt the prompt's ids (BOS included when wanted)
     * @param answer the answer's ids (EOS included when wanted)
     * @param maxLength cap on the total length; the prompt is cut from its start (keeping the tokens nearest the
     *     answer) so that the answer survives, and the answer is cut at its end only if it alone is too long
     */
    public static LabelledSequence promptAnswer(long[] prompt, long[] answer, int maxLength) {
        if (answer.length == 0) {
            throw new IllegalArgumentException("the answer has no tokens");
        }
        int answerLength = Math.min(answer.length, maxLength);
        int promptLength = Math.min(prompt.length, maxLength - answerLength);
        long[] ids = new long[promptLength + answerLength];
        long[] labels = new long[ids.length];
        System.arraycopy(prompt, prompt.length - promptLength, ids, 0, promptLength);
        System.arraycopy(answer, 0, ids, promptLength, answerLength);
        java.util.Arrays.fill(labels, 0, promptLength, DynamicPadding.IGNORE_INDEX);
        System.arraycopy(answer, 0, labels, promptLength, answerLength);
        return new LabelledSequence(ids, labels);
    }

    /** Number of tokens. */
    public int length() {
        return ids.length;
    }
}
