package dev.tune4j.optim;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.tune4j.checkpoint.SafeTensorsFile;
import dev.tune4j.checkpoint.SafeTensorsWriter;
import dev.tune4j.checkpoint.TensorInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every state tensor of one optimizer, by owner (the parameter's name) and state name, in a manager the optimizer owns:
 * nothing leaks, {@link #bytes()} is exact, and the tensors save as {@code <owner>::<name>} in one safetensors file.
 */
final class StateStore implements AutoCloseable {
    private static final String SEPARATOR = "::";

    private final NDManager manager = NDManager.newBaseManager();
    private final Map<String, Map<String, NDArray>> tensors = new LinkedHashMap<>(); // owner -> name -> tensor

    /**
     * The tensor {@code spec} of {@code owner} on {@code device} (its parameter's): zeros there on first use; a loaded
     * one must match the spec, and moves to {@code device} if it was loaded elsewhere (state files load on the CPU).
     */
    NDArray tensor(String owner, StateSpec spec, Device device) {
        Map<String, NDArray> ofOwner = tensors.computeIfAbsent(owner, key -> new LinkedHashMap<>());
        NDArray tensor = ofOwner.get(spec.name());
        if (tensor == null) {
            tensor = manager.zeros(spec.shape(), spec.dataType(), device);
            ofOwner.put(spec.name(), tensor);
        } else if (!tensor.getDevice().equals(device)) {
            NDArray moved = tensor.toDevice(device, true);
            moved.attach(manager);
            tensor.close();
            ofOwner.put(spec.name(), moved);
            tensor = moved;
        }
        if (!tensor.getShape().equals(spec.shape()) || tensor.getDataType() != spec.dataType()) {
            throw new IllegalStateException("state " + spec.name() + " of " + owner + " is " + tensor.getShape() + " "
                    + tensor.getDataType() + ", but the rule declares " + spec.shape() + " " + spec.dataType()
                    + "; resume with the model and options of the saved run");
        }
        return tensor;
    }

    /** Whether {@code owner} holds a tensor {@code name}. */
    boolean has(String owner, String name) {
        Map<String, NDArray> ofOwner = tensors.get(owner);
        return ofOwner != null && ofOwner.containsKey(name);
    }

    /** Frees the tensor {@code name} of {@code owner}, if any. */
    void forget(String owner, String name) {
        Map<String, NDArray> ofOwner = tensors.get(owner);
        if (ofOwner != null) {
            NDArray removed = ofOwner.remove(name);
            if (removed != null) {
                removed.close();
            }
        }
    }

    /** Frees every tensor of {@code owner}. */
    void forget(String owner) {
        Map<String, NDArray> ofOwner = tensors.remove(owner);
        if (ofOwner != null) {
            ofOwner.values().forEach(NDArray::close);
        }
    }

    /** Bytes of every tensor held now. */
    long bytes() {
        long bytes = 0;
        for (Map<String, NDArray> ofOwner : tensors.values()) {
            for (NDArray tensor : ofOwner.values()) {
                bytes += tensor.size() * tensor.getDataType().getNumOfBytes();
            }
        }
        return bytes;
    }

    /** Writes every tensor to {@code file}, with {@code metadata} in its header. */
    void save(Path file, Map<String, String> metadata) throws IOException {
        List<SafeTensorsWriter.Entry> entries = new ArrayList<>();
        tensors.forEach((owner, ofOwner) -> ofOwner.forEach((name, tensor) ->
                entries.add(SafeTensorsWriter.Entry.of(owner + SEPARATOR + name, tensor))));
        SafeTensorsWriter.write(file, entries, metadata);
    }

    /** Replaces every tensor by those of {@code file}. */
    void load(Path file) throws IOException {
        Map<String, Map<String, NDArray>> loaded = new LinkedHashMap<>();
        try (SafeTensorsFile saved = SafeTensorsFile.open(file)) { // on the CPU; tensor() moves them on first use
            for (TensorInfo info : saved.tensors()) {
                int split = info.name().lastIndexOf(SEPARATOR);
                if (split < 0) {
                    loaded.values().forEach(ofOwner -> ofOwner.values().forEach(NDArray::close));
                    throw new IOException(file + ": tensor '" + info.name() + "' is not optimizer state");
                }
                loaded.computeIfAbsent(info.name().substring(0, split), key -> new LinkedHashMap<>())
                        .put(info.name().substring(split + SEPARATOR.length()), saved.load(info.name(), manager));
            }
        }
        clear();
        tensors.putAll(loaded);
    }

    private void clear() {
        tensors.values().forEach(ofOwner -> ofOwner.values().forEach(NDArray::close));
        tensors.clear();
    }

    @Override
    public void close() {
        tensors.clear();
        manager.close();
    }
}
