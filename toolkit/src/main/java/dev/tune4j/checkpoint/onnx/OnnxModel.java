package dev.tune4j.checkpoint.onnx;

import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The graph of an ONNX model file as {@link OnnxModelReader} reads it: initializers and nodes. The initializers' data
 * are views into the memory-mapped file, so the weights are never copied onto the Java heap; they stay valid until
 * {@link #close()}.
 */
public final class OnnxModel implements AutoCloseable {
    private final Path file;
    private final Arena arena;
    private final List<OnnxInitializer> initializers;
    private final List<OnnxNode> nodes;
    private final Map<String, OnnxInitializer> initializersByName;

    OnnxModel(Path file, Arena arena, List<OnnxInitializer> initializers, List<OnnxNode> nodes) {
        this.file = file;
        this.arena = arena;
        this.initializers = List.copyOf(initializers);
        this.nodes = List.copyOf(nodes);
        Map<String, OnnxInitializer> byName = new LinkedHashMap<>();
        for (OnnxInitializer initializer : this.initializers) {
            byName.putIfAbsent(initializer.name(), initializer);
        }
        this.initializersByName = byName;
    }

    /** The file this model was read from. */
    public Path file() {
        return file;
    }

    /** The graph's initializers in file order (GraphProto field 5). */
    public List<OnnxInitializer> initializers() {
        return initializers;
    }

    /** The graph's nodes in file order (GraphProto field 1). */
    public List<OnnxNode> nodes() {
        return nodes;
    }

    /** The initializer with this name (the first one, should a broken file repeat it). */
    public Optional<OnnxInitializer> initializer(String name) {
        return Optional.ofNullable(initializersByName.get(name));
    }

    /** Unmaps the file; the initializers' data must not be used afterwards. */
    @Override
    public void close() {
        arena.close();
    }
}
