package dev.tune4j.optim.galore;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.QRDecomposition;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;

/**
 * The top-r singular vectors of a float32 m×n matrix G: the left basis U[:, :r] (m×r) and/or the right basis
 * Vh[:r, :] (r×n), both row-major float arrays, by one of two methods.
 *
 * <p><b>Exact</b>: a thin SVD of G in double precision (EJML's implicit-QR SVD), singular values sorted descending.
 *
 * <p><b>Randomized subspace iteration</b> (Halko, Martinsson and Tropp 2011, Algorithms 4.4 and 5.1), with
 * k = min(r + p, m, n) sample directions and q power iterations:
 * <ol>
 *   <li>Ω: n×k standard normal (seeded, so a resumed run draws the same numbers); Y = G·Ω (engine matmul).</li>
 *   <li>Q = orth(Y) by a thin Householder QR of the m×k matrix (EJML).</li>
 *   <li>q times: Z = Gᵀ·Q (engine), Q' = orth(Z) (n×k), Y = G·Q' (engine), Q = orth(Y). Re-orthonormalising after
 *       every product keeps the small singular directions from drowning in float32 round-off.</li>
 *   <li>B = Qᵀ·G (k×n, engine); thin SVD B = Ũ·Σ·Ṽh (EJML, small).</li>
 *   <li>U[:, :r] ≈ Q·Ũ[:, :r] and Vh[:r, :] ≈ Ṽh[:r, :].</li>
 * </ol>
 * The error of the subspace shrinks like (σ_{k+1}/σ_r)^(2q+1): with a clear spectral gap it matches the exact basis
 * to float precision. The cost is 2q + 2 engine matmuls of m·n·k multiply-adds plus QRs of m×k and n×k matrices,
 * instead of the O(m·n·min(m, n)) of a full SVD.
 */
public final class SingularSubspace {
    private SingularSubspace() {}

    /**
     * Singular vectors of an m×n matrix.
     *
     * @param rows m
     * @param cols n
     * @param rank r
     * @param left U[:, :r], m×r row-major, or null when not asked for
     * @param right Vh[:r, :], r×n row-major, or null when not asked for
     */
    public record Basis(int rows, int cols, int rank, float[] left, float[] right) {
        /** Checks the sizes. */
        public Basis {
            if (left != null && left.length != (long) rows * rank) {
                throw new IllegalArgumentException("left basis has " + left.length + " values, not " + rows + "×"
                        + rank);
            }
            if (right != null && right.length != (long) rank * cols) {
                throw new IllegalArgumentException("right basis has " + right.length + " values, not " + rank + "×"
                        + cols);
            }
        }
    }

    /**
     * Exact top-r singular vectors of {@code gradient} (float32, m×n, CPU).
     *
     * @return the basis, or null if the SVD did not converge
     */
    public static Basis exact(NDArray gradient, int rank, boolean wantLeft, boolean wantRight) {
        int rows = Math.toIntExact(gradient.getShape().get(0));
        int cols = Math.toIntExact(gradient.getShape().get(1));
        checkRank(rows, cols, rank);
        DMatrixRMaj matrix = toDouble(FloatTensors.read(gradient), rows, cols);
        SingularValueDecomposition_F64<DMatrixRMaj> svd =
                DecompositionFactory_DDRM.svd(rows, cols, wantLeft, wantRight, true);
        if (!svd.decompose(matrix)) {
            return null;
        }
        return topVectors(svd, rows, cols, rank, wantLeft, wantRight, null);
    }

    /**
     * Top-r singular vectors of {@code gradient} (float32, m×n, CPU) by randomized subspace iteration.
     *
     * @param powerIterations q
     * @param oversampling p
     * @param seed seeds Ω
     * @return the basis, or null if a decomposition failed
     */
    public static Basis randomized(NDArray gradient, int rank, boolean wantLeft, boolean wantRight,
            int powerIterations, int oversampling, long seed) {
        int rows = Math.toIntExact(gradient.getShape().get(0));
        int cols = Math.toIntExact(gradient.getShape().get(1));
        checkRank(rows, cols, rank);
        int samples = Math.min(rank + oversampling, Math.min(rows, cols));
        try (NDManager scratch = gradient.getManager().newSubManager()) {
            float[] omega = new float[cols * samples];
            SplittableRandom random = new SplittableRandom(seed);
            for (int i = 0; i < omega.length; i++) {
                omega[i] = (float) random.nextGaussian();
            }
            NDArray sketch = FloatTensors.create(scratch, omega, new Shape(cols, samples));
            DMatrixRMaj q = orthonormalColumns(product(scratch, gradient, sketch), rows, samples);
            NDArray transposedGradient = gradient.transpose();
            transposedGradient.attach(scratch);
            for (int i = 0; i < powerIterations; i++) {
                DMatrixRMaj z = orthonormalColumns(
                        product(scratch, transposedGradient, toEngine(scratch, q)), cols, samples);
                if (z == null || q == null) {
                    return null;
                }
                q = orthonormalColumns(product(scratch, gradient, toEngine(scratch, z)), rows, samples);
            }
            if (q == null) {
                return null;
            }
            NDArray qTransposed = toEngine(scratch, CommonOps_DDRM.transpose(q, null));
            float[] small = read(scratch, qTransposed.matMul(gradient)); // B = Qᵀ·G, k×n
            SingularValueDecomposition_F64<DMatrixRMaj> svd =
                    DecompositionFactory_DDRM.svd(samples, cols, wantLeft, wantRight, true);
            if (!svd.decompose(toDouble(small, samples, cols))) {
                return null;
            }
            return topVectors(svd, rows, cols, rank, wantLeft, wantRight, q);
        }
    }

    private static void checkRank(int rows, int cols, int rank) {
        if (rank < 1 || rank > Math.min(rows, cols)) {
            throw new IllegalArgumentException("rank " + rank + " is not in [1, min(m, n)] for a " + rows + "×" + cols
                    + " matrix");
        }
    }

    /**
     * The top-r vectors of {@code svd}; with {@code leftFactor} Q the left vectors are Q·Ũ (the SVD was of Qᵀ·G).
     */
    private static Basis topVectors(SingularValueDecomposition_F64<DMatrixRMaj> svd, int rows, int cols, int rank,
            boolean wantLeft, boolean wantRight, DMatrixRMaj leftFactor) {
        double[] values = svd.getSingularValues();
        int count = svd.numberOfSingularValues();
        Integer[] order = new Integer[count];
        for (int i = 0; i < count; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(values[b], values[a]));
        float[] left = null;
        float[] right = null;
        if (wantLeft) {
            DMatrixRMaj u = svd.getU(null, false); // (m or k)×count
            if (leftFactor != null) {
                u = CommonOps_DDRM.mult(leftFactor, u, null);
            }
            left = new float[rows * rank];
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < rank; j++) {
                    left[i * rank + j] = (float) u.get(i, order[j]);
                }
            }
        }
        if (wantRight) {
            DMatrixRMaj vh = svd.getV(null, true); // count×n
            right = new float[rank * cols];
            for (int j = 0; j < rank; j++) {
                for (int c = 0; c < cols; c++) {
                    right[j * cols + c] = (float) vh.get(order[j], c);
                }
            }
        }
        return new Basis(rows, cols, rank, left, right);
    }

    /** a·b on the engine, read back as an a-rows × b-cols double matrix. */
    private static DMatrixRMaj product(NDManager scratch, NDArray a, NDArray b) {
        NDArray result = a.matMul(b);
        result.attach(scratch);
        Shape shape = result.getShape();
        return toDouble(FloatTensors.read(result), Math.toIntExact(shape.get(0)), Math.toIntExact(shape.get(1)));
    }

    private static float[] read(NDManager scratch, NDArray array) {
        array.attach(scratch);
        return FloatTensors.read(array);
    }

    /** An orthonormal basis of the column space of {@code matrix} (rows×cols, rows ≥ cols), or null on failure. */
    private static DMatrixRMaj orthonormalColumns(DMatrixRMaj matrix, int rows, int cols) {
        if (matrix == null) {
            return null;
        }
        QRDecomposition<DMatrixRMaj> qr = DecompositionFactory_DDRM.qr(rows, cols);
        if (!qr.decompose(matrix)) {
            return null;
        }
        return qr.getQ(null, true);
    }

    private static NDArray toEngine(NDManager scratch, DMatrixRMaj matrix) {
        double[] data = matrix.getData();
        float[] values = new float[matrix.getNumElements()];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) data[i];
        }
        return FloatTensors.create(scratch, values, new Shape(matrix.getNumRows(), matrix.getNumCols()));
    }

    private static DMatrixRMaj toDouble(float[] values, int rows, int cols) {
        DMatrixRMaj matrix = new DMatrixRMaj(rows, cols);
        double[] data = matrix.getData();
        for (int i = 0; i < values.length; i++) {
            data[i] = values[i];
        }
        return matrix;
    }
}
