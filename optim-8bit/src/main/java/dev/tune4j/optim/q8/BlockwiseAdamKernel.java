package dev.tune4j.optim.q8;

import dev.tune4j.optim.KernelThreads;
import dev.tune4j.optim.adam.AdamStep;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The CPU kernel of 8-bit Adam: Java loops over zero-copy views of the weight, gradient and state tensors
 * ({@link dev.tune4j.optim.TensorMemory}), updating everything in place. The element math, all in float32 with the
 * constants of {@link AdamStep}, in this order (separate multiplies and adds, as bitsandbytes' kernel, not the fused
 * multiply-adds of the float32 kernel):
 *
 * <pre>
 * g = g·gradientScale                      (gradient clipping's factor, 1 when it does not act)
 * if g is NaN or ±Inf: m = v = 0, the weight element is left as it is
 * else:
 *   g  = g + l2·θ                           (Adam only: L2 decay, torch's Adam)
 *   m  = β1·m + (1 − β1)·g
 *   v  = β2·v + (1 − β2)·(g·g)
 *   θ  = θ·decayFactor                      (AdamW only: 1 − lr·wd, torch's AdamW, before the step)
 *   θ  = θ − stepSize·(m / (√v / √(1 − β2^t) + eps))        stepSize = lr / (1 − β1^t)
 * </pre>
 *
 * The float operations are the same, in the same order, in the vector and the scalar lanes, so the result does not
 * depend on the vector width.
 *
 * <p>8-bit step, block by block, as bitsandbytes' blockwise kernel does it: dequantize both moments
 * ({@code map[code]·absmax}), update them and the weight in float32 and take the new per-block absmax of each moment
 * (one pass), then requantize to the nearest map value ({@link DynamicQuantizationMap#quantize}, through its
 * branch-free {@link NearestCodeTable}). The first moment gets bitsandbytes' sign guard: a strictly negative value
 * whose nearest code is +0 gets the next code down, so small negative momenta never become zero (−0.0 counts as zero
 * here, where CUDA's {@code signbit} would move it too). A block whose moment is all zero stores absmax 0 and the zero
 * code, so it dequantizes to exact zeros (bitsandbytes' PyTorch reference stores absmax 1 instead; the values are the
 * same).
 *
 * <p>Where the time goes: the step is bound by arithmetic, not memory, and four table lookups per element (two map
 * values, two nearest-code cells) are its largest part. The map values are read by scalar loads (cheaper than a vector
 * gather on the AMD Zen 3 cores measured); the cells by a gather. The sign guard is folded into a second table for the
 * first moment ({@link NearestCodeTable#withNegativeCodesAtMost}), so a block's codes are written in one vector pass
 * per moment; a block whose first-moment absmax is not finite, or which holds a −0.0 moment (the one value the folded
 * table treats otherwise), takes the guard element by element instead. Both give the same codes.
 */
public final class BlockwiseAdamKernel {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final VectorSpecies<Integer> INTS = VectorSpecies.of(int.class, SPECIES.vectorShape());
    private static final DynamicQuantizationMap MAP1 = DynamicQuantizationMap.signed();
    private static final DynamicQuantizationMap MAP2 = DynamicQuantizationMap.unsigned();
    private static final float[] MAP1_VALUES = MAP1.values();
    private static final float[] MAP2_VALUES = MAP2.values();
    private static final NearestCodeTable TABLE1 = MAP1.nearestCodes();
    private static final NearestCodeTable GUARDED_TABLE1 = TABLE1.withNegativeCodesAtMost(MAP1.zeroCode() - 1);
    private static final NearestCodeTable TABLE2 = MAP2.nearestCodes();

    /**
     * Elements per parallel task of the 8-bit step, run on {@link KernelThreads}. Blocks are independent, so the split
     * changes nothing in the result; the step is compute-bound (four table lookups, four divisions and a square root
     * per element), so it scales with cores.
     */
    private static final long ELEMENTS_PER_TASK = 1 << 16;

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
     * @param gradientScale factor each gradient element is multiplied by (in float, gradient clipping's) as it is
     *     read: the same bits as a step on the gradient scaled beforehand, without a pass over it
     */
    public static void step8bit(MemorySegment weight, MemorySegment gradient, MemorySegment codes1,
            MemorySegment absmax1, MemorySegment codes2, MemorySegment absmax2, long size, int blockSize,
            AdamStep step, float gradientScale) {
        Constants constants = Constants.of(step);
        long blocks = (size + blockSize - 1) / blockSize;
        checkBytes("weight", weight, size * 4);
        checkBytes("gradient", gradient, size * 4);
        checkBytes("first-moment codes", codes1, size);
        checkBytes("second-moment codes", codes2, size);
        checkBytes("first-moment absmax", absmax1, blocks * 4);
        checkBytes("second-moment absmax", absmax2, blocks * 4);
        long blocksPerTask = Math.max(1, ELEMENTS_PER_TASK / blockSize);
        KernelThreads.forEachChunk(blocks, blocksPerTask, (task, firstBlock, endBlock) -> {
            BlockScratch scratch = new BlockScratch(blockSize);
            for (long block = firstBlock; block < endBlock; block++) {
                long start = block * blockSize;
                int length = (int) Math.min(blockSize, size - start);
                scratch.readMapValues(codes1, codes2, start, length);
                update(weight, gradient, gradientScale, start, length, constants, scratch,
                        absmax1.getAtIndex(FLOAT, block), absmax2.getAtIndex(FLOAT, block));
                absmax1.setAtIndex(FLOAT, block, scratch.max1);
                absmax2.setAtIndex(FLOAT, block, scratch.max2);
                quantizeFirst(scratch, length, codes1, start);
                quantizeSecond(scratch, length, codes2, start);
            }
        });
    }

    /**
     * The float32 constants of {@link AdamStep}, read once per tensor (its accessors compute them on each call); the
     * expressions live in {@link AdamStep} only.
     *
     * @param beta1 β1
     * @param beta2 β2
     * @param oneMinusBeta1 {@code 1 − β1}
     * @param oneMinusBeta2 {@code 1 − β2}
     * @param eps ε, added to the bias-corrected √v
     * @param l2 Adam's L2 coefficient (0 for AdamW)
     * @param decayFactor AdamW's {@code 1 − lr·wd} (1 for Adam)
     * @param decoupled whether the decay is AdamW's
     * @param stepSize {@code lr / (1 − β1^t)}
     * @param sqrtBiasCorrection2 {@code √(1 − β2^t)}
     */
    private record Constants(float beta1, float beta2, float oneMinusBeta1, float oneMinusBeta2, float eps, float l2,
            float decayFactor, boolean decoupled, float stepSize, float sqrtBiasCorrection2) {
        static Constants of(AdamStep step) {
            return new Constants(step.beta1Float(), step.beta2Float(), step.oneMinusBeta1(), step.oneMinusBeta2(),
                    step.epsFloat(), step.l2(), step.decayFactor(), step.decoupled(), step.stepSize(),
                    step.sqrtBiasCorrection2());
        }
    }

    /** The float32 moments of one block, their absmax, and the cell indexes of the nearest-code gather. */
    private static final class BlockScratch {
        final float[] m; // (blockSize) map values of the first-moment codes, then the updated first moment
        final float[] v; // (blockSize) map values of the second-moment codes, then the updated second moment
        final int[] cells; // (blockSize) nearest-code cell indexes of one moment
        float max1; // max |m| of the block after the update
        float max2; // max |v| of the block after the update
        boolean negativeZero1; // whether some updated first-moment element is −0.0

        BlockScratch(int blockSize) {
            m = new float[blockSize];
            v = new float[blockSize];
            cells = new int[blockSize];
        }

        /** {@code m[j] = map1[codes1[start + j]]}, {@code v[j] = map2[codes2[start + j]]}, by scalar loads. */
        void readMapValues(MemorySegment codes1, MemorySegment codes2, long start, int length) {
            for (int j = 0; j < length; j++) {
                m[j] = MAP1_VALUES[codes1.get(ValueLayout.JAVA_BYTE, start + j) & 0xff];
                v[j] = MAP2_VALUES[codes2.get(ValueLayout.JAVA_BYTE, start + j) & 0xff];
            }
        }
    }

    /**
     * First-moment codes of a block: the nearest code of {@code s / absmax}, then the sign guard (a strictly negative s
     * whose code is +0 or above gets the code below; a strictly positive s whose code is negative, which only a NaN
     * quotient gives, gets the code above). With a finite absmax and no −0.0 in the block, the guarded table gives
     * those codes in one vector pass.
     */
    private static void quantizeFirst(BlockScratch scratch, int length, MemorySegment codes, long start) {
        float absmax = scratch.max1;
        if (absmax == 0) {
            codes.asSlice(start, length).fill((byte) MAP1.zeroCode());
        } else if (Float.isFinite(absmax) && !scratch.negativeZero1) {
            GUARDED_TABLE1.quantize(scratch.m, length, absmax, codes, start, scratch.cells);
        } else {
            for (int j = 0; j < length; j++) {
                float s = scratch.m[j];
                codes.set(ValueLayout.JAVA_BYTE, start + j, (byte) signGuarded(TABLE1.code(s / absmax), s));
            }
        }
    }

    /** Second-moment codes (s is never negative) of a block. */
    private static void quantizeSecond(BlockScratch scratch, int length, MemorySegment codes, long start) {
        if (scratch.max2 == 0) {
            codes.asSlice(start, length).fill((byte) MAP2.zeroCode());
        } else {
            TABLE2.quantize(scratch.v, length, scratch.max2, codes, start, scratch.cells);
        }
    }

    /**
     * The Adam element update of {@code length} elements from {@code start}: the moments before the update are the map
     * values in {@code scratch.m} and {@code scratch.v} times the absmax, the weight is updated in place, the updated
     * moments replace the map values, their absmax goes into {@code scratch.max1} and {@code scratch.max2}. The absmax
     * is the largest magnitude by float bits, which orders non-negative floats as their values (NaN above all); −0.0,
     * whose bits are the smallest int, is found by the smallest bits.
     */
    private static void update(MemorySegment weight, MemorySegment gradient, float gradientScale, long start,
            int length, Constants c, BlockScratch scratch, float absmax1, float absmax2) {
        float[] m = scratch.m;
        float[] v = scratch.v;
        FloatVector zero = FloatVector.zero(SPECIES);
        IntVector maxBits1 = IntVector.zero(INTS);
        IntVector maxBits2 = IntVector.zero(INTS);
        IntVector minBits1 = IntVector.zero(INTS);
        int j = 0;
        for (int bound = SPECIES.loopBound(length); j < bound; j += SPECIES.length()) {
            long offset = (start + j) * 4;
            FloatVector m0 = FloatVector.fromArray(SPECIES, m, j).mul(absmax1);
            FloatVector v0 = FloatVector.fromArray(SPECIES, v, j).mul(absmax2);
            FloatVector g = FloatVector.fromMemorySegment(SPECIES, gradient, offset, ORDER).mul(gradientScale);
            FloatVector p = FloatVector.fromMemorySegment(SPECIES, weight, offset, ORDER);
            VectorMask<Float> finite = g.abs().compare(VectorOperators.LT, Float.POSITIVE_INFINITY);
            if (c.l2() != 0) {
                g = g.add(p.mul(c.l2()));
            }
            FloatVector s1 = m0.mul(c.beta1()).add(g.mul(c.oneMinusBeta1()));
            FloatVector s2 = v0.mul(c.beta2()).add(g.mul(g).mul(c.oneMinusBeta2()));
            FloatVector decayed = c.decoupled() ? p.mul(c.decayFactor()) : p;
            FloatVector denominator = s2.sqrt().div(c.sqrtBiasCorrection2()).add(c.eps());
            FloatVector updated = decayed.sub(s1.div(denominator).mul(c.stepSize()));
            s1 = zero.blend(s1, finite);
            s2 = zero.blend(s2, finite);
            s1.intoArray(m, j);
            s2.intoArray(v, j);
            IntVector bits1 = s1.reinterpretAsInts();
            maxBits1 = maxBits1.max(bits1.and(Integer.MAX_VALUE));
            minBits1 = minBits1.min(bits1);
            maxBits2 = maxBits2.max(s2.reinterpretAsInts().and(Integer.MAX_VALUE));
            p.blend(updated, finite).intoMemorySegment(weight, offset, ORDER);
        }
        int max1 = maxBits1.reduceLanes(VectorOperators.MAX);
        int max2 = maxBits2.reduceLanes(VectorOperators.MAX);
        int min1 = minBits1.reduceLanes(VectorOperators.MIN);
        for (; j < length; j++) {
            long index = start + j;
            float m0 = m[j] * absmax1;
            float v0 = v[j] * absmax2;
            float g = gradient.getAtIndex(FLOAT, index) * gradientScale;
            if (!Float.isFinite(g)) {
                m[j] = 0;
                v[j] = 0;
                continue;
            }
            float p = weight.getAtIndex(FLOAT, index);
            if (c.l2() != 0) {
                g = g + p * c.l2();
            }
            float s1 = m0 * c.beta1() + g * c.oneMinusBeta1();
            float s2 = v0 * c.beta2() + g * g * c.oneMinusBeta2();
            if (c.decoupled()) {
                p = p * c.decayFactor();
            }
            float denominator = (float) Math.sqrt(s2) / c.sqrtBiasCorrection2() + c.eps();
            m[j] = s1;
            v[j] = s2;
            min1 = Math.min(min1, Float.floatToRawIntBits(s1));
            max1 = Math.max(max1, Float.floatToRawIntBits(s1) & Integer.MAX_VALUE);
            max2 = Math.max(max2, Float.floatToRawIntBits(s2) & Integer.MAX_VALUE);
            weight.setAtIndex(FLOAT, index, p - s1 / denominator * c.stepSize());
        }
        scratch.max1 = Float.intBitsToFloat(max1);
        scratch.max2 = Float.intBitsToFloat(max2);
        scratch.negativeZero1 = min1 == Integer.MIN_VALUE;
    }

    /** {@code code} moved one step toward the sign of {@code s} if its map value has the other sign. */
    private static int signGuarded(int code, float s) {
        if (s < 0 && code >= MAP1.zeroCode()) {
            return code - 1;
        }
        if (s > 0 && code < MAP1.zeroCode()) {
            return code + 1;
        }
        return code;
    }

    private static void checkBytes(String what, MemorySegment segment, long expected) {
        if (segment.byteSize() != expected) {
            throw new IllegalArgumentException(what + " has " + segment.byteSize() + " bytes, expected " + expected);
        }
    }
}
