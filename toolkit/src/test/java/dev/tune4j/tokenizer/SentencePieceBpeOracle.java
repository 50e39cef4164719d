package dev.tune4j.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Test oracle, part 2 (written by the project): a plain, slow scalar twin of SentencePiece's BPE encoder
 * ({@code bpe_model.cc}) driven by the piece <em>scores</em> of the original {@code tokenizer.model}, not by the
 * ranked merge list the tokenizer.json is built from. It splits the normalized text into characters, repeatedly
 * merges the adjacent pair whose concatenation is a normal piece with the highest score (the leftmost pair on ties),
 * then maps each symbol to its id, or to its UTF-8 bytes' {@code <0xXX>} pieces if it is not a piece (byte fallback).
 * Normalization is SentencePiece's identity normalizer with a dummy prefix: {@code "▁" + text} with spaces replaced
 * by {@code ▁}. The BOS id is prepended, as the Llama tokenizer does.
 */
final class SentencePieceBpeOracle {
    private static final String SPACE_MARK = "\u2581";

    private final SentencePieceModel model;
    private final Map<String, Integer> mergeable = new HashMap<>();
    private final Map<String, Integer> byteIds = new HashMap<>();

    SentencePieceBpeOracle(SentencePieceModel model) {
        if (model.modelType() != SentencePieceModel.MODEL_TYPE_BPE || !model.byteFallback()
                || !model.normalizerName().equals("identity") || !model.addDummyPrefix()
                || model.removeExtraWhitespaces() || !model.escapeWhitespaces()) {
            throw new IllegalArgumentException("the oracle implements only BPE with byte fallback and the identity "
                    + "normalizer with a dummy prefix, no whitespace removal: " + model);
        }
        List<SentencePieceModel.Piece> pieces = model.pieces();
        for (int id = 0; id < pieces.size(); id++) {
            SentencePieceModel.Piece piece = pieces.get(id);
            switch (piece.type()) {
                case SentencePieceModel.TYPE_NORMAL -> mergeable.put(piece.piece(), id);
                case SentencePieceModel.TYPE_BYTE -> byteIds.put(piece.piece(), id);
                case SentencePieceModel.TYPE_UNKNOWN, SentencePieceModel.TYPE_CONTROL -> {}
                default -> throw new IllegalArgumentException("the oracle does not handle piece type "
                        + piece.type() + " (piece " + id + " '" + piece.piece() + "')");
            }
        }
        if (byteIds.size() != 256) {
            throw new IllegalArgumentException("byte fallback needs 256 byte pieces, the model has " + byteIds.size());
        }
        this.model = model;
    }

    /** The ids SentencePiece gives {@code text}, with BOS first. */
    List<Integer> encode(String text) {
        List<Integer> ids = new ArrayList<>();
        ids.add(model.bosId());
        if (text.isEmpty()) {
            return ids;
        }
        String normalized = SPACE_MARK + text.replace(" ", SPACE_MARK);
        List<String> symbols = new ArrayList<>();
        normalized.codePoints().forEach(cp -> symbols.add(Character.toString(cp)));
        while (true) {
            int best = -1;
            float bestScore = Float.NEGATIVE_INFINITY;
            for (int i = 0; i + 1 < symbols.size(); i++) {
                Integer id = mergeable.get(symbols.get(i) + symbols.get(i + 1));
                if (id != null && model.pieces().get(id).score() > bestScore) {
                    bestScore = model.pieces().get(id).score();
                    best = i;
                }
            }
            if (best < 0) {
                break;
            }
            symbols.set(best, symbols.get(best) + symbols.remove(best + 1));
        }
        for (String symbol : symbols) {
            Integer id = mergeable.get(symbol);
            if (id != null) {
                ids.add(id);
            } else {
                for (byte b : symbol.getBytes(StandardCharsets.UTF_8)) {
                    ids.add(byteIds.get(String.format(Locale.ROOT, "<0x%02X>", b & 0xff)));
                }
            }
        }
        return ids;
    }
}
