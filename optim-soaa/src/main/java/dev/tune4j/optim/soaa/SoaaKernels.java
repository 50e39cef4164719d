package dev.tune4j.optim.soaa;

import dev.tune4j.optim.KernelThreads;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The two memory passes of one SOAA step over one float32 tensor, as Java Vector API loops on the tensors' own
 * memory (zero-copy views). Each pass reads every element once; sums are accumulated per lane in float over short
 * chunks ({@link #CHUNK_ELEMENTS}) and folded into double after each chunk, lane by lane in a fixed order, so they
 * stay accurate on tensors of any size and are the same bits however warm the JVM is. Elements past the last full
 * vector run through a scalar tail with the same float arithmetic.
 *
 * <p>The vector part runs on {@link KernelThreads} in tasks of {@link #TASK_ELEMENTS} elements; each task writes the
 * fold of each of its chunks into that chunk's slot, and the slots are added to the running double sums afterwards
 * in chunk order: the very additions, in the very order, of one thread walking the tensor, so the sums are the same
 * bits on any number of threads.
 */
final class SoaaKernels {
    /**
     * 256-bit vectors: on the AVX-512 machines measured, 256-bit vectors ran the Adam streaming loop in 7.6 ms
     * against 8.8-10.4 ms for 512-bit ones, so this kind of streaming loop caps the width at 256 bits.
     */
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED.length() > 8
            ? FloatVector.SPECIES_256 : FloatVector.SPECIES_PREFERRED;
    static final int LANES = SPECIES.length();
    private static final long VECTOR_BYTES = (long) LANES * Float.BYTES;
    /**
     * Vectors summed in float before the partial sums go into double (64 adds per lane). Every sum here is of
     * non-negative terms, so a chunk's float sum is within 64 float roundings (relative 3.8e-6) of the exact one. The
     * chunk's length sets the passes' cost in arithmetic: against 16 vectors, with the tensors in cache on one core,
     * pass 1 took 0.22 instead of 0.37 ns per element and pass 2 0.58 instead of 0.77 (each chunk ends the JIT's
     * unrolled loop and folds two sums); at 10M elements on two threads pass 1 took 4.0 instead of 4.5 ms and pass 2
     * 3.9 instead of 4.9 ms. 128 vectors gained little more (0.19 and 0.56 ns).
     */
    static final long CHUNK_ELEMENTS = 64L * LANES;
    /** Elements per parallel task, a multiple of {@link #CHUNK_ELEMENTS}. */
    static final long TASK_ELEMENTS = 1L << 16;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ORDER);

    private SoaaKernels() {}

    /**
     * The sum of the lanes in lane order, in double. Not {@code reduceLanes(ADD)}: its float order is unspecified and
     * differs between the interpreted and the JIT-compiled loop, so the same step could give sums differing in the
     * last bits depending on how warm the JVM is (seen as a resumed run's R differing from the uninterrupted one's).
     */
    private static double inLaneOrder(FloatVector lanes) {
        double sum = 0;
        for (int lane = 0; lane < LANES; lane++) {
            sum += lanes.lane(lane);
        }
        return sum;
    }

    /**
     * Constants of pass 1, already rounded to float.
     *
     * @param beta1 β1
     * @param oneMinusBeta1 1 − β1, rounded from double (1 − (float) β1 would lose digits to cancellation)
     * @param beta2 β2
     * @param oneMinusBeta2 1 − β2, rounded from double
     * @param centredWeight (1 − β2)·c_t, the weight of the centred update (CENTERED only)
     * @param previousMomentScale 1/(1 − β1^(t−1)), or 0 at t = 1 where m̂_0 = 0 (CENTERED only)
     * @param firstCorrection 1/(1 − β1^t)
     * @param secondCorrection 1/(1 − β2^t)
     * @param eps ε
     * @param centered whether v̂ is the centred variance v (else ŝ)
     * @param sumOfRatios whether to accumulate Σ m̂²/(v̂+ε) (else Σ m² and Σ v or s)
     */
    record MomentConstants(float beta1, float oneMinusBeta1, float beta2, float oneMinusBeta2, float centredWeight,
            float previousMomentScale,
            float firstCorrection, float secondCorrection, float eps, boolean centered, boolean sumOfRatios) {}

    /** Double sums of pass 1 over all tensors so far. */
    static final class MomentSums {
        /** Σ m² (not bias-corrected), RATIO_OF_SUMS only. */
        double squaredMoment;
        /** Σ v (CENTERED) or Σ s (not bias-corrected), RATIO_OF_SUMS only. */
        double variance;
        /** Σ m̂²/(v̂ + ε), SUM_OF_RATIOS only. */
        double ratios;
    }

    /**
     * Constants of pass 2, already rounded to float.
     *
     * @param firstCorrection 1/(1 − β1^t)
     * @param secondCorrection 1/(1 − β2^t)
     * @param fisherScale dt·(1 + R), so that dt·F = fisherScale·v̂
     * @param dt the trust-region scale dt before this step's update
     * @param eps ε
     * @param decayRate α_g·λ_g
     * @param learningRate α_g
     * @param centered whether v̂ is the centred variance v (else ŝ)
     */
    record UpdateConstants(float firstCorrection, float secondCorrection, float fisherScale, float dt, float eps,
            float decayRate, float learningRate, boolean centered) {}

    /** Sums of pass 2 for one tensor. */
    static final class UpdateSums {
        /** Σ m̂·u. */
        double gain;
        /** Σ v̂·u². */
        double curvature;
        /** Elements where dt·F &gt; √ŝ, i.e. where the Fisher branch of the max won. */
        long fisherWins;
    }

    /**
     * Pass 1: m ← β1·m + (1−β1)·g, s ← β2·s + (1−β2)·g², for CENTERED also v ← β2·v + (1−β2)·c·(g − m̂_{t−1})²
     * with m̂_{t−1} from m before its update; adds this tensor's terms of R to {@code sums}.
     *
     * @param gradientScale factor each gradient element is multiplied by (in float) as it is read: gradient
     *     clipping's, the same bits as scaling the gradient beforehand
     * @param variance the v tensor for CENTERED, else ignored (may be null)
     */
    static void updateMoments(MemorySegment gradient, float gradientScale, MemorySegment firstMoment,
            MemorySegment secondMoment, MemorySegment variance, long count, MomentConstants k, MomentSums sums) {
        long vectorEnd = SPECIES.loopBound(count);
        int chunks = KernelThreads.chunks(vectorEnd, CHUNK_ELEMENTS);
        double[] squared = new double[chunks]; // (chunks) Σ m² or Σ m̂²/(v̂+ε) of each chunk, folded in lane order
        double[] spread = new double[chunks]; // (chunks) Σ v or Σ s of each chunk (RATIO_OF_SUMS only)
        KernelThreads.forEachChunk(vectorEnd, TASK_ELEMENTS, (task, from, to) -> updateMomentChunks(gradient,
                gradientScale, firstMoment, secondMoment, variance, from, to, k, squared, spread));
        for (int chunk = 0; chunk < chunks; chunk++) {
            if (k.sumOfRatios()) {
                sums.ratios += squared[chunk];
            } else {
                sums.squaredMoment += squared[chunk];
                sums.variance += spread[chunk];
            }
        }
        float oneMinusBeta1 = k.oneMinusBeta1();
        float oneMinusBeta2 = k.oneMinusBeta2();
        for (long offset = vectorEnd * Float.BYTES; offset < count * Float.BYTES; offset += Float.BYTES) {
            float g = gradient.get(FLOAT, offset) * gradientScale;
            float mOld = firstMoment.get(FLOAT, offset);
            float m = mOld * k.beta1() + g * oneMinusBeta1;
            float s = secondMoment.get(FLOAT, offset) * k.beta2() + g * g * oneMinusBeta2;
            firstMoment.set(FLOAT, offset, m);
            secondMoment.set(FLOAT, offset, s);
            float var = s;
            if (k.centered()) {
                float deviation = g - mOld * k.previousMomentScale();
                var = variance.get(FLOAT, offset) * k.beta2() + deviation * deviation * k.centredWeight();
                variance.set(FLOAT, offset, var);
            }
            if (k.sumOfRatios()) {
                float mHat = m * k.firstCorrection();
                float vHat = var * k.secondCorrection();
                sums.ratios += mHat * mHat / (vHat + k.eps());
            } else {
                sums.squaredMoment += m * m;
                sums.variance += var;
            }
        }
    }

    /**
     * Pass 1 over the vector elements {@code [from, to)} ({@code from} a multiple of {@link #CHUNK_ELEMENTS}): each
     * chunk's lane-order folds go to {@code squared[c]} and {@code spread[c]}, c the chunk's index in the tensor.
     */
    private static void updateMomentChunks(MemorySegment gradient, float gradientScale, MemorySegment firstMoment,
            MemorySegment secondMoment, MemorySegment variance, long from, long to, MomentConstants k,
            double[] squaredFolds, double[] spreadFolds) {
        long bound = to * Float.BYTES;
        long offset = from * Float.BYTES;
        float oneMinusBeta1 = k.oneMinusBeta1();
        float oneMinusBeta2 = k.oneMinusBeta2();
        int chunk = Math.toIntExact(from / CHUNK_ELEMENTS);
        while (offset < bound) {
            long chunkEnd = Math.min(bound, offset + CHUNK_ELEMENTS * Float.BYTES);
            FloatVector squared = FloatVector.zero(SPECIES);
            FloatVector spread = FloatVector.zero(SPECIES);
            for (; offset < chunkEnd; offset += VECTOR_BYTES) {
                FloatVector g = FloatVector.fromMemorySegment(SPECIES, gradient, offset, ORDER).mul(gradientScale);
                FloatVector mOld = FloatVector.fromMemorySegment(SPECIES, firstMoment, offset, ORDER);
                FloatVector sOld = FloatVector.fromMemorySegment(SPECIES, secondMoment, offset, ORDER);
                FloatVector m = mOld.mul(k.beta1()).add(g.mul(oneMinusBeta1));
                FloatVector s = sOld.mul(k.beta2()).add(g.mul(g).mul(oneMinusBeta2));
                m.intoMemorySegment(firstMoment, offset, ORDER);
                s.intoMemorySegment(secondMoment, offset, ORDER);
                FloatVector var = s;
                if (k.centered()) {
                    FloatVector deviation = g.sub(mOld.mul(k.previousMomentScale()));
                    FloatVector vOld = FloatVector.fromMemorySegment(SPECIES, variance, offset, ORDER);
                    var = vOld.mul(k.beta2()).add(deviation.mul(deviation).mul(k.centredWeight()));
                    var.intoMemorySegment(variance, offset, ORDER);
                }
                if (k.sumOfRatios()) {
                    FloatVector mHat = m.mul(k.firstCorrection());
                    FloatVector vHat = var.mul(k.secondCorrection());
                    squared = squared.add(mHat.mul(mHat).div(vHat.add(k.eps())));
                } else {
                    squared = squared.add(m.mul(m));
                    spread = spread.add(var);
                }
            }
            squaredFolds[chunk] = inLaneOrder(squared);
            spreadFolds[chunk] = inLaneOrder(spread);
            chunk++;
        }
    }

    /**
     * Pass 2: D = max(dt·(1+R)·v̂, √ŝ), u = m̂·dt/(D + ε), θ ← θ + (−α·λ·θ − α·u) (one rounding at θ's magnitude
     * per step, so decay and update do not drift in float); adds Σ m̂·u, Σ v̂·u² and the count of Fisher-branch wins
     * to {@code sums}.
     *
     * @param variance the v tensor for CENTERED, else ignored (may be null)
     */
    static void applyUpdate(MemorySegment weight, MemorySegment firstMoment, MemorySegment secondMoment,
            MemorySegment variance, long count, UpdateConstants k, UpdateSums sums) {
        long vectorEnd = SPECIES.loopBound(count);
        int chunks = KernelThreads.chunks(vectorEnd, CHUNK_ELEMENTS);
        double[] gains = new double[chunks]; // (chunks) Σ m̂·u of each chunk, folded in lane order
        double[] curvatures = new double[chunks]; // (chunks) Σ v̂·u² of each chunk
        long[] fisherWins = new long[KernelThreads.chunks(vectorEnd, TASK_ELEMENTS)]; // (tasks) Fisher-branch wins
        KernelThreads.forEachChunk(vectorEnd, TASK_ELEMENTS, (task, from, to) -> fisherWins[task] = applyUpdateChunks(
                weight, firstMoment, secondMoment, variance, from, to, k, gains, curvatures));
        for (int chunk = 0; chunk < chunks; chunk++) {
            sums.gain += gains[chunk];
            sums.curvature += curvatures[chunk];
        }
        for (long wins : fisherWins) {
            sums.fisherWins += wins;
        }
        float step = -k.learningRate();
        float decay = -k.decayRate();
        for (long offset = vectorEnd * Float.BYTES; offset < count * Float.BYTES; offset += Float.BYTES) {
            float mHat = firstMoment.get(FLOAT, offset) * k.firstCorrection();
            float sHat = secondMoment.get(FLOAT, offset) * k.secondCorrection();
            float vHat = k.centered() ? variance.get(FLOAT, offset) * k.secondCorrection() : sHat;
            float fisher = vHat * k.fisherScale();
            float root = (float) Math.sqrt(sHat);
            if (fisher > root) {
                sums.fisherWins++;
            }
            float u = mHat * k.dt() / (Math.max(fisher, root) + k.eps());
            float theta = weight.get(FLOAT, offset);
            weight.set(FLOAT, offset, theta + (theta * decay + u * step));
            sums.gain += mHat * u;
            sums.curvature += vHat * u * u;
        }
    }

    /**
     * Pass 2 over the vector elements {@code [from, to)} ({@code from} a multiple of {@link #CHUNK_ELEMENTS}): each
     * chunk's lane-order folds go to {@code gains[c]} and {@code curvatures[c]}, c the chunk's index in the tensor.
     *
     * @return the elements where the Fisher branch won
     */
    private static long applyUpdateChunks(MemorySegment weight, MemorySegment firstMoment,
            MemorySegment secondMoment, MemorySegment variance, long from, long to, UpdateConstants k, double[] gains,
            double[] curvatures) {
        long bound = to * Float.BYTES;
        long offset = from * Float.BYTES;
        float step = -k.learningRate();
        float decay = -k.decayRate();
        long fisherWinCount = 0;
        int chunk = Math.toIntExact(from / CHUNK_ELEMENTS);
        while (offset < bound) {
            long chunkEnd = Math.min(bound, offset + CHUNK_ELEMENTS * Float.BYTES);
            FloatVector gain = FloatVector.zero(SPECIES);
            FloatVector curvature = FloatVector.zero(SPECIES);
            for (; offset < chunkEnd; offset += VECTOR_BYTES) {
                FloatVector mHat = FloatVector.fromMemorySegment(SPECIES, firstMoment, offset, ORDER)
                        .mul(k.firstCorrection());
                FloatVector sHat = FloatVector.fromMemorySegment(SPECIES, secondMoment, offset, ORDER)
                        .mul(k.secondCorrection());
                FloatVector vHat = k.centered()
                        ? FloatVector.fromMemorySegment(SPECIES, variance, offset, ORDER).mul(k.secondCorrection())
                        : sHat;
                FloatVector fisher = vHat.mul(k.fisherScale());
                FloatVector root = sHat.sqrt();
                VectorMask<Float> fisherWins = fisher.compare(VectorOperators.GT, root);
                fisherWinCount += fisherWins.trueCount();
                FloatVector u = mHat.mul(k.dt()).div(fisher.max(root).add(k.eps()));
                FloatVector theta = FloatVector.fromMemorySegment(SPECIES, weight, offset, ORDER);
                theta.add(theta.mul(decay).add(u.mul(step))).intoMemorySegment(weight, offset, ORDER);
                gain = gain.add(mHat.mul(u));
                curvature = curvature.add(vHat.mul(u).mul(u));
            }
            gains[chunk] = inLaneOrder(gain);
            curvatures[chunk] = inLaneOrder(curvature);
            chunk++;
        }
        return fisherWinCount;
    }
}
