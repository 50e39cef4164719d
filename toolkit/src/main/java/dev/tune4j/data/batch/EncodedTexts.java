package dev.tune4j.data.batch;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.util.ArrayList;
import java.util.List;

/**
 * Texts encoded by a truncating tokenizer (special tokens added), with how many were longer than its maximum length
 * and therefore cut.
 *
 * @param ids one id sequence per text, at most {@code maxLength} long
 * @param truncated how many texts were cut to {@code maxLength}
 * @param maxLength the tokenizer's maximum length
 */
public record EncodedTexts(List<long[]> ids, int truncated, int maxLength) {
    /** Copies the list. */
    public EncodedTexts {
        ids = List.copyOf(ids);
    }

    /**
     * Encodes {@code texts} in chunks with {@code tokenizer} (load it with
     * {@link dev.tune4j.tokenizer.Tokenizers#load}: truncating, not padding).
     */
    public static EncodedTexts encode(HuggingFaceTokenizer tokenizer, List<String> texts) {
        List<long[]> ids = new ArrayList<>(texts.size());
        int truncated = 0;
        int chunk = 256;
        for (int start = 0; start < texts.size(); start += chunk) {
            Encoding[] encodings = tokenizer.batchEncode(texts.subList(start, Math.min(texts.size(), start + chunk)));
            for (Encoding encoding : encodings) {
                ids.add(encoding.getIds());
                if (encoding.exceedMaxLength()) {
                    truncated++;
                }
            }
        }
        return new EncodedTexts(ids, truncated, tokenizer.getMaxLength());
    }

    /**
     * Refuses a tokenizer maximum length the model cannot take: positions past {@code maxPositionEmbeddings} have no
     * embedding row, so such a text would fail (or be wrong) deep inside the forward pass.
     *
     * @throws IllegalArgumentException naming both numbers and the fix
     */
    public static void checkFitsModel(int maxLength, int maxPositionEmbeddings) {
        if (maxLength > maxPositionEmbeddings) {
            throw new IllegalArgumentException("texts are encoded up to " + maxLength + " tokens but the model has "
                    + maxPositionEmbeddings + " positions (max_position_embeddings); load the tokenizer with a "
                    + "maximum length of at most " + maxPositionEmbeddings + " so longer texts are truncated");
        }
    }

    /** One line, e.g. {@code 12 of 256 texts (4.7%) were longer than 128 tokens and were truncated}. */
    public String truncationReport() {
        return String.format("%d of %d texts (%.1f%%) were longer than %d tokens and were truncated", truncated,
                ids.size(), 100.0 * truncated / Math.max(1, ids.size()), maxLength);
    }
}
