package dev.tune4j.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the vocabulary and merges that npm {@code llama-tokenizer-js} embeds in {@code llama-tokenizer.js} into a
 * Hugging Face {@code tokenizer.json} that reproduces Llama-2's SentencePiece tokenizer.
 *
 * <p>The JavaScript file holds two base64 string constants: {@code llama_vocab_base64}, the 32,000 pieces joined by
 * {@code \n} in id order, and {@code llama_merges_binary}, the merges as pairs of little-endian uint16 piece ids
 * whose index is the merge rank. Both were converted by the package author from Meta's Hugging Face tokenizer.json.
 */
final class LlamaTokenizerConverter {
    static final String VOCAB_CONSTANT = "llama_vocab_base64";
    static final String MERGES_CONSTANT = "llama_merges_binary";
    static final int VOCAB_SIZE = 32_000;
    static final int MERGE_COUNT = 61_249;
    static final String UNK = "<unk>";
    static final String BOS = "<s>";
    static final String EOS = "</s>";
    static final String SPACE_MARK = "\u2581";

    private LlamaTokenizerConverter() {}

    /**
     * The pieces (in id order) and merges (rank order, each {@code [leftId, rightId]}) read from the JavaScript file.
     */
    record Vocabulary(List<String> pieces, List<int[]> merges) {
        Vocabulary {
            pieces = List.copyOf(pieces);
            merges = List.copyOf(merges);
        }
    }

    /** Reads and checks the vocabulary and merges of {@code llama-tokenizer.js}. */
    static Vocabulary read(Path javascript) throws IOException {
        String source = Files.readString(javascript, StandardCharsets.UTF_8);
        byte[] vocabBytes = Base64.getDecoder().decode(stringConstant(source, VOCAB_CONSTANT, javascript));
        List<String> pieces = Arrays.asList(new String(vocabBytes, StandardCharsets.UTF_8).split("\n", -1));
        if (pieces.size() != VOCAB_SIZE) {
            throw new IOException(javascript + ": " + VOCAB_CONSTANT + " holds " + pieces.size() + " pieces, expected "
                    + VOCAB_SIZE + " (Llama-2); is this llama-tokenizer-js 1.2.2?");
        }
        if (!pieces.get(0).equals(UNK) || !pieces.get(1).equals(BOS) || !pieces.get(2).equals(EOS)) {
            throw new IOException(javascript + ": pieces 0..2 are " + pieces.subList(0, 3) + ", expected [" + UNK
                    + ", " + BOS + ", " + EOS + "]");
        }
        Map<String, Integer> ids = new HashMap<>();
        for (int id = 0; id < pieces.size(); id++) {
            Integer previous = ids.put(pieces.get(id), id);
            if (previous != null) {
                throw new IOException(javascript + ": piece '" + pieces.get(id) + "' appears twice, as ids " + previous
                        + " and " + id);
            }
        }
        byte[] mergeBytes = Base64.getDecoder().decode(stringConstant(source, MERGES_CONSTANT, javascript));
        if (mergeBytes.length != MERGE_COUNT * 4) {
            throw new IOException(javascript + ": " + MERGES_CONSTANT + " holds " + mergeBytes.length
                    + " bytes, expected " + MERGE_COUNT + " merges of 4 bytes (two uint16 ids)");
        }
        ByteBuffer buffer = ByteBuffer.wrap(mergeBytes).order(ByteOrder.LITTLE_ENDIAN);
        int[][] merges = new int[MERGE_COUNT][];
        for (int rank = 0; rank < MERGE_COUNT; rank++) {
            int left = Short.toUnsignedInt(buffer.getShort());
            int right = Short.toUnsignedInt(buffer.getShort());
            if (left >= VOCAB_SIZE || right >= VOCAB_SIZE) {
                throw new IOException(javascript + ": merge " + rank + " refers to id " + Math.max(left, right)
                        + ", outside the vocabulary of " + VOCAB_SIZE);
            }
            if (!ids.containsKey(pieces.get(left) + pieces.get(right))) {
                throw new IOException(javascript + ": merge " + rank + " ('" + pieces.get(left) + "' + '"
                        + pieces.get(right) + "') makes a piece that is not in the vocabulary");
            }
            merges[rank] = new int[] {left, right};
        }
        return new Vocabulary(pieces, Arrays.asList(merges));
    }

    /**
     * The Hugging Face tokenizer.json: BPE with byte fallback and fused unknowns, SentencePiece's dummy prefix and
     * space marks as normalizer, no pre-tokenizer, {@code <s>} prepended by the post-processor, and the decoder that
     * undoes all of it.
     */
    static byte[] tokenizerJson(Vocabulary vocabulary) throws IOException {
        JsonNodeFactory json = JsonNodeFactory.instance;
        ObjectNode root = json.objectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");

        ArrayNode added = root.putArray("added_tokens");
        List<String> specials = List.of(UNK, BOS, EOS);
        for (int id = 0; id < specials.size(); id++) {
            added.addObject()
                    .put("id", id)
                    .put("content", specials.get(id))
                    .put("single_word", false)
                    .put("lstrip", false)
                    .put("rstrip", false)
                    .put("normalized", false)
                    .put("special", true);
        }

        ObjectNode normalizer = root.putObject("normalizer").put("type", "Sequence");
        ArrayNode normalizers = normalizer.putArray("normalizers");
        normalizers.addObject().put("type", "Prepend").put("prepend", SPACE_MARK);
        ObjectNode replaceSpace = normalizers.addObject().put("type", "Replace");
        replaceSpace.putObject("pattern").put("String", " ");
        replaceSpace.put("content", SPACE_MARK);

        root.putNull("pre_tokenizer");

        ObjectNode post = root.putObject("post_processor").put("type", "TemplateProcessing");
        ArrayNode single = post.putArray("single");
        single.addObject().putObject("SpecialToken").put("id", BOS).put("type_id", 0);
        single.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        ArrayNode pair = post.putArray("pair");
        pair.addObject().putObject("SpecialToken").put("id", BOS).put("type_id", 0);
        pair.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        pair.addObject().putObject("SpecialToken").put("id", BOS).put("type_id", 1);
        pair.addObject().putObject("Sequence").put("id", "B").put("type_id", 1);
        ObjectNode bos = post.putObject("special_tokens").putObject(BOS).put("id", BOS);
        bos.putArray("ids").add(1);
        bos.putArray("tokens").add(BOS);

        ObjectNode decoder = root.putObject("decoder").put("type", "Sequence");
        ArrayNode decoders = decoder.putArray("decoders");
        ObjectNode replaceMark = decoders.addObject().put("type", "Replace");
        replaceMark.putObject("pattern").put("String", SPACE_MARK);
        replaceMark.put("content", " ");
        decoders.addObject().put("type", "ByteFallback");
        decoders.addObject().put("type", "Fuse");
        decoders.addObject().put("type", "Strip").put("content", " ").put("start", 1).put("stop", 0);

        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        model.put("unk_token", UNK);
        model.putNull("continuing_subword_prefix");
        model.putNull("end_of_word_suffix");
        model.put("fuse_unk", true);
        model.put("byte_fallback", true);
        ObjectNode vocab = model.putObject("vocab");
        List<String> pieces = vocabulary.pieces();
        for (int id = 0; id < pieces.size(); id++) {
            vocab.put(pieces.get(id), id);
        }
        ArrayNode merges = model.putArray("merges");
        for (int[] merge : vocabulary.merges()) {
            merges.addArray().add(pieces.get(merge[0])).add(pieces.get(merge[1]));
        }
        return new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
    }

    private static String stringConstant(String source, String constant, Path file) throws IOException {
        String marker = "const " + constant + " = \"";
        int start = source.indexOf(marker);
        if (start < 0) {
            throw new IOException(file + ": no string constant '" + constant + "'; is this llama-tokenizer-js 1.2.2?");
        }
        start += marker.length();
        int end = source.indexOf('"', start);
        if (end < 0) {
            throw new IOException(file + ": string constant '" + constant + "' is not terminated");
        }
        return source.substring(start, end);
    }
}
