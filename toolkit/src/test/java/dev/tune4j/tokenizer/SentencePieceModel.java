package dev.tune4j.tokenizer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Test oracle, part 1 (written by the project): a minimal reader of a SentencePiece {@code tokenizer.model}, the
 * {@code ModelProto} protobuf message, enough to run {@link SentencePieceBpeOracle}. Reads the pieces (string, score,
 * type), the trainer spec (model type, byte fallback, special ids) and the normalizer spec, with protobuf defaults for
 * absent fields. Field numbers are those of SentencePiece's {@code sentencepiece_model.proto}.
 */
record SentencePieceModel(
        List<Piece> pieces,
        int modelType,
        boolean byteFallback,
        int unkId,
        int bosId,
        int eosId,
        String normalizerName,
        boolean addDummyPrefix,
        boolean removeExtraWhitespaces,
        boolean escapeWhitespaces) {
    static final int TYPE_NORMAL = 1;
    static final int TYPE_UNKNOWN = 2;
    static final int TYPE_CONTROL = 3;
    static final int TYPE_USER_DEFINED = 4;
    static final int TYPE_UNUSED = 5;
    static final int TYPE_BYTE = 6;
    static final int MODEL_TYPE_BPE = 2;

    /** One vocabulary entry; its id is its position. */
    record Piece(String piece, float score, int type) {}

    static SentencePieceModel parse(byte[] bytes) throws IOException {
        List<Piece> pieces = new ArrayList<>();
        // trainer spec defaults from sentencepiece_model.proto
        int[] trainer = {1, 0, 0, 1, 2}; // model_type UNIGRAM, byte_fallback false, unk 0, bos 1, eos 2
        Object[] normalizer = {"", true, true, true}; // name, add_dummy_prefix, remove_extra_ws, escape_ws
        Reader model = new Reader(ByteBuffer.wrap(bytes));
        while (model.hasMore()) {
            long key = model.varint();
            int field = (int) (key >>> 3);
            int wire = (int) (key & 7);
            if (field == 1 && wire == 2) {
                pieces.add(readPiece(model.message()));
            } else if (field == 2 && wire == 2) {
                Reader spec = model.message();
                while (spec.hasMore()) {
                    long k = spec.varint();
                    int f = (int) (k >>> 3);
                    int w = (int) (k & 7);
                    switch (f) {
                        case 3 -> trainer[0] = (int) spec.varint();
                        case 35 -> trainer[1] = (int) spec.varint();
                        case 40 -> trainer[2] = (int) spec.varint();
                        case 41 -> trainer[3] = (int) spec.varint();
                        case 42 -> trainer[4] = (int) spec.varint();
                        default -> spec.skip(w);
                    }
                }
            } else if (field == 3 && wire == 2) {
                Reader spec = model.message();
                while (spec.hasMore()) {
                    long k = spec.varint();
                    int f = (int) (k >>> 3);
                    int w = (int) (k & 7);
                    switch (f) {
                        case 1 -> normalizer[0] = spec.string();
                        case 3 -> normalizer[1] = spec.varint() != 0;
                        case 4 -> normalizer[2] = spec.varint() != 0;
                        case 5 -> normalizer[3] = spec.varint() != 0;
                        default -> spec.skip(w);
                    }
                }
            } else {
                model.skip(wire);
            }
        }
        return new SentencePieceModel(List.copyOf(pieces), trainer[0], trainer[1] != 0, trainer[2], trainer[3],
                trainer[4], (String) normalizer[0], (Boolean) normalizer[1], (Boolean) normalizer[2],
                (Boolean) normalizer[3]);
    }

    private static Piece readPiece(Reader reader) throws IOException {
        String piece = null;
        float score = 0;
        int type = TYPE_NORMAL;
        while (reader.hasMore()) {
            long key = reader.varint();
            int field = (int) (key >>> 3);
            int wire = (int) (key & 7);
            switch (field) {
                case 1 -> piece = reader.string();
                case 2 -> score = Float.intBitsToFloat(reader.fixed32());
                case 3 -> type = (int) reader.varint();
                default -> reader.skip(wire);
            }
        }
        if (piece == null) {
            throw new IOException("SentencePiece entry without a piece string");
        }
        return new Piece(piece, score, type);
    }

    /** Protobuf wire-format reader over a little-endian buffer. */
    private static final class Reader {
        private final ByteBuffer buffer;

        Reader(ByteBuffer buffer) {
            this.buffer = buffer.order(ByteOrder.LITTLE_ENDIAN);
        }

        boolean hasMore() {
            return buffer.hasRemaining();
        }

        long varint() throws IOException {
            long value = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                byte b = buffer.get();
                value |= (long) (b & 0x7f) << shift;
                if (b >= 0) {
                    return value;
                }
            }
            throw new IOException("malformed varint");
        }

        int fixed32() {
            return buffer.getInt();
        }

        Reader message() throws IOException {
            int length = Math.toIntExact(varint());
            ByteBuffer slice = buffer.slice(buffer.position(), length);
            buffer.position(buffer.position() + length);
            return new Reader(slice);
        }

        String string() throws IOException {
            int length = Math.toIntExact(varint());
            byte[] bytes = new byte[length];
            buffer.get(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        }

        void skip(int wire) throws IOException {
            switch (wire) {
                case 0 -> varint();
                case 1 -> buffer.position(buffer.position() + 8);
                case 2 -> {
                    int length = Math.toIntExact(varint()); // read before taking the position
                    buffer.position(buffer.position() + length);
                }
                case 5 -> buffer.position(buffer.position() + 4);
                default -> throw new IOException("unsupported protobuf wire type " + wire);
            }
        }
    }
}
