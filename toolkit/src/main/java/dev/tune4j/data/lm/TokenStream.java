package dev.tune4j.data.lm;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.util.Arrays;
import java.util.List;

/**
 * A corpus as one stream of token ids: each document encoded with the tokenizer's special tokens ({@code <s>} first
 * for Llama) and the encodings concatenated in order.
 *
 * @param ids the token ids
 */
public record TokenStream(int[] ids) {
    /** Checks the stream is not empty. */
    public TokenStream {
        if (ids.length == 0) {
            throw new IllegalArgumentException("empty token stream: the corpus has no text");
        }
    }

    /**
     * Encodes {@code documents} in order.
     *
     * @param tokenizer loaded with a maximum length above the longest document (e.g.
     *     {@code Tokenizers.load(json, 1 << 20)}); a document it would cut is an error, not silently shortened
     * @throws IllegalArgumentException if a document exceeds the tokenizer's maximum length
     */
    public static TokenStream encode(HuggingFaceTokenizer tokenizer, List<String> documents) {
        int[][] parts = new int[documents.size()][];
        long total = 0;
        for (int d = 0; d < documents.size(); d++) {
            Encoding encoding = tokenizer.encode(documents.get(d));
            if (encoding.exceedMaxLength()) {
                throw new IllegalArgumentException("document " + d + " (" + documents.get(d).length()
                        + " chars) is longer than the tokenizer's maximum length " + tokenizer.getMaxLength()
                        + "; load the tokenizer with a larger maximum length for whole-corpus encoding");
            }
            parts[d] = Arrays.stream(encoding.getIds()).mapToInt(Math::toIntExact).toArray();
            total += parts[d].length;
        }
        int[] ids = new int[Math.toIntExact(total)];
        int position = 0;
        for (int[] part : parts) {
            System.arraycopy(part, 0, ids, position, part.length);
            position += part.length;
        }
        return new TokenStream(ids);
    }

    /** Number of tokens. */
    public int size() {
        return ids.length;
    }

    /** The first {@code count} tokens (a smaller corpus for quick runs). */
    public TokenStream head(int count) {
        if (count < 1 || count > ids.length) {
            throw new IllegalArgumentException("cannot take " + count + " of " + ids.length + " tokens");
        }
        return new TokenStream(Arrays.copyOf(ids, count));
    }

    /**
     * Splits by position: the last {@code heldOutFraction} of the stream (rounded down, at least 1 token) is held
     * out, the rest trains. Nothing is shuffled, so held-out text is text the model never saw, later in the corpus.
     */
    public HeldOutSplit splitByPosition(double heldOutFraction) {
        if (!(heldOutFraction > 0 && heldOutFraction < 1)) {
            throw new IllegalArgumentException("held-out fraction must be in (0, 1), got " + heldOutFraction);
        }
        int heldOut = Math.max(1, (int) (ids.length * heldOutFraction));
        if (heldOut >= ids.length) {
            throw new IllegalArgumentException("a stream of " + ids.length + " tokens is too short to hold out "
                    + heldOutFraction);
        }
        int cut = ids.length - heldOut;
        return new HeldOutSplit(Arrays.copyOfRange(ids, 0, cut), Arrays.copyOfRange(ids, cut, ids.length));
    }
}
