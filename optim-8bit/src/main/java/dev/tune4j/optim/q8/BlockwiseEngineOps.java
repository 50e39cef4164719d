package dev.tune4j.optim.q8;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tune4j.optim.adam.AdamStep;
import java.util.Arrays;

/**
 * The engine-op form of 8-bit Adam's step ({@link BlockwiseAdamKernel} is the Java form): engine operations on the
 * parameter's own device, with the codes as UINT8 tensors and the absmax as float32 tensors there (the same state as
 * the Java form, so either loads the other's). The element math is the Java kernel's, operation by operation, in
 * float32:
 *
 * <ol>
 *   <li>dequantize by lookup: {@code map[code]·absmax}, the map a 256-value device tensor indexed by the codes;</li>
 *   <li>the Adam element update of {@link BlockwiseAdamKernel} (non-finite gradients: weight kept, m = v = 0);</li>
 *   <li>absmax per block by reshaping the moment to (blocks, block size) and taking the max of |·| along a row;</li>
 *   <li>the nearest code of {@code moment / absmax} by a branch-free binary search with engine ops: eight rounds of
 *       "look up threshold {@code idx + step − 1}, add {@code step} where it lies below x" count the float32 midpoints
 *       below x, which is the nearest code, then a tie at an odd count goes up to the even code (bitsandbytes' rule);
 *       then the first moment's sign guard, and the zero code for an all-zero block.</li>
 * </ol>
 *
 * <p>Large tensors go in chunks of about {@link #CHUNK_ELEMENTS} elements, so the temporaries stay bounded (about a
 * dozen float32 or int64 arrays of one chunk) whatever the tensor's size. A chunk is a range of rows of the first axis
 * that fills whole blocks (at least {@code B/gcd(B, row size)} rows), read and written through an index on the
 * tensors themselves, so every write lands in the parameter's and the state's own memory. A tensor whose size is not
 * a multiple of the block size gets its last block padded with zeros inside the chunk (zeros change no absmax).
 */
final class BlockwiseEngineOps {
    /** About how many elements one chunk holds, 2^18 (rounded to whole rows that fill whole blocks). */
    static final long CHUNK_ELEMENTS = 1 << 18;

    private static final int SEARCH_STEPS = 8; // 2^8 = 256 codes
    private static final DynamicQuantizationMap MAP1 = DynamicQuantizationMap.signed();
    private static final DynamicQuantizationMap MAP2 = DynamicQuantizationMap.unsigned();
    private static final float[] THRESHOLDS1 = paddedThresholds(MAP1);
    private static final float[] THRESHOLDS2 = paddedThresholds(MAP2);

    private BlockwiseEngineOps() {}

    /**
     * The 255 midpoints of a map and NaN at index 255, so that every count 0..255 indexes it; the search never probes
     * index 255 and NaN equals nothing, so no value ties with it.
     */
    static float[] paddedThresholds(DynamicQuantizationMap map) {
        float[] padded = Arrays.copyOf(NearestCodeTable.thresholds(map.values()), DynamicQuantizationMap.SIZE);
        padded[DynamicQuantizationMap.SIZE - 1] = Float.NaN;
        return padded;
    }

    /**
     * One 8-bit step of a float32 tensor with its codes and absmax, all on one device, updated in place.
     *
     * @param codes1 first-moment UINT8 codes (signed map), the weight's shape
     * @param absmax1 first-moment float32 absmax per block
     * @param codes2 second-moment UINT8 codes (unsigned map), the weight's shape
     * @param absmax2 second-moment float32 absmax per block
     */
    static void step8bit(NDArray weight, NDArray gradient, NDArray codes1, NDArray absmax1, NDArray codes2,
            NDArray absmax2, int blockSize, AdamStep step) {
        step8bit(weight, gradient, codes1, absmax1, codes2, absmax2, blockSize, step, CHUNK_ELEMENTS);
    }

    /**
     * The 8-bit step in chunks of about {@code chunkElements} elements instead of {@link #CHUNK_ELEMENTS} (tests use
     * small chunks).
     */
    static void step8bit(NDArray weight, NDArray gradient, NDArray codes1, NDArray absmax1, NDArray codes2,
            NDArray absmax2, int blockSize, AdamStep step, long chunkElements) {
        Shape shape = weight.getShape();
        long size = shape.size();
        Tensors tensors = new Tensors(weight, gradient, codes1, absmax1, codes2, absmax2, blockSize);
        if (size <= Math.max(chunkElements, blockSize) || shape.dimension() == 0) {
            step(tensors, new Chunk(new NDIndex("..."), shape, 0, size, blockSize), step);
            return;
        }
        // chunks of whole rows of the first axis, each starting on a block boundary
        long rows = shape.get(0);
        long rowSize = size / rows;
        long unit = blockSize / gcd(blockSize, rowSize); // rows whose elements fill whole blocks
        long rowsPerChunk = Math.max(1, chunkElements / (rowSize * unit)) * unit;
        for (long first = 0; first < rows; first += rowsPerChunk) {
            long last = Math.min(rows, first + rowsPerChunk);
            Shape part = new Shape(last - first).addAll(shape.slice(1));
            step(tensors, new Chunk(new NDIndex("{}:{}", first, last), part, first * rowSize, last * rowSize,
                    blockSize), step);
        }
    }

    private static long gcd(long a, long b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    /**
     * The tensors of one 8-bit step.
     *
     * @param weight θ, float32
     * @param gradient g, float32
     * @param codes1 first-moment UINT8 codes, the weight's shape
     * @param absmax1 first-moment absmax, one float32 per block
     * @param codes2 second-moment UINT8 codes, the weight's shape
     * @param absmax2 second-moment absmax, one float32 per block
     * @param blockSize elements per block
     */
    private record Tensors(NDArray weight, NDArray gradient, NDArray codes1, NDArray absmax1, NDArray codes2,
            NDArray absmax2, int blockSize) {}

    /**
     * One chunk: {@code index} selects it in the tensors of the weight's shape (rows of the first axis, or all), it has
     * {@code shape} and covers the flat elements {@code [start, end)}, whole blocks with the last possibly short.
     */
    private record Chunk(NDIndex index, Shape shape, long start, long end, int blockSize) {
        NDIndex blocks() {
            return new NDIndex("{}:{}", start / blockSize, start / blockSize + blockCount());
        }

        long blockCount() {
            return (end - start + blockSize - 1) / blockSize;
        }

        long padding() {
            return blockCount() * blockSize - (end - start);
        }

        /** The chunk of {@code tensor} as (blocks, block size), the short last block padded with {@code fill}. */
        NDArray blocked(NDArray tensor, Number fill) {
            NDArray part = tensor.get(index).reshape(end - start);
            if (padding() > 0) {
                NDArray pad = part.getManager().full(new Shape(padding()), fill.floatValue(), part.getDataType());
                part = NDArrays.concat(new NDList(part, pad));
            }
            return part.reshape(blockCount(), blockSize);
        }

        /** Writes {@code blocked} (blocks, block size) over the chunk of {@code tensor}, without the padding. */
        void write(NDArray tensor, NDArray blocked) {
            NDArray values = blocked.reshape(blockCount() * blockSize);
            if (padding() > 0) {
                values = values.get("0:{}", end - start);
            }
            tensor.set(index, values.reshape(shape));
        }
    }

    /** One chunk, its temporaries in a scope of their own (the tensors are attached to it only meanwhile). */
    private static void step(Tensors tensors, Chunk chunk, AdamStep step) {
        try (NDManager scope = NDManager.subManagerOf(tensors.weight())) {
            scope.tempAttachAll(tensors.weight(), tensors.gradient(), tensors.codes1(), tensors.absmax1(),
                    tensors.codes2(), tensors.absmax2());
            step(tensors, chunk, scope.create(MAP1.values()), scope.create(MAP2.values()),
                    scope.create(THRESHOLDS1), scope.create(THRESHOLDS2), step);
        }
    }

    private static void step(Tensors tensors, Chunk chunk, NDArray map1, NDArray map2, NDArray thresholds1,
            NDArray thresholds2, AdamStep step) {
        NDArray p = chunk.blocked(tensors.weight(), 0f); // θ, (blocks, B)
        NDArray g = chunk.blocked(tensors.gradient(), 0f); // g, (blocks, B)
        long blocks = chunk.blockCount();
        NDArray scale1 = tensors.absmax1().get(chunk.blocks()).reshape(blocks, 1);
        NDArray scale2 = tensors.absmax2().get(chunk.blocks()).reshape(blocks, 1);
        NDArray m0 = map1.take(chunk.blocked(tensors.codes1(), MAP1.zeroCode()).toType(DataType.INT64, false))
                .muli(scale1); // dequantized m, (blocks, B)
        NDArray v0 = map2.take(chunk.blocked(tensors.codes2(), MAP2.zeroCode()).toType(DataType.INT64, false))
                .muli(scale2); // dequantized v, (blocks, B)
        NDArray[] updated = adamElements(p, g, m0, v0, step);
        NDArray max1 = updated[1].abs().max(new int[] {1}, true); // (blocks, 1)
        NDArray max2 = updated[2].abs().max(new int[] {1}, true);
        NDArray codes1 = signGuarded(nearestCodes(updated[1].div(max1), thresholds1), updated[1]);
        codes1 = NDArrays.where(max1.eq(0).broadcast(codes1.getShape()), codes1.zerosLike().addi(MAP1.zeroCode()),
                codes1); // an all-zero block: the zero code (engine where does not broadcast)
        NDArray codes2 = nearestCodes(updated[2].div(max2), thresholds2);
        codes2 = NDArrays.where(max2.eq(0).broadcast(codes2.getShape()), codes2.zerosLike().addi(MAP2.zeroCode()),
                codes2);
        chunk.write(tensors.weight(), updated[0]);
        chunk.write(tensors.codes1(), codes1.toType(DataType.UINT8, false));
        chunk.write(tensors.codes2(), codes2.toType(DataType.UINT8, false));
        tensors.absmax1().set(chunk.blocks(), max1.reshape(blocks));
        tensors.absmax2().set(chunk.blocks(), max2.reshape(blocks));
    }

    /**
     * The Adam element update of {@link BlockwiseAdamKernel} as new arrays {θ', m', v'}: the same float32 operations
     * in the same order; where g is NaN or ±∞ the weight is kept and both moments are 0.
     */
    static NDArray[] adamElements(NDArray p, NDArray g, NDArray m0, NDArray v0, AdamStep step) {
        NDArray finite = g.abs().lt(Float.POSITIVE_INFINITY);
        NDArray gradient = step.l2() != 0 ? g.add(p.mul(step.l2())) : g;
        NDArray s1 = m0.mul(step.beta1Float()).addi(gradient.mul(step.oneMinusBeta1()));
        NDArray s2 = v0.mul(step.beta2Float()).addi(gradient.mul(gradient).muli(step.oneMinusBeta2()));
        NDArray decayed = step.decoupled() ? p.mul(step.decayFactor()) : p;
        NDArray denominator = s2.sqrt().divi(step.sqrtBiasCorrection2()).addi(step.epsFloat());
        NDArray updated = decayed.sub(s1.div(denominator).muli(step.stepSize()));
        NDArray zeros = s1.zerosLike();
        return new NDArray[] {NDArrays.where(finite, updated, p), NDArrays.where(finite, s1, zeros),
            NDArrays.where(finite, s2, zeros)};
    }

    /**
     * The nearest code of each element of {@code x}: the number of thresholds below it, by binary search over the
     * 256 padded thresholds, then ties at an odd count up to the even code. NaN gets code 0, as in the Java form.
     */
    static NDArray nearestCodes(NDArray x, NDArray thresholds) {
        NDArray count = x.zerosLike().toType(DataType.INT64, false);
        for (int round = SEARCH_STEPS - 1; round >= 0; round--) {
            long stride = 1L << round;
            NDArray probe = thresholds.take(count.add(stride - 1));
            count.addi(probe.lt(x).toType(DataType.INT64, false).muli(stride));
        }
        NDArray tie = thresholds.take(count).eq(x).logicalAnd(count.mod(2).eq(1));
        return count.addi(tie.toType(DataType.INT64, false));
    }

    /**
     * The first moment's sign guard on {@code codes} of {@code moment}: a strictly negative value whose code is the
     * zero code or above gets the code below; a strictly positive one whose code is below zero gets the code above.
     */
    private static NDArray signGuarded(NDArray codes, NDArray moment) {
        int zero = MAP1.zeroCode();
        NDArray down = moment.lt(0).logicalAnd(codes.gte(zero)).toType(DataType.INT64, false);
        NDArray up = moment.gt(0).logicalAnd(codes.lt(zero)).toType(DataType.INT64, false);
        return codes.sub(down).addi(up);
    }
}
