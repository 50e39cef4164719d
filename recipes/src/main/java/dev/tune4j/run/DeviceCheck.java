package dev.tune4j.run;

import dev.tune4j.engine.ComputeDevice;
import dev.tune4j.engine.GpuAvailability;
import dev.tune4j.recipe.Recipe;
import java.util.Optional;

/**
 * The machine check of a recipe's {@code device}: a recipe with {@code device: gpu} on a machine where no GPU is usable
 * ({@link GpuAvailability}) is warned about by {@code validate} and refused by {@code run} and {@code compare} before
 * anything is fetched, written or trained. A CPU recipe needs no check and starts nothing.
 */
public final class DeviceCheck {
    private DeviceCheck() {}

    /** For a recipe with {@code device: gpu}, why no GPU is usable here and what to do; empty otherwise. */
    public static Optional<String> problem(Recipe recipe) {
        if (ComputeDevice.named(recipe.device()).orElse(null) != ComputeDevice.GPU) {
            return Optional.empty();
        }
        GpuAvailability gpu = GpuAvailability.probe();
        return gpu.usable() ? Optional.empty() : Optional.of("no GPU is usable on this machine: " + gpu.why() + "; "
                + gpu.fix());
    }

    /**
     * Refuses a recipe with {@code device: gpu} when no GPU is usable.
     *
     * @throws IllegalStateException naming the recipe, why no GPU is usable and what to do, in one line
     */
    public static void require(Recipe recipe) {
        if (ComputeDevice.named(recipe.device()).orElse(null) == ComputeDevice.GPU) {
            GpuAvailability.probe().requireUsable("recipe '" + recipe.name() + "' (device: gpu)",
                    "or set device: cpu");
        }
    }
}
