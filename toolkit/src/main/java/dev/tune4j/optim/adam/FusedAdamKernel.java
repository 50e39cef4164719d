package dev.tune4j.optim.adam;

import dev.tune4j.optim.KernelThreads;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fused Adam/AdamW update: one pass over the float32 memory of weight, gradient, first and second moment, in
 * place, with {@link FloatVector} ({@link FloatVector#SPECIES_PREFERRED}) and a scalar tail. Per element, in float:
 *
 * <pre>
 *   g = g · gradientScale                    // gradient clipping's factor (1 when the clip does not act)
 *   g = fma(l2, θ, g)                        // Adam's L2 term (l2 = 0 for AdamW)
 *   θ = θ · decayFactor                      // AdamW's decoupled decay (factor 1 for Adam)
 *   m = fma(1-β1, g, β1·m)
 *   v = fma(1-β2, g·g, β2·v)
 *   denom = fma(sqrt(v), 1/sqrt(1-β2^t), eps)
 *   θ = fma(-lr/(1-β1^t), m / denom, θ)
 * </pre>
 *
 * <p>Scaling the gradient here, as it is read, gives the same bits as scaling the gradient tensor first (one float
 * multiply either way) and spares a pass that reads and writes every gradient: clipping costs the kernel nothing.
 *
 * <p>With {@code skipNonFinite} (8-bit Adam's float32 tensors, as bitsandbytes does it), an element whose gradient is
 * NaN or ±Inf (before the L2 term) keeps its weight and gets {@code m = v = 0}.
 *
 * <p>{@link ScalarAdam} is the same sequence of correctly rounded float operations without the Vector API, so the two
 * agree bit for bit. The kernel does not zero the gradient (the optimizer does).
 */
public final class FusedAdamKernel {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ORDER);

    /** Elements per parallel chunk of {@link #updateInChunks}: 256 KiB of each of the four streams. */
    public static final long CHUNK_ELEMENTS = 1 << 16;

    private FusedAdamKernel() {}

    /** Lanes per vector of the preferred species on this machine. */
    static int lanes() {
        return SPECIES.length();
    }

    /**
     * Updates all {@code count} elements of the four float32 segments in place, split into chunks of
     * {@value #CHUNK_ELEMENTS} elements on {@link KernelThreads}; element-wise, so the same bits on any thread count.
     * Every gradient element is multiplied by {@code gradientScale} as it is read (the gradient memory is not written).
     *
     * @param skipNonFinite as in {@link #update(MemorySegment, MemorySegment, MemorySegment, MemorySegment, long, long,
     *     AdamStep, float, boolean)}
     */
    public static void updateInChunks(MemorySegment weight, MemorySegment gradient, MemorySegment m, MemorySegment v,
            long count, AdamStep step, float gradientScale, boolean skipNonFinite) {
        KernelThreads.forEachChunk(count, CHUNK_ELEMENTS,
                (chunk, from, to) -> update(weight, gradient, m, v, from, to, step, gradientScale, skipNonFinite));
    }

    /**
     * Updates elements {@code [from, to)} of the four float32 segments in place.
     *
     * @param weight θ, read and written
     * @param gradient g, read only
     * @param m first moment, read and written
     * @param v second moment, read and written
     */
    public static void update(MemorySegment weight, MemorySegment gradient, MemorySegment m, MemorySegment v, long from,
            long to, AdamStep step) {
        update(weight, gradient, m, v, from, to, step, 1f, false);
    }

    /**
     * Updates elements {@code [from, to)} of the four float32 segments in place, optionally leaving the elements with a
     * non-finite gradient alone (weight kept, {@code m = v = 0}).
     *
     * @param weight θ, read and written
     * @param gradient g, read only
     * @param m first moment, read and written
     * @param v second moment, read and written
     * @param gradientScale factor each gradient element is multiplied by (in float) before anything else uses it
     * @param skipNonFinite whether an element whose gradient is NaN or ±Inf keeps its weight and gets zero moments
     */
    public static void update(MemorySegment weight, MemorySegment gradient, MemorySegment m, MemorySegment v, long from,
            long to, AdamStep step, float gradientScale, boolean skipNonFinite) {
        float l2 = step.l2();
        float decay = step.decayFactor();
        float beta1 = step.beta1Float();
        float oneMinusBeta1 = step.oneMinusBeta1();
        float beta2 = step.beta2Float();
        float oneMinusBeta2 = step.oneMinusBeta2();
        float inverseSqrtBc2 = step.inverseSqrtBiasCorrection2();
        float eps = step.epsFloat();
        float negativeStepSize = -step.stepSize();

        int lanes = SPECIES.length();
        long vectorEnd = from + (to - from) / lanes * lanes;
        long i = from;
        if (!skipNonFinite) {
            for (; i < vectorEnd; i += lanes) {
                long offset = i * Float.BYTES;
                FloatVector theta = FloatVector.fromMemorySegment(SPECIES, weight, offset, ORDER);
                FloatVector g = FloatVector.fromMemorySegment(SPECIES, gradient, offset, ORDER).mul(gradientScale);
                FloatVector mi = FloatVector.fromMemorySegment(SPECIES, m, offset, ORDER);
                FloatVector vi = FloatVector.fromMemorySegment(SPECIES, v, offset, ORDER);
                g = theta.lanewise(VectorOperators.FMA, l2, g);
                theta = theta.mul(decay);
                mi = g.lanewise(VectorOperators.FMA, oneMinusBeta1, mi.mul(beta1));
                vi = g.mul(g).lanewise(VectorOperators.FMA, oneMinusBeta2, vi.mul(beta2));
                FloatVector denom = vi.sqrt().lanewise(VectorOperators.FMA, inverseSqrtBc2, eps);
                theta = mi.div(denom).lanewise(VectorOperators.FMA, negativeStepSize, theta);
                mi.intoMemorySegment(m, offset, ORDER);
                vi.intoMemorySegment(v, offset, ORDER);
                theta.intoMemorySegment(weight, offset, ORDER);
            }
        } else {
            FloatVector zero = FloatVector.zero(SPECIES);
            for (; i < vectorEnd; i += lanes) {
                long offset = i * Float.BYTES;
                FloatVector theta0 = FloatVector.fromMemorySegment(SPECIES, weight, offset, ORDER);
                FloatVector g = FloatVector.fromMemorySegment(SPECIES, gradient, offset, ORDER).mul(gradientScale);
                FloatVector mi = FloatVector.fromMemorySegment(SPECIES, m, offset, ORDER);
                FloatVector vi = FloatVector.fromMemorySegment(SPECIES, v, offset, ORDER);
                VectorMask<Float> finite = g.abs().compare(VectorOperators.LT, Float.POSITIVE_INFINITY);
                g = theta0.lanewise(VectorOperators.FMA, l2, g);
                FloatVector theta = theta0.mul(decay);
                mi = g.lanewise(VectorOperators.FMA, oneMinusBeta1, mi.mul(beta1));
                vi = g.mul(g).lanewise(VectorOperators.FMA, oneMinusBeta2, vi.mul(beta2));
                FloatVector denom = vi.sqrt().lanewise(VectorOperators.FMA, inverseSqrtBc2, eps);
                theta = mi.div(denom).lanewise(VectorOperators.FMA, negativeStepSize, theta);
                zero.blend(mi, finite).intoMemorySegment(m, offset, ORDER);
                zero.blend(vi, finite).intoMemorySegment(v, offset, ORDER);
                theta0.blend(theta, finite).intoMemorySegment(weight, offset, ORDER);
            }
        }
        for (; i < to; i++) {
            long offset = i * Float.BYTES;
            float theta = weight.get(FLOAT, offset);
            float g = gradient.get(FLOAT, offset) * gradientScale;
            if (skipNonFinite && !Float.isFinite(g)) {
                m.set(FLOAT, offset, 0f);
                v.set(FLOAT, offset, 0f);
                continue;
            }
            float mi = m.get(FLOAT, offset);
            float vi = v.get(FLOAT, offset);
            g = Math.fma(l2, theta, g);
            theta = theta * decay;
            mi = Math.fma(oneMinusBeta1, g, beta1 * mi);
            vi = Math.fma(oneMinusBeta2, g * g, beta2 * vi);
            float denom = Math.fma((float) Math.sqrt(vi), inverseSqrtBc2, eps);
            theta = Math.fma(negativeStepSize, mi / denom, theta);
            m.set(FLOAT, offset, mi);
            v.set(FLOAT, offset, vi);
            weight.set(FLOAT, offset, theta);
        }
    }
}
