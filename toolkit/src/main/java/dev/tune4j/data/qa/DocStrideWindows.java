package dev.tune4j.data.qa;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Cuts an extractive QA example into model inputs of at most {@code maxLength} tokens: the (possibly truncated)
 * question, then consecutive windows over the context whose starts are {@code docStride} context tokens apart (the
 * original BERT {@code run_squad.py} meaning of doc_stride; consecutive windows overlap by
 * {@code window - docStride} tokens). The answer's character span is mapped to token positions with the tokenizer's
 * character offsets ({@link Encoding#getCharTokenSpans()}); a window that does not contain the whole answer, and
 * every window of an unanswerable question, points at {@code [CLS]} (index 0).
 *
 * <p>The tokenizer must be a BERT-style one that adds {@code [CLS]} and {@code [SEP]}, loaded with a maximum length
 * above the longest context (e.g. {@code Tokenizers.load(json, 1 << 16)}): contexts are encoded whole, then windowed
 * here. A context it would cut is reported, never silently shortened.
 */
public final class DocStrideWindows {
    private final HuggingFaceTokenizer tokenizer;
    private final int maxLength;
    private final int docStride;
    private final int maxQuestionTokens;
    private final long clsId;
    private final long sepId;
    private int truncatedQuestions;

    /**
     * Windows of at most {@code maxLength} tokens.
     *
     * @param docStride context tokens between consecutive window starts, at least 1 and at most the window's
     *     context capacity
     * @param maxQuestionTokens questions are cut to this many tokens (counted in {@link #truncatedQuestions()})
     */
    public DocStrideWindows(HuggingFaceTokenizer tokenizer, int maxLength, int docStride, int maxQuestionTokens) {
        if (maxQuestionTokens < 1 || maxLength < maxQuestionTokens + 4) {
            throw new IllegalArgumentException("maxLength " + maxLength + " leaves no room for context after a "
                    + maxQuestionTokens + "-token question, [CLS] and two [SEP]");
        }
        if (docStride < 1 || docStride > maxLength - maxQuestionTokens - 3) {
            throw new IllegalArgumentException("docStride must be in [1, " + (maxLength - maxQuestionTokens - 3)
                    + "], got " + docStride);
        }
        this.tokenizer = tokenizer;
        this.maxLength = maxLength;
        this.docStride = docStride;
        this.maxQuestionTokens = maxQuestionTokens;
        long[] specials = tokenizer.encode("").getIds();
        if (specials.length != 2) {
            throw new IllegalArgumentException("the tokenizer does not wrap text as [CLS] text [SEP] (empty text gave "
                    + Arrays.toString(specials) + "); use a BERT WordPiece tokenizer");
        }
        this.clsId = specials[0];
        this.sepId = specials[1];
    }

    /** Questions cut to {@code maxQuestionTokens} so far. */
    public int truncatedQuestions() {
        return truncatedQuestions;
    }

    /**
     * The windows of {@code example}, in context order.
     *
     * @throws IllegalArgumentException if the tokenizer cut the context (load it with a larger maximum length)
     */
    public List<QaWindow> windows(QaExample example) {
        Encoding questionEncoding = tokenizer.encode(example.question(), false, false);
        long[] question = questionEncoding.getIds();
        if (question.length > maxQuestionTokens || questionEncoding.exceedMaxLength()) {
            question = Arrays.copyOf(question, Math.min(question.length, maxQuestionTokens));
            truncatedQuestions++;
        }
        Encoding contextEncoding = tokenizer.encode(example.context(), false, false);
        if (contextEncoding.exceedMaxLength()) {
            throw new IllegalArgumentException("question " + example.id() + ": the context ("
                    + example.context().length() + " chars) is longer than the tokenizer's maximum length "
                    + tokenizer.getMaxLength() + "; load the tokenizer with a larger maximum length (windows are"
                    + " cut here, not by the tokenizer)");
        }
        long[] context = contextEncoding.getIds();
        CharSpan[] spans = contextEncoding.getCharTokenSpans();
        int[] starts = new int[context.length];
        int[] ends = new int[context.length];
        CharOffsets offsets = new CharOffsets(example.context());
        for (int t = 0; t < context.length; t++) {
            starts[t] = offsets.toJavaIndex(spans[t].getStart());
            ends[t] = offsets.toJavaIndex(spans[t].getEnd());
        }
        int answerFirst = -1;
        int answerLast = -1;
        if (!example.impossible()) {
            QaAnswer answer = example.answers().getFirst();
            for (int t = 0; t < context.length; t++) {
                if (answerFirst < 0 && ends[t] > answer.start()) {
                    answerFirst = t;
                }
                if (starts[t] < answer.end()) {
                    answerLast = t;
                }
            }
        }
        int capacity = maxLength - question.length - 3;
        int contextOffset = question.length + 2;
        List<QaWindow> windows = new ArrayList<>();
        for (int begin = 0; ; begin += docStride) {
            int end = Math.min(context.length, begin + capacity);
            int length = contextOffset + (end - begin) + 1;
            long[] ids = new long[length];
            long[] types = new long[length];
            ids[0] = clsId;
            System.arraycopy(question, 0, ids, 1, question.length);
            ids[question.length + 1] = sepId;
            System.arraycopy(context, begin, ids, contextOffset, end - begin);
            ids[length - 1] = sepId;
            Arrays.fill(types, contextOffset, length, 1);
            int startPosition = 0;
            int endPosition = 0;
            if (answerFirst >= begin && answerLast >= answerFirst && answerLast < end) {
                startPosition = contextOffset + answerFirst - begin;
                endPosition = contextOffset + answerLast - begin;
            }
            windows.add(new QaWindow(example.id(), ids, types, startPosition, endPosition, contextOffset,
                    Arrays.copyOfRange(starts, begin, end), Arrays.copyOfRange(ends, begin, end)));
            if (end >= context.length) {
                break;
            }
        }
        return windows;
    }

    /** Maps the tokenizer's character offsets (Unicode code points) to Java {@code String} (UTF-16) indices. */
    private static final class CharOffsets {
        private final int[] javaIndexOfCodePoint;

        CharOffsets(String text) {
            int codePoints = text.codePointCount(0, text.length());
            javaIndexOfCodePoint = new int[codePoints + 1];
            int index = 0;
            for (int c = 0; c < codePoints; c++) {
                javaIndexOfCodePoint[c] = index;
                index += Character.charCount(text.codePointAt(index));
            }
            javaIndexOfCodePoint[codePoints] = text.length();
        }

        int toJavaIndex(int codePointOffset) {
            return javaIndexOfCodePoint[Math.min(codePointOffset, javaIndexOfCodePoint.length - 1)];
        }
    }
}
