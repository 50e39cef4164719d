package dev.tune4j.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tune4j.io.InputFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The weights of a model, as Hugging Face stores them: one safetensors file or several shards with an index.
 *
 * <p>{@link #open} accepts, in this order of preference:
 *
 * <ol>
 *   <li>a directory holding {@value #INDEX_FILE} (a {@code weight_map} from tensor name to shard file name; the
 *       shards sit beside it);
 *   <li>a directory holding {@value #SINGLE_FILE};
 *   <li>a directory holding exactly one {@code *.safetensors} file (an adapter, for example);
 *   <li>a {@code .safetensors} file, or an {@code .index.json} file naming shards.
 * </ol>
 *
 * <p>PyTorch pickle checkpoints ({@code *.bin}, {@code *.pt}, {@code *.pth}, {@code *.ckpt}, or a directory that
 * holds only {@code pytorch_model.bin}) are refused: unpickling can execute arbitrary code. Every shard's header is
 * validated when the checkpoint opens; tensor data is read only by {@link #load}.
 */
public final class Checkpoint implements AutoCloseable {
    /** The index of a sharded Hugging Face checkpoint. */
    public static final String INDEX_FILE = "model.safetensors.index.json";

    /** The single weights file of an unsharded Hugging Face checkpoint. */
    public static final String SINGLE_FILE = "model.safetensors";

    private static final List<String> PICKLE_SUFFIXES = List.of(".bin", ".pt", ".pth", ".ckpt", ".pkl");

    private final Path location;
    private final List<SafeTensorsFile> files;
    private final Map<String, SafeTensorsFile> fileOf;

    private Checkpoint(Path location, List<SafeTensorsFile> files, Map<String, SafeTensorsFile> fileOf) {
        this.location = location;
        this.files = List.copyOf(files);
        this.fileOf = Collections.unmodifiableMap(new TreeMap<>(fileOf));
    }

    /**
     * Opens a model directory or a weights file and validates every shard's header.
     *
     * @param dirOrFile a model directory, a {@code .safetensors} file or a {@code .safetensors.index.json} file
     * @throws SafeTensorsFormatException if nothing readable is there, a pickle checkpoint is found, the index is
     *     malformed, names a missing shard or a tensor its shard lacks, or a shard is not valid safetensors
     * @throws IOException if a file cannot be read
     */
    public static Checkpoint open(Path dirOrFile) throws IOException {
        if (Files.isDirectory(dirOrFile)) {
            return openDirectory(dirOrFile);
        }
        if (!Files.exists(dirOrFile)) {
            throw new java.nio.file.NoSuchFileException(dirOrFile.toString(), null,
                    "no model directory or weights file here");
        }
        String name = dirOrFile.getFileName().toString().toLowerCase(Locale.ROOT);
        if (isPickle(name) || name.endsWith(".bin.index.json")) {
            throw pickleRefusal(dirOrFile);
        }
        if (name.endsWith(".index.json")) {
            return openIndex(dirOrFile);
        }
        if (name.endsWith(".safetensors")) {
            return single(dirOrFile, dirOrFile);
        }
        throw new SafeTensorsFormatException(dirOrFile, "not a checkpoint: expected a model directory, a"
                + " .safetensors file or a " + INDEX_FILE + " file");
    }

    private static Checkpoint openDirectory(Path directory) throws IOException {
        Path index = directory.resolve(INDEX_FILE);
        if (Files.isRegularFile(index)) {
            return openIndex(index);
        }
        Path single = directory.resolve(SINGLE_FILE);
        if (Files.isRegularFile(single)) {
            return single(directory, single);
        }
        List<Path> safetensors = new ArrayList<>();
        List<Path> pickles = new ArrayList<>();
        try (Stream<Path> entries = Files.list(directory)) {
            for (Path entry : entries.sorted().toList()) {
                String name = entry.getFileName().toString().toLowerCase(Locale.ROOT);
                if (name.endsWith(".safetensors")) {
                    safetensors.add(entry);
                } else if (isPickle(name)) {
                    pickles.add(entry);
                }
            }
        }
        if (safetensors.size() == 1) {
            return single(directory, safetensors.getFirst());
        }
        if (safetensors.isEmpty() && !pickles.isEmpty()) {
            throw pickleRefusal(pickles.getFirst());
        }
        throw new SafeTensorsFormatException(directory, safetensors.isEmpty()
                ? "no " + SINGLE_FILE + ", " + INDEX_FILE + " or other .safetensors file in this directory"
                : "holds " + safetensors.size() + " .safetensors files but neither " + SINGLE_FILE + " nor "
                        + INDEX_FILE + "; pass the file to open directly");
    }

    private static boolean isPickle(String lowerCaseName) {
        return PICKLE_SUFFIXES.stream().anyMatch(lowerCaseName::endsWith);
    }

    private static SafeTensorsFormatException pickleRefusal(Path file) {
        return new SafeTensorsFormatException(file, "is a PyTorch pickle checkpoint. Loading pickle can execute"
                + " arbitrary code, so tune4j reads only safetensors. Download the model's .safetensors weights"
                + " instead (most Hugging Face repositories have them), or convert once in Python on a machine you"
                + " trust: AutoModel.from_pretrained(dir).save_pretrained(out, safe_serialization=True), or"
                + " safetensors.torch.save_file(torch.load(file, weights_only=True), 'model.safetensors')");
    }

    private static Checkpoint single(Path location, Path file) throws IOException {
        SafeTensorsFile opened = SafeTensorsFile.open(file);
        Map<String, SafeTensorsFile> fileOf = new LinkedHashMap<>();
        for (TensorInfo info : opened.tensors()) {
            fileOf.put(info.name(), opened);
        }
        return new Checkpoint(location, List.of(opened), fileOf);
    }

    private static Checkpoint openIndex(Path index) throws IOException {
        InputFiles.requireRegularFile(index, "safetensors index");
        if (Files.size(index) > SafeTensorsFile.MAX_HEADER_BYTES) {
            throw new SafeTensorsFormatException(index, "index is " + Files.size(index) + " bytes, more than the "
                    + SafeTensorsFile.MAX_HEADER_BYTES + "-byte limit; this is not a safetensors index");
        }
        JsonNode root;
        try {
            root = SafeTensorsHeader.JSON.readTree(InputFiles.readUtf8(index, "safetensors index"));
        } catch (JacksonException e) {
            throw new SafeTensorsFormatException(index, "index is not valid JSON: " + e.getOriginalMessage(), e);
        }
        JsonNode weightMap = root == null ? null : root.get("weight_map");
        if (weightMap == null || !weightMap.isObject()) {
            throw new SafeTensorsFormatException(index, "index must be a JSON object with a \"weight_map\" object"
                    + " from tensor name to shard file name");
        }
        Path directory = index.toAbsolutePath().getParent();
        Map<String, SafeTensorsFile> shards = new LinkedHashMap<>();
        Map<String, SafeTensorsFile> fileOf = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, JsonNode> entry : weightMap.properties()) {
                String tensor = entry.getKey();
                JsonNode shardNode = entry.getValue();
                if (!shardNode.isTextual()) {
                    throw new SafeTensorsFormatException(index, "weight_map entry for tensor '" + tensor
                            + "' must be a shard file name, found " + shardNode.getNodeType());
                }
                String shardName = shardNode.textValue();
                SafeTensorsFile shard = shards.get(shardName);
                if (shard == null) {
                    shard = SafeTensorsFile.open(resolveShard(index, directory, tensor, shardName));
                    shards.put(shardName, shard);
                }
                if (!shard.contains(tensor)) {
                    throw new SafeTensorsFormatException(index, "weight_map puts tensor '" + tensor + "' in shard "
                            + shardName + ", but that shard has no such tensor (index and shards out of sync?)");
                }
                fileOf.put(tensor, shard);
            }
        } catch (IOException | RuntimeException e) {
            for (SafeTensorsFile shard : shards.values()) {
                try {
                    shard.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
        return new Checkpoint(index, new ArrayList<>(shards.values()), fileOf);
    }

    private static Path resolveShard(Path index, Path directory, String tensor, String shardName)
            throws SafeTensorsFormatException {
        Path shard = directory.resolve(shardName).normalize();
        if (shardName.isEmpty() || !shard.getParent().equals(directory.normalize())) {
            throw new SafeTensorsFormatException(index, "weight_map names shard '" + shardName + "' for tensor '"
                    + tensor + "'; shards must be plain file names in the index's directory");
        }
        if (!Files.isRegularFile(shard)) {
            throw new SafeTensorsFormatException(index, "weight_map names shard " + shardName + " for tensor '"
                    + tensor + "', but " + shard + " does not exist (incomplete download?)");
        }
        return shard;
    }

    /** Every tensor name, sorted. */
    public Set<String> names() {
        return Collections.unmodifiableSet(new TreeSet<>(fileOf.keySet()));
    }

    /**
     * One tensor's header entry; its offsets are relative to its own shard's data buffer.
     *
     * @throws IllegalArgumentException if the checkpoint has no tensor of that name
     */
    public TensorInfo info(String name) {
        return fileFor(name).info(name);
    }

    /**
     * Loads one tensor into a new engine array owned by {@code manager} (see {@link SafeTensorsFile#load}).
     *
     * @throws IllegalArgumentException if the checkpoint has no tensor of that name
     */
    public NDArray load(String name, NDManager manager) {
        return fileFor(name).load(name, manager);
    }

    /** The file that holds a tensor. */
    public Path fileOf(String name) {
        return fileFor(name).path();
    }

    /** The sum of every tensor's byte count in the files (BF16 counts 2 bytes per element). */
    public long totalBytes() {
        long total = 0;
        for (Map.Entry<String, SafeTensorsFile> entry : fileOf.entrySet()) {
            total += entry.getValue().info(entry.getKey()).byteCount();
        }
        return total;
    }

    private SafeTensorsFile fileFor(String name) {
        SafeTensorsFile file = fileOf.get(name);
        if (file == null) {
            throw new IllegalArgumentException(location + ": no tensor '" + name + "' in this checkpoint ("
                    + fileOf.size() + " tensors)");
        }
        return file;
    }

    /** Closes every shard. */
    @Override
    public void close() throws IOException {
        IOException failure = null;
        for (SafeTensorsFile file : files) {
            try {
                file.close();
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public String toString() {
        return "Checkpoint[" + location + ", " + fileOf.size() + " tensors in " + files.size() + " file(s)]";
    }
}
