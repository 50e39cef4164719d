package dev.tune4j.optim.galore;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tune4j.optim.RuleState;
import dev.tune4j.optim.TensorMemory;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The end of a GaLore step on a float32 CPU weight in one Vector API pass over its memory: {@code w ← w + α·U} with
 * U the back-projected update, then the decoupled weight decay {@code w ← w − d·w} with {@code d = lr·wd}, the last
 * two steps of the reference GaLore implementation's AdamW step (Zhao et al., 2024), which adds the scaled
 * back-projected update first and applies the decay to the updated weight. The float operations and their order
 * are those of the engine calls it replaces ({@code U·α}, {@code w + ·}, {@code w·d}, {@code w − ·}, each rounded), so the
 * result is theirs bit for bit; it saves the four passes over the weight and the temporary m×n tensor that the engine
 * calls make. Other weights (another dtype, or not in CPU memory) take the engine calls.
 */
final class BackProjectedUpdate {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private BackProjectedUpdate() {}

    /**
     * Adds α times the back-projection of the low-rank update N to {@code weight}, then decays it by {@code decay};
     * a float32 CPU weight in one pass ({@link #apply(MemorySegment, MemorySegment, long, float, float)}), any other
     * through engine calls in the same order ({@code U·α}, {@code w + ·}, {@code w·d}, {@code w − ·}).
     *
     * @param bases the state holding the projector's bases
     * @param decay d = lr·wd (none when 0)
     * @param engine whether to take the engine calls even for a float32 CPU weight (the engine-op path)
     */
    static void apply(NDArray weight, GaLoreProjector projector, RuleState bases, NDArray lowRankUpdate, double decay,
            boolean engine, NDManager scratch) {
        if (!engine && weight.getDataType() == DataType.FLOAT32
                && weight.getDevice().getDeviceType().equals(Device.Type.CPU)) {
            NDArray update = projector.backProject(bases, lowRankUpdate, scratch);
            apply(TensorMemory.of(weight), TensorMemory.of(update), weight.size(), (float) projector.settings().scale(),
                    decay > 0 ? (float) decay : 0f);
            return;
        }
        NDArray update = projector.projectBack(bases, lowRankUpdate, scratch);
        NDArray target = weight.stopGradient();
        try {
            if (target.getDataType() == DataType.FLOAT32) {
                target.addi(update);
            } else {
                try (NDArray cast = update.toType(target.getDataType(), true)) {
                    target.addi(cast);
                }
            }
            if (decay > 0) {
                try (NDArray decrement = target.mul(decay)) {
                    target.subi(decrement);
                }
            }
        } finally {
            target.close();
        }
    }

    /**
     * Applies the update to {@code count} floats of {@code weight}.
     *
     * @param update U, the back-projected update (not yet scaled), read only
     * @param scale α
     * @param decay d = lr·wd; no decay when it is 0 (then not even {@code w − 0·w}, which would turn ±∞ into NaN)
     */
    static void apply(MemorySegment weight, MemorySegment update, long count, float scale, float decay) {
        if (weight.byteSize() != count * Float.BYTES || update.byteSize() != count * Float.BYTES) {
            throw new IllegalArgumentException("weight (" + weight.byteSize() + " bytes) and update ("
                    + update.byteSize() + " bytes) must both hold " + count + " floats");
        }
        boolean decays = decay != 0;
        long i = 0;
        for (long bound = count - count % SPECIES.length(); i < bound; i += SPECIES.length()) {
            long offset = i * Float.BYTES;
            FloatVector w = FloatVector.fromMemorySegment(SPECIES, weight, offset, ORDER)
                    .add(FloatVector.fromMemorySegment(SPECIES, update, offset, ORDER).mul(scale));
            if (decays) {
                w = w.sub(w.mul(decay));
            }
            w.intoMemorySegment(weight, offset, ORDER);
        }
        for (; i < count; i++) {
            float w = weight.getAtIndex(FLOAT, i) + update.getAtIndex(FLOAT, i) * scale;
            if (decays) {
                w = w - w * decay;
            }
            weight.setAtIndex(FLOAT, i, w);
        }
    }
}
