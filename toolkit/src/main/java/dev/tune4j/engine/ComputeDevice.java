package dev.tune4j.engine;

import ai.djl.Device;
import dev.tune4j.io.Spelled;
import java.util.Optional;

/** Where a model trains: written {@code cpu} or {@code gpu}. */
public enum ComputeDevice implements Spelled {
    /** The host's CPUs. */
    CPU,
    /** The first GPU the engine sees. */
    GPU;

    /** DJL's device. */
    public Device djl() {
        return this == GPU ? Device.gpu() : Device.cpu();
    }

    /** The device spelled {@code word}, if there is one. */
    public static Optional<ComputeDevice> named(String word) {
        return Spelled.parse(ComputeDevice.class, word);
    }
}
