package dev.tune4j.importer;

import static dev.tune4j.checkpoint.onnx.OnnxFixtures.floatTensor;
import static dev.tune4j.checkpoint.onnx.OnnxFixtures.message;
import static dev.tune4j.checkpoint.onnx.OnnxFixtures.model;
import static dev.tune4j.checkpoint.onnx.OnnxFixtures.node;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tune4j.checkpoint.onnx.OnnxModel;
import dev.tune4j.checkpoint.onnx.OnnxModelReader;
import dev.tune4j.engine.Tune4jHome;
import dev.tune4j.testing.OnnxReferenceBert;
import dev.tune4j.testing.PlainSafeTensorsReader;
import dev.tune4j.testing.ScalarBert;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Imports the real all-MiniLM-L6-v2 once (into a temporary {@code tune4j.home}) and checks the Hugging Face directory
 * against the BERT checkpoint layout, the raw ONNX initializers, and onnxruntime's forward pass on the same ONNX file.
 */
class MiniLmImporterTest {
    /** How long a fetch or an import took, as its last line says it: "4.2 s" or "1 min 52 s". */
    private static final String TOOK = "(\\d+\\.\\d s|\\d+ min \\d+ s)";

    private static final long PARAMETERS = 22_565_376L; // scripts/reference/tokenizer_ids.py counts it in the ONNX file
    private static final int HIDDEN = 384;

    @TempDir
    static Path scratch;

    private static String previousHome;
    private static Path imported;
    private static Path onnxFile;
    private static final List<String> progress = new ArrayList<>();

    @BeforeAll
    static void importOnce() throws IOException {
        previousHome = System.getProperty(Tune4jHome.PROPERTY);
        System.setProperty(Tune4jHome.PROPERTY, scratch.resolve("home").toString());
        imported = MiniLmImporter.ensureImported(progress::add);
        onnxFile = MiniLmImporter.extractOnnx(scratch.resolve("model.onnx"));
    }

    @AfterAll
    static void restoreHome() {
        if (previousHome == null) {
            System.clearProperty(Tune4jHome.PROPERTY);
        } else {
            System.setProperty(Tune4jHome.PROPERTY, previousHome);
        }
    }

    /** The BertModel tensor names and shapes for 6 layers, hidden 384, FFN 1536 (docs/algorithms.md#bert-layout). */
    private static Map<String, List<Long>> bertModelLayout() {
        Map<String, List<Long>> layout = new LinkedHashMap<>();
        layout.put("embeddings.word_embeddings.weight", List.of(30522L, 384L));
        layout.put("embeddings.position_embeddings.weight", List.of(512L, 384L));
        layout.put("embeddings.token_type_embeddings.weight", List.of(2L, 384L));
        layout.put("embeddings.LayerNorm.weight", List.of(384L));
        layout.put("embeddings.LayerNorm.bias", List.of(384L));
        for (int n = 0; n < 6; n++) {
            String layer = "encoder.layer." + n + ".";
            for (String linear : List.of("attention.self.query", "attention.self.key", "attention.self.value",
                    "attention.output.dense")) {
                layout.put(layer + linear + ".weight", List.of(384L, 384L));
                layout.put(layer + linear + ".bias", List.of(384L));
            }
            layout.put(layer + "intermediate.dense.weight", List.of(1536L, 384L));
            layout.put(layer + "intermediate.dense.bias", List.of(1536L));
            layout.put(layer + "output.dense.weight", List.of(384L, 1536L));
            layout.put(layer + "output.dense.bias", List.of(384L));
            for (String norm : List.of("attention.output.LayerNorm", "output.LayerNorm")) {
                layout.put(layer + norm + ".weight", List.of(384L));
                layout.put(layer + norm + ".bias", List.of(384L));
            }
        }
        return layout;
    }

    @Test
    void importWritesTheThreeFilesUnderTune4jHome() throws IOException {
        assertEquals(scratch.resolve("home/models/all-MiniLM-L6-v2").toAbsolutePath(), imported);
        try (Stream<Path> files = Files.list(imported)) {
            assertEquals(List.of("config.json", "model.safetensors", "tokenizer.json"),
                    files.map(file -> file.getFileName().toString()).sorted().toList());
        }
        try (Stream<Path> siblings = Files.list(imported.getParent())) {
            assertEquals(List.of(imported), siblings.toList(), "the staging directory was left behind");
        }
        // what is imported from which artifact first, how long it took last
        assertEquals("importing all-MiniLM-L6-v2 from the Maven artifact " + MiniLmImporter.ARTIFACT
                + " (on the class path; nothing is downloaded) into " + imported, progress.getFirst());
        assertTrue(progress.getLast().matches("imported all-MiniLM-L6-v2 into " + Pattern.quote(imported.toString())
                + " in " + TOOK), progress.toString());
    }

    @Test
    void checkpointHoldsEveryBertModelTensorOnceWithItsShape() throws IOException {
        PlainSafeTensorsReader file = PlainSafeTensorsReader.read(imported.resolve("model.safetensors"));
        Map<String, List<Long>> layout = bertModelLayout();
        assertEquals(5 + 6 * 16, layout.size());
        assertEquals(layout.keySet().stream().sorted().toList(), file.names().stream().sorted().toList());
        long parameters = 0;
        for (String name : file.names()) {
            assertEquals(layout.get(name), file.shape(name), name);
            assertEquals("F32", file.entry(name).get("dtype"), name);
            parameters += file.shape(name).stream().reduce(1L, Math::multiplyExact);
        }
        assertEquals(PARAMETERS, parameters);

        // The safetensors layout rules (docs/algorithms.md#safetensors): header padded to 8 bytes, data fully
        // covered, no holes.
        assertEquals(0, file.headerLength() % 8);
        assertEquals(Map.of("format", "pt"), file.header().get("__metadata__"));
        List<long[]> spans = file.names().stream().map(file::offsets).sorted(Comparator.comparingLong(s -> s[0]))
                .toList();
        long end = 0;
        for (long[] span : spans) {
            assertEquals(end, span[0]);
            end = span[1];
        }
        assertEquals(PARAMETERS * Float.BYTES, end);
        assertEquals(end, file.data().limit());
    }

    @Test
    void configJsonDescribesMiniLm() throws IOException {
        JsonNode config = new ObjectMapper().readTree(imported.resolve("config.json").toFile());
        assertEquals("bert", config.get("model_type").asText());
        assertEquals("BertModel", config.get("architectures").get(0).asText());
        assertEquals(384, config.get("hidden_size").asInt());
        assertEquals(6, config.get("num_hidden_layers").asInt());
        assertEquals(12, config.get("num_attention_heads").asInt());
        assertEquals(1536, config.get("intermediate_size").asInt());
        assertEquals("gelu", config.get("hidden_act").asText());
        assertEquals(1e-12, config.get("layer_norm_eps").asDouble());
        assertEquals(512, config.get("max_position_embeddings").asInt());
        assertEquals(2, config.get("type_vocab_size").asInt());
        assertEquals(30522, config.get("vocab_size").asInt());
        assertEquals(0, config.get("pad_token_id").asInt());
    }

    @Test
    void tokenizerJsonIsTheArtifactsOwn() throws IOException {
        try (InputStream in = ClassLoader.getSystemResourceAsStream("all-minilm-l6-v2-tokenizer.json")) {
            byte[] original = in.readAllBytes();
            assertEquals(711_661, original.length); // the jar entry's size (docs/test-vectors.md)
            assertArrayEquals(original, Files.readAllBytes(imported.resolve("tokenizer.json")));
        }
    }

    @Test
    void weightMatricesAreTheTransposedOnnxInitializersAndBiasesAreCopied() throws IOException {
        PlainSafeTensorsReader file = PlainSafeTensorsReader.read(imported.resolve("model.safetensors"));
        try (OnnxModel onnx = OnnxModelReader.read(onnxFile)) {
            // The graph's first MatMul weights, as its nodes consume them: onnx::MatMul_787 feeds
            // /encoder/layer.0/attention/self/query/MatMul, and onnx::MatMul_798 feeds
            // /encoder/layer.0/intermediate/dense/MatMul.
            assertTransposed(onnx, "onnx::MatMul_787", 384, 384,
                    file.floats("encoder.layer.0.attention.self.query.weight"));
            assertTransposed(onnx, "onnx::MatMul_798", 384, 1536,
                    file.floats("encoder.layer.0.intermediate.dense.weight"));
            for (String name : List.of("encoder.layer.3.attention.self.key.bias", "embeddings.LayerNorm.weight",
                    "embeddings.word_embeddings.weight")) {
                assertArrayEquals(floats(onnx, name), file.floats(name), name);
            }
        }
    }

    private static void assertTransposed(OnnxModel onnx, String initializer, int in, int out, float[] imported) {
        float[] source = floats(onnx, initializer); // [in, out]
        assertEquals(in * out, imported.length);
        for (int i = 0; i < in; i++) {
            for (int o = 0; o < out; o++) {
                if (Float.floatToRawIntBits(source[i * out + o]) != Float.floatToRawIntBits(imported[o * in + i])) {
                    throw new AssertionError(initializer + "[" + i + ", " + o + "] = " + source[i * out + o]
                            + " but the imported [" + o + ", " + i + "] = " + imported[o * in + i]);
                }
            }
        }
    }

    private static float[] floats(OnnxModel onnx, String name) {
        return onnx.initializer(name).orElseThrow().data()
                .toArray(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN));
    }

    @Test
    void scalarForwardOverImportedWeightsMatchesOnnxRuntime() throws Exception {
        // Token ids looked up by hand in the artifact's tokenizer.json vocab (scripts/reference/tokenizer_ids.py
        // reproduces them):
        //   [CLS] hello world [SEP]; [CLS] i like straw ##berries [SEP];
        //   [CLS] the capital of france is paris . [SEP] hello world [SEP] (a pair: second segment has type 1).
        long[][] ids = {
            {101, 7592, 2088, 102, 0, 0, 0, 0, 0, 0, 0, 0, 0},
            {101, 1045, 2066, 13137, 20968, 102, 0, 0, 0, 0, 0, 0, 0},
            {101, 1996, 3007, 1997, 2605, 2003, 3000, 1012, 102, 7592, 2088, 102, 0},
        };
        long[][] mask = {
            {1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0},
            {1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0},
            {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0},
        };
        long[][] types = {
            new long[13],
            new long[13],
            {0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0},
        };
        float[][][] reference;
        try (OnnxReferenceBert onnxRuntime = OnnxReferenceBert.open(onnxFile)) {
            reference = onnxRuntime.lastHiddenState(ids, mask, types);
        }
        PlainSafeTensorsReader file = PlainSafeTensorsReader.read(imported.resolve("model.safetensors"));
        Map<String, float[]> weights = new HashMap<>();
        file.names().forEach(name -> weights.put(name, file.floats(name)));
        ScalarBert bert = new ScalarBert(weights, HIDDEN, 12, 6, 1536, 1e-12);

        double maxDiffTokens = 0; // positions with attention_mask 1
        double maxDiffPadding = 0; // padding positions: their rows are computed too, and must agree as well
        double maxMagnitude = 0;
        for (int b = 0; b < ids.length; b++) {
            double[][] ours = bert.lastHiddenState(ids[b], mask[b], types[b]);
            for (int t = 0; t < ids[b].length; t++) {
                for (int d = 0; d < HIDDEN; d++) {
                    double diff = Math.abs(ours[t][d] - reference[b][t][d]);
                    if (mask[b][t] == 1) {
                        maxDiffTokens = Math.max(maxDiffTokens, diff);
                    } else {
                        maxDiffPadding = Math.max(maxDiffPadding, diff);
                    }
                    maxMagnitude = Math.max(maxMagnitude, Math.abs(reference[b][t][d]));
                }
            }
        }
        System.out.printf("MiniLM scalar forward vs onnxruntime: max |diff| %.3g on tokens, %.3g on padding"
                + " (max |value| %.3g)%n", maxDiffTokens, maxDiffPadding, maxMagnitude);
        assertTrue(maxMagnitude > 1, "onnxruntime returned near-zero states: " + maxMagnitude);
        assertTrue(maxDiffTokens <= 1e-4, "max |diff| on tokens " + maxDiffTokens);
        assertTrue(maxDiffPadding <= 1e-4, "max |diff| on padding " + maxDiffPadding);
    }

    @Test
    void secondEnsureImportedReusesTheDirectory() throws IOException {
        FileTime written = Files.getLastModifiedTime(imported.resolve("model.safetensors"));
        List<String> lines = new ArrayList<>();
        assertEquals(imported, MiniLmImporter.ensureImported(lines::add));
        assertEquals(List.of("using all-MiniLM-L6-v2 imported earlier in " + imported), lines);
        assertEquals(written, Files.getLastModifiedTime(imported.resolve("model.safetensors")));
    }

    @Test
    void importRefusesANonEmptyDirectoryAndLeavesItAlone() throws IOException {
        Path occupied = Files.createDirectories(scratch.resolve("occupied"));
        Files.writeString(occupied.resolve("notes.txt"), "keep me");
        IOException error = assertThrows(IOException.class, () -> MiniLmImporter.importTo(occupied));
        assertTrue(error.getMessage().contains(occupied.toString()), error.getMessage());
        assertTrue(error.getMessage().contains("not empty"), error.getMessage());
        assertEquals("keep me", Files.readString(occupied.resolve("notes.txt")));
        try (Stream<Path> files = Files.list(occupied)) {
            assertEquals(1, files.count());
        }
    }

    @Test
    void mappingListsMissingUnexpectedDuplicatedAndMisshapenTensors() throws IOException {
        // A project-written fixture graph, not a real model.
        byte[] graph = message()
                .bytes(1, node("/encoder/layer.0/attention/self/bogus/MatMul", "MatMul",
                        List.of("x", "onnx::MatMul_9"), List.of("y")))
                .bytes(5, floatTensor("embeddings.word_embeddings.weight", new long[] {2, 2}, 1, 2, 3, 4))
                .bytes(5, floatTensor("onnx::MatMul_9", new long[] {2, 3}, 1, 2, 3, 4, 5, 6))
                .bytes(5, floatTensor("embeddings.LayerNorm.bias", new long[] {1}, 1))
                .bytes(5, floatTensor("embeddings.LayerNorm.bias", new long[] {1}, 2))
                .toByteArray();
        Path fixture = Files.write(scratch.resolve("fixture.onnx"), model(graph));
        try (OnnxModel onnx = OnnxModelReader.read(fixture)) {
            IOException error = assertThrows(IOException.class, () -> MiniLmImporter.mapToHuggingFace(onnx));
            String message = error.getMessage();
            assertTrue(message.startsWith(fixture + " does not hold the all-MiniLM-L6-v2 BERT weights"), message);
            assertTrue(message.contains(
                    "\n  wrong shape: embeddings.word_embeddings.weight [2, 2], expected [30522, 384]"), message);
            assertTrue(message.contains("\n  unexpected: encoder.layer.0.attention.self.bogus.weight [3, 2]"
                    + " (from initializer onnx::MatMul_9)"), message);
            assertTrue(message.contains("\n  found twice: embeddings.LayerNorm.bias"), message);
            assertTrue(message.contains("\n  missing: encoder.layer.5.output.LayerNorm.bias [384]"), message);
            assertTrue(!message.contains("missing: embeddings.word_embeddings.weight"), message);
            // 99 of the 101 expected tensors are absent, plus 4 other problems.
            assertEquals(99, message.lines().filter(line -> line.startsWith("  missing: ")).count(), message);
        }
    }
}
