package dev.tune4j.optim.galore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tune4j.testing.DeterministicTensors;
import java.util.Arrays;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class SingularSubspaceTest {

    /** P·Pᵀ of a row-major basis: left (d×r columns) or right (r×d rows, transposed first). */
    private static double[][] projection(float[] basis, int d, int r, boolean rowsAreVectors) {
        double[][] p = new double[d][r];
        for (int i = 0; i < d; i++) {
            for (int c = 0; c < r; c++) {
                p[i][c] = rowsAreVectors ? basis[c * d + i] : basis[i * r + c];
            }
        }
        return KnownSvd.projection(p);
    }

    /**
     * A gradient-like matrix with a clear gap after r = 8: singular values 100..30 on 8 known directions plus a
     * small deterministic perturbation (0.01·sin, singular values below 1).
     */
    private static NDArray gappedMatrix(NDManager manager, int rows, int cols, KnownSvd known) {
        double[][] g = known.matrix(100, 90, 80, 70, 60, 50, 40, 30);
        float[] noise = DeterministicTensors.sinArangeFloat(rows * cols, 0.01, 11);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                g[i][j] += noise[i * cols + j];
            }
        }
        return KnownSvd.toArray(manager, g);
    }

    @Test
    void exactAndRandomizedSpanTheSameTopSubspace() {
        for (int[] shape : new int[][] {{120, 80}, {64, 150}}) {
            int rows = shape[0];
            int cols = shape[1];
            KnownSvd known = new KnownSvd(rows, cols, 8, 4);
            try (NDManager manager = NDManager.newBaseManager()) {
                NDArray g = gappedMatrix(manager, rows, cols, known);
                var exact = SingularSubspace.exact(g, 8, true, true);
                var randomized = SingularSubspace.randomized(g, 8, true, true, 2, 8, 42);
                double left = KnownSvd.distance(projection(exact.left(), rows, 8, false),
                        projection(randomized.left(), rows, 8, false));
                double right = KnownSvd.distance(projection(exact.right(), cols, 8, true),
                        projection(randomized.right(), cols, 8, true));
                assertTrue(left <= 1e-4 && right <= 1e-4, rows + "x" + cols + ": " + left + ", " + right);
                // and both are the planted subspace (the noise tilts it by about ‖noise‖/gap)
                double planted = KnownSvd.distance(projection(exact.left(), rows, 8, false),
                        KnownSvd.projection(known.u));
                assertTrue(planted < 0.1, "exact SVD missed the planted subspace by " + planted);
            }
        }
    }

    @Test
    void exactOfOneSideEqualsThatSideOfTheTwoSidedSvd() {
        // the smaller side goes through the Gram matrix's eigenvectors, the larger one through the SVD
        for (int[] shape : new int[][] {{120, 80}, {64, 150}}) {
            int rows = shape[0];
            int cols = shape[1];
            KnownSvd known = new KnownSvd(rows, cols, 8, 4);
            try (NDManager manager = NDManager.newBaseManager()) {
                NDArray g = gappedMatrix(manager, rows, cols, known);
                var both = SingularSubspace.exact(g, 8, true, true);
                var left = SingularSubspace.exact(g, 8, true, false);
                var right = SingularSubspace.exact(g, 8, false, true);
                assertNull(left.right());
                assertNull(right.left());
                double leftError = KnownSvd.distance(projection(both.left(), rows, 8, false),
                        projection(left.left(), rows, 8, false));
                double rightError = KnownSvd.distance(projection(both.right(), cols, 8, true),
                        projection(right.right(), cols, 8, true));
                assertTrue(leftError <= 1e-5 && rightError <= 1e-5, rows + "x" + cols + ": " + leftError + ", "
                        + rightError);
                assertOrthonormal(left.left(), rows, 8, false);
                assertOrthonormal(right.right(), cols, 8, true);
            }
        }
    }

    @Test
    void randomizedBasesAreOrthonormalForWellAndIllConditionedGradients() {
        KnownSvd known = new KnownSvd(90, 60, 8, 3);
        try (NDManager manager = NDManager.newBaseManager()) {
            // Y = G·Ω is well conditioned for the gapped matrix and numerically rank one for the rank-one matrix,
            // where the Cholesky factor of YᵀY is useless and the Householder QR has to take over
            for (NDArray g : new NDArray[] {gappedMatrix(manager, 90, 60, known),
                KnownSvd.toArray(manager, known.matrix(5))}) {
                var basis = SingularSubspace.randomized(g, 8, true, true, 2, 4, 3);
                assertOrthonormal(basis.left(), 90, 8, false);
                assertOrthonormal(basis.right(), 60, 8, true);
                var exact = SingularSubspace.exact(g, 8, false, true);
                double topError = KnownSvd.distance(projection(Arrays.copyOf(basis.right(), 60), 60, 1, true),
                        projection(Arrays.copyOf(exact.right(), 60), 60, 1, true));
                assertTrue(topError < 1e-4, "top right vector off by " + topError);
            }
            // nothing to orthonormalise in a zero gradient: no basis (the projector skips the refresh)
            assertNull(SingularSubspace.randomized(manager.zeros(new Shape(90, 60)), 8, true, true, 2, 4, 3));
        }
    }

    /** The r basis vectors (rows of an r×d basis, or columns of a d×r one) are orthonormal to float precision. */
    private static void assertOrthonormal(float[] basis, int d, int r, boolean rowsAreVectors) {
        for (int a = 0; a < r; a++) {
            for (int b = 0; b < r; b++) {
                double dot = 0;
                for (int i = 0; i < d; i++) {
                    dot += (double) (rowsAreVectors ? basis[a * d + i] : basis[i * r + a])
                            * (rowsAreVectors ? basis[b * d + i] : basis[i * r + b]);
                }
                assertEquals(a == b ? 1 : 0, dot, 1e-5, "vectors " + a + " and " + b);
            }
        }
    }

    @Test
    void randomizedWithoutPowerIterationsStillFindsAnExactlyLowRankSubspace() {
        KnownSvd known = new KnownSvd(50, 40, 3, 9);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray g = KnownSvd.toArray(manager, known.matrix(3, 2, 1));
            var basis = SingularSubspace.randomized(g, 3, false, true, 0, 2, 7);
            double error = KnownSvd.distance(projection(basis.right(), 40, 3, true), KnownSvd.projection(known.v));
            assertTrue(error < 1e-5, "error " + error);
        }
    }

    /** Prints the times of both methods on a 4096×4096 gradient, rank 128 (notes the numbers; asserts nothing). */
    @Test
    @Tag("slow")
    void benchmark4096() {
        int size = 4096;
        int rank = 128;
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] values = new float[size * size]; // full rank: Gaussian entries
            java.util.SplittableRandom random = new java.util.SplittableRandom(5);
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) random.nextGaussian();
            }
            NDArray g = FloatTensors.create(manager, values, new Shape(size, size));
            for (int repeat = 0; repeat < 2; repeat++) {
                long start = System.nanoTime();
                SingularSubspace.randomized(g, rank, false, true, 2, 8, 1);
                System.out.printf("GaLore basis %dx%d rank %d: randomized (q=2, p=8) %.2f s%n", size, size, rank,
                        (System.nanoTime() - start) / 1e9);
            }
            long start = System.nanoTime();
            SingularSubspace.exact(g, rank, false, true);
            System.out.printf("GaLore basis %dx%d rank %d: exact (Gram eigenvectors) %.2f s%n", size, size, rank,
                    (System.nanoTime() - start) / 1e9);
        }
    }
}
