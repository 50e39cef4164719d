package dev.tune4j.optim.q8;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The CPU kernels of 8-bit and 32-bit Adam: Java loops over zero-copy views of the weight, gradient and state tensors
 * ({@link dev.tune4j.optim.TensorMemory}), updating everything in place. The element math is the one documented on
 * {@link AdamStepConstants}; the float operations are the same, in the same order, in the vector and the scalar
 * lanes, so the result does not depend on the vector width.
 *
 * <p>8-bit step, block by block (algorithms.md §3.3): dequantize both moments ({@code map[code]·absmax}), update them
 * and the weight in float32, take the new per-block absmax of each moment, and requantize to the nearest map value
 * ({@link DynamicQuantizationMap#quantize}). The first moment gets bitsandbytes' sign guard: a strictly negative value
 * whose nearest code is +0 gets the next code down, so small negative momenta never become zero (−0.0 counts as zero
 * here, where CUDA's {@code signbit} would move it too). A block whose moment is all zero stores absmax 0 and the
 * zero code, so it dequantizes to exact zeros (bitsandbytes' PyTorch reference stores absmax 1 instead; the values are
 * the same).
 */
public final class BlockwiseAdamKernel {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final DynamicQuantizationMap MAP1 = DynamicQuantizationMap.signed();
    private static final DynamicQuantizationMap MAP2 = DynamicQuantizationMap.unsigned();

    private BlockwiseAdamKernel() {}

    /**
     * One 8-bit step of a tensor of {@code size} elements.
     *
     * @param weight float32 weights, updated in place
     * @param gradient float32 gradients, read only
     * @param codes1 first-moment codes (one byte per element, signed map)
     * @param absmax1 first-moment float32 absmax per block
     * @param codes2 second-moment codes (unsigned map)
     * @param absmax2 second-moment absmax per block
     * @param blockSize elements per block; the last block may be shorter
     */
    public static void step8bit(MemorySegment weight, MemorySegment gradient, MemorySegment codes1,
            MemorySegment absmax1, MemorySegment codes2, MemorySegment absmax2, long size, int blockSize,
            AdamStepConstants constants) {
        long blocks = (size + blockSize - 1) / blockSize;
        checkBytes("weight", weight, size * 4);
        checkBytes("gradient", gradient, size * 4);
        checkBytes("first-moment codes", codes1, size);
        checkBytes("second-moment codes", codes2, size);
        checkBytes("first-moment absmax", absmax1, blocks * 4);
        checkBytes("second-moment absmax", absmax2, blocks * 4);
        float[] m = new float[blockSize];
        float[] v = new float[blockSize];
        float[] map1 = MAP1.values();
        float[] map2 = MAP2.values();
        for (long block = 0; block < blocks; block++) {
            long start = block * blockSize;
            int length = (int) Math.min(blockSize, size - start);
            float scale1 = absmax1.getAtIndex(FLOAT, block);
            float scale2 = absmax2.getAtIndex(FLOAT, block);
            for (int j = 0; j < length; j++) {
                m[j] = map1[codes1.get(ValueLayout.JAVA_BYTE, start + j) & 0xff] * scale1;
                v[j] = map2[codes2.get(ValueLayout.JAVA_BYTE, start + j) & 0xff] * scale2;
            }
            update(weight, gradient, start, m, v, length, constants);
            float max1 = 0;
            float max2 = 0;
            int j = 0;
            for (int bound = SPECIES.loopBound(length); j < bound; j += SPECIES.length()) {
                max1 = Math.max(max1, FloatVector.fromArray(SPECIES, m, j).abs().reduceLanes(VectorOperators.MAX));
                max2 = Math.max(max2, FloatVector.fromArray(SPECIES, v, j).abs().reduceLanes(VectorOperators.MAX));
            }
            for (; j < length; j++) {
                max1 = Math.max(max1, Math.abs(m[j]));
                max2 = Math.max(max2, Math.abs(v[j]));
            }
            absmax1.setAtIndex(FLOAT, block, max1);
            absmax2.setAtIndex(FLOAT, block, max2);
            for (j = 0; j < length; j++) {
                codes1.set(ValueLayout.JAVA_BYTE, start + j, (byte) quantizeFirst(m[j], max1));
                codes2.set(ValueLayout.JAVA_BYTE, start + j, (byte) quantizeSecond(v[j], max2));
            }
        }
    }

    /**
     * One 32-bit step: float32 moments {@code m} and {@code v} of the weight's size, updated in place.
     */
    public static void step32bit(MemorySegment weight, MemorySegment gradient, MemorySegment m, MemorySegment v,
            long size, AdamStepConstants constants) {
        checkBytes("weight", weight, size * 4);
        checkBytes("gradient", gradient, size * 4);
        checkBytes("first moment", m, size * 4);
        checkBytes("second moment", v, size * 4);
        int chunk = 4096;
        float[] mChunk = new float[chunk];
        float[] vChunk = new float[chunk];
        for (long start = 0; start < size; start += chunk) {
            int length = (int) Math.min(chunk, size - start);
            MemorySegment.copy(m, FLOAT, start * 4, mChunk, 0, length);
            MemorySegment.copy(v, FLOAT, start * 4, vChunk, 0, length);
            update(weight, gradient, start, mChunk, vChunk, length, constants);
            MemorySegment.copy(mChunk, 0, m, FLOAT, start * 4, length);
            MemorySegment.copy(vChunk, 0, v, FLOAT, start * 4, length);
        }
    }

    /** The Adam element update of {@code length} elements from {@code start}; {@code m}, {@code v} are local. */
    private static void update(MemorySegment weight, MemorySegment gradient, long start, float[] m, float[] v,
            int length, AdamStepConstants c) {
        FloatVector zero = FloatVector.zero(SPECIES);
        int j = 0;
        for (int bound = SPECIES.loopBound(length); j < bound; j += SPECIES.length()) {
            long offset = (start + j) * 4;
            FloatVector g = FloatVector.fromMemorySegment(SPECIES, gradient, offset, ORDER);
            FloatVector p = FloatVector.fromMemorySegment(SPECIES, weight, offset, ORDER);
            VectorMask<Float> finite = g.abs().compare(VectorOperators.LT, Float.POSITIVE_INFINITY);
            if (c.weightDecay() != 0) {
                g = g.add(p.mul(c.weightDecay()));
            }
            FloatVector s1 = FloatVector.fromArray(SPECIES, m, j).mul(c.beta1()).add(g.mul(c.oneMinusBeta1()));
            FloatVector s2 = FloatVector.fromArray(SPECIES, v, j).mul(c.beta2())
                    .add(g.mul(g).mul(c.oneMinusBeta2()));
            FloatVector decayed = c.decoupled() ? p.mul(c.decayFactor()) : p;
            FloatVector denominator = s2.sqrt().div(c.biasCorrection2Sqrt()).add(c.eps());
            FloatVector updated = decayed.sub(s1.div(denominator).mul(c.stepSize()));
            zero.blend(s1, finite).intoArray(m, j);
            zero.blend(s2, finite).intoArray(v, j);
            p.blend(updated, finite).intoMemorySegment(weight, offset, ORDER);
        }
        for (; j < length; j++) {
            long index = start + j;
            float g = gradient.getAtIndex(FLOAT, index);
            if (!Float.isFinite(g)) {
                m[j] = 0;
                v[j] = 0;
                continue;
            }
            float p = weight.getAtIndex(FLOAT, index);
            if (c.weightDecay() != 0) {
                g = g + p * c.weightDecay();
            }
            float s1 = m[j] * c.beta1() + g * c.oneMinusBeta1();
            float s2 = v[j] * c.beta2() + g * g * c.oneMinusBeta2();
            if (c.decoupled()) {
                p = p * c.decayFactor();
            }
            float denominator = (float) Math.sqrt(s2) / c.biasCorrection2Sqrt() + c.eps();
            m[j] = s1;
            v[j] = s2;
            weight.setAtIndex(FLOAT, index, p - s1 / denominator * c.stepSize());
        }
    }

    /** First-moment code of {@code s} in a block with absmax {@code absmax}, with the sign guard. */
    static int quantizeFirst(float s, float absmax) {
        if (absmax == 0) {
            return MAP1.zeroCode();
        }
        int code = MAP1.quantize(s / absmax);
        float chosen = MAP1.value(code);
        if (s < 0 && chosen >= 0) {
            code--;
        } else if (s > 0 && chosen < 0) {
            code++;
        }
        return code;
    }

    /** Second-moment code of {@code s} (never negative) in a block with absmax {@code absmax}. */
    static int quantizeSecond(float s, float absmax) {
        return absmax == 0 ? MAP2.zeroCode() : MAP2.quantize(s / absmax);
    }

    private static void checkBytes(String what, MemorySegment segment, long expected) {
        if (segment.byteSize() != expected) {
            throw new IllegalArgumentException(what + " has " + segment.byteSize() + " bytes, expected " + expected);
        }
    }
}
