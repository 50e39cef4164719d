package dev.tune4j.integration;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tune4j.tokenizer.BertTokenizerFiles;
import dev.tune4j.tokenizer.LlamaTokenizerFiles;
import dev.tune4j.tokenizer.Tokenizers;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * Test fixture (written by the project): the real text the integration tests train tiny models on, tokenized once by
 * the real tokenizers: Moby Dick's opening for a tiny Llama (the Llama-2 tokenizer, 40 tokens) and four real-looking
 * mail lines with spam labels for a tiny BERT classifier (MiniLM's WordPiece tokenizer, 32 tokens).
 *
 * @param llamaIds token ids of the two Moby Dick lines
 * @param llamaMask their attention mask
 * @param bertIds token ids of the four mails
 * @param bertMask their attention mask
 */
record TinyModelInputs(long[][] llamaIds, long[][] llamaMask, long[][] bertIds, long[][] bertMask) {
    static final List<String> MOBY_DICK = List.of(
            "Call me Ishmael. Some years ago, never mind how long precisely, having little or no money in my purse,",
            "and nothing particular to interest me on shore, I thought I would sail about a little and see the watery"
                    + " part of the world.");
    static final List<String> MAIL = List.of(
            "Congratulations! You have been selected to receive a free cruise, call now to claim your prize.",
            "Hi Tom, the build is green again; I merged the fix for the flaky test this morning.",
            "Lowest mortgage rates guaranteed!!! Act now, limited offer, no credit check required.",
            "Can we move our one-on-one to Thursday? I have a dentist appointment on Wednesday.");
    /** 1 = spam. */
    static final long[] MAIL_LABELS = {1, 0, 1, 0};

    /** Tokenizes the texts with the real tokenizers. */
    static TinyModelInputs tokenize() throws IOException {
        try (HuggingFaceTokenizer llama = Tokenizers.loadPadded(LlamaTokenizerFiles.ensure(), 40);
                HuggingFaceTokenizer bert = Tokenizers.loadPadded(BertTokenizerFiles.minilm(), 32)) {
            return new TinyModelInputs(
                    MOBY_DICK.stream().map(llama::encode).map(Encoding::getIds).toArray(long[][]::new),
                    MOBY_DICK.stream().map(llama::encode).map(Encoding::getAttentionMask).toArray(long[][]::new),
                    MAIL.stream().map(bert::encode).map(Encoding::getIds).toArray(long[][]::new),
                    MAIL.stream().map(bert::encode).map(Encoding::getAttentionMask).toArray(long[][]::new));
        }
    }

    /** {@code rows} as an int64 matrix. */
    static NDArray matrix(NDManager manager, long[][] rows) {
        return manager.create(Arrays.stream(rows).flatMapToLong(Arrays::stream).toArray(),
                new Shape(rows.length, rows[0].length));
    }
}
