package dev.tune4j.optim.galore;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.CholeskyDecomposition_F64;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
import org.ejml.interfaces.decomposition.QRDecomposition;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;

/**
 * The top-r singular vectors of a float32 m×n matrix G: the left basis U[:, :r] (m×r) and/or the right basis
 * Vh[:r, :] (r×n), both row-major float arrays, by one of two methods. The O(m·n·k) products run on the engine; EJML
 * (double precision) does what DJL has no operator for: decompositions of small or square matrices.
 *
 * <p><b>Exact</b>, one side wanted, and it is the smaller one (GaLore's {@code std}): the Gram matrix of that side,
 * GᵀG (n×n) for the right vectors or G·Gᵀ (m×m) for the left ones, in double precision on the engine, then a
 * symmetric eigendecomposition (EJML); its eigenvectors with the r largest eigenvalues σ² are the singular vectors.
 * Both sides, or the larger side: a thin SVD of G in double precision (EJML's implicit-QR SVD). Singular values are
 * sorted descending either way. Forming the Gram matrix squares the condition number, which costs nothing the float32
 * basis can show as long as σ_r/σ_1 stays above about 1e-4 (double precision has 1e-16 to spend); the smaller
 * directions come out as accurately as a float32 gradient determines them anyway.
 *
 * <p><b>Randomized subspace iteration</b> (Halko, Martinsson and Tropp 2011, Algorithms 4.4 and 5.1), with
 * k = min(r + p, m, n) sample directions and q power iterations:
 * <ol>
 *   <li>Ω: n×k standard normal (seeded, so a resumed run draws the same numbers); Y = G·Ω (engine matmul).</li>
 *   <li>Q = orth(Y), an orthonormal basis of Y's columns (m×k, see below).</li>
 *   <li>q times: Z = Gᵀ·Q (engine), Q' = orth(Z) (n×k), Y = G·Q' (engine), Q = orth(Y). Re-orthonormalising after
 *       every product keeps the small singular directions from drowning in float32 round-off.</li>
 *   <li>B = Qᵀ·G (k×n, engine); thin SVD B = Ũ·Σ·Ṽh (EJML, small).</li>
 *   <li>U[:, :r] ≈ Q·Ũ[:, :r] (engine) and Vh[:r, :] ≈ Ṽh[:r, :].</li>
 * </ol>
 * orth is CholeskyQR2 in double precision on the engine: R = chol(YᵀY), Y ← Y·R⁻¹, twice (Fukaya et al. 2014; the
 * second pass repairs the orthogonality the first loses to Y's conditioning). Its result is checked (‖QᵀQ − I‖ below
 * 1e-10); when Y is too ill-conditioned or rank deficient for that, a Householder QR (EJML) takes over.
 * The error of the subspace shrinks like (σ_{k+1}/σ_r)^(2q+1): with a clear spectral gap it matches the exact basis
 * to float precision. The cost is 2q + 2 engine matmuls of m·n·k multiply-adds plus O((m + n)·k²) for the
 * orthonormalisations, instead of the O(m·n·min(m, n)) of a full SVD.
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
     * @return the basis, or null if the decomposition did not converge
     */
    public static Basis exact(NDArray gradient, int rank, boolean wantLeft, boolean wantRight) {
        int rows = Math.toIntExact(gradient.getShape().get(0));
        int cols = Math.toIntExact(gradient.getShape().get(1));
        checkRank(rows, cols, rank);
        if (wantRight && !wantLeft && cols <= rows) {
            return fromGram(gradient, rank, false);
        }
        if (wantLeft && !wantRight && rows <= cols) {
            return fromGram(gradient, rank, true);
        }
        DMatrixRMaj matrix = toDouble(FloatTensors.read(gradient), rows, cols);
        SingularValueDecomposition_F64<DMatrixRMaj> svd =
                DecompositionFactory_DDRM.svd(rows, cols, wantLeft, wantRight, true);
        if (!svd.decompose(matrix)) {
            return null;
        }
        return topVectors(svd, rows, cols, rank, wantLeft, wantRight, null);
    }

    /**
     * The top-r eigenvectors of the double-precision Gram matrix G·Gᵀ (left) or GᵀG (right): the singular vectors of
     * that side, in descending order of singular value; null if the eigendecomposition failed.
     */
    private static Basis fromGram(NDArray gradient, int rank, boolean left) {
        int rows = Math.toIntExact(gradient.getShape().get(0));
        int cols = Math.toIntExact(gradient.getShape().get(1));
        int size = left ? rows : cols;
        DMatrixRMaj gram;
        try (NDManager scratch = gradient.getManager().newSubManager()) {
            NDArray g = gradient.toType(DataType.FLOAT64, true);
            g.attach(scratch);
            NDArray transposed = g.transpose();
            transposed.attach(scratch);
            NDArray product = left ? g.matMul(transposed) : transposed.matMul(g);
            product.attach(scratch);
            gram = DMatrixRMaj.wrap(size, size, product.toDoubleArray());
        }
        EigenDecomposition_F64<DMatrixRMaj> eigen = DecompositionFactory_DDRM.eig(size, true, true);
        if (!eigen.decompose(gram)) {
            return null;
        }
        Integer[] order = new Integer[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(eigen.getEigenvalue(b).getReal(),
                eigen.getEigenvalue(a).getReal()));
        float[] basis = new float[size * rank];
        for (int j = 0; j < rank; j++) {
            DMatrixRMaj vector = eigen.getEigenVector(order[j]); // size×1
            if (vector == null) {
                return null;
            }
            for (int i = 0; i < size; i++) {
                // left: U[:, :r] is size×r (column j); right: Vh[:r, :] is r×size (row j)
                basis[left ? i * rank + j : j * size + i] = (float) vector.get(i, 0);
            }
        }
        return left ? new Basis(rows, cols, rank, basis, null) : new Basis(rows, cols, rank, null, basis);
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
            NDArray transposedGradient = gradient.transpose();
            transposedGradient.attach(scratch);
            NDArray q = orthonormalColumns(scratch, product(scratch, gradient, sketch)); // m×k
            for (int i = 0; i < powerIterations && q != null; i++) {
                NDArray z = orthonormalColumns(scratch, product(scratch, transposedGradient, q)); // n×k
                q = z == null ? null : orthonormalColumns(scratch, product(scratch, gradient, z));
            }
            if (q == null) {
                return null;
            }
            NDArray qTransposed = q.transpose();
            qTransposed.attach(scratch);
            float[] small = FloatTensors.read(product(scratch, qTransposed, gradient)); // B = Qᵀ·G, k×n
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
     * The top-r vectors of {@code svd}; with {@code leftFactor} Q (m×k, engine) the left vectors are Q·Ũ (the SVD was
     * of Qᵀ·G).
     */
    private static Basis topVectors(SingularValueDecomposition_F64<DMatrixRMaj> svd, int rows, int cols, int rank,
            boolean wantLeft, boolean wantRight, NDArray leftFactor) {
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
            DMatrixRMaj top = new DMatrixRMaj(u.getNumRows(), rank);
            for (int i = 0; i < u.getNumRows(); i++) {
                for (int j = 0; j < rank; j++) {
                    top.set(i, j, u.get(i, order[j]));
                }
            }
            if (leftFactor == null) {
                left = toFloat(top);
            } else {
                try (NDManager scratch = leftFactor.getManager().newSubManager()) {
                    left = FloatTensors.read(product(scratch, leftFactor, toEngine(scratch, top))); // Q·Ũ[:, :r]
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

    /** a·b on the engine, attached to {@code scratch}. */
    private static NDArray product(NDManager scratch, NDArray a, NDArray b) {
        NDArray result = a.matMul(b);
        result.attach(scratch);
        return result;
    }

    /**
     * An orthonormal basis of the column space of {@code matrix} (float32, rows×cols, rows ≥ cols, engine) as a new
     * float32 engine array, or null if even the Householder QR fails: CholeskyQR2 in double precision on the engine,
     * checked, else EJML's Householder QR.
     */
    private static NDArray orthonormalColumns(NDManager scratch, NDArray matrix) {
        if (matrix == null) {
            return null;
        }
        NDArray q = choleskyQr2(scratch, matrix);
        if (q != null) {
            return q;
        }
        int rows = Math.toIntExact(matrix.getShape().get(0));
        int cols = Math.toIntExact(matrix.getShape().get(1));
        QRDecomposition<DMatrixRMaj> qr = DecompositionFactory_DDRM.qr(rows, cols);
        if (!qr.decompose(toDouble(FloatTensors.read(matrix), rows, cols))) {
            return null;
        }
        return toEngine(scratch, qr.getQ(null, true));
    }

    /**
     * Y·R⁻¹ with R = chol(YᵀY), twice, in double precision; null unless the result is orthonormal to 1e-10 (Y too
     * ill-conditioned or rank deficient for a Cholesky factor of its Gram matrix).
     */
    private static NDArray choleskyQr2(NDManager scratch, NDArray matrix) {
        int cols = Math.toIntExact(matrix.getShape().get(1));
        NDArray q = matrix.toType(DataType.FLOAT64, true);
        q.attach(scratch);
        for (int pass = 0; pass < 2; pass++) {
            DMatrixRMaj gram = gram(scratch, q, cols);
            CholeskyDecomposition_F64<DMatrixRMaj> cholesky = DecompositionFactory_DDRM.chol(cols, false);
            if (!cholesky.decompose(gram)) {
                return null;
            }
            DMatrixRMaj inverse = new DMatrixRMaj(cols, cols);
            if (!CommonOps_DDRM.invert(cholesky.getT(null), inverse)) {
                return null;
            }
            NDArray factor = scratch.create(inverse.getData(), new Shape(cols, cols));
            q = product(scratch, q, factor);
        }
        DMatrixRMaj check = gram(scratch, q, cols);
        for (int i = 0; i < cols; i++) {
            for (int j = 0; j < cols; j++) {
                double error = check.get(i, j) - (i == j ? 1 : 0);
                if (!(Math.abs(error) < 1e-10)) {
                    return null;
                }
            }
        }
        NDArray result = q.toType(DataType.FLOAT32, true);
        result.attach(scratch);
        return result;
    }

    /** QᵀQ of a double engine array with {@code cols} columns, read back. */
    private static DMatrixRMaj gram(NDManager scratch, NDArray q, int cols) {
        NDArray transposed = q.transpose();
        transposed.attach(scratch);
        return DMatrixRMaj.wrap(cols, cols, product(scratch, transposed, q).toDoubleArray());
    }

    private static float[] toFloat(DMatrixRMaj matrix) {
        double[] data = matrix.getData();
        float[] values = new float[matrix.getNumElements()];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) data[i];
        }
        return values;
    }

    private static NDArray toEngine(NDManager scratch, DMatrixRMaj matrix) {
        return FloatTensors.create(scratch, toFloat(matrix), new Shape(matrix.getNumRows(), matrix.getNumCols()));
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
