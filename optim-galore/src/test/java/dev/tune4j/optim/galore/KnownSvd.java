package dev.tune4j.optim.galore;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Test fixture (written by the project): matrices with a known SVD, G = U·diag(s)·Vᵀ, where U and V are the first
 * columns of Householder reflections I − 2vvᵀ/(vᵀv) (orthogonal by construction, no decomposition involved), so the
 * top-r singular subspaces are known without any SVD code.
 */
final class KnownSvd {
    final int rows;
    final int cols;
    final double[][] u; // rows × k
    final double[][] v; // cols × k

    KnownSvd(int rows, int cols, int k, int seed) {
        this.rows = rows;
        this.cols = cols;
        this.u = firstColumns(reflection(rows, seed), k);
        this.v = firstColumns(reflection(cols, seed + 7), k);
    }

    /** U·diag(s)·Vᵀ for the first s.length vectors. */
    double[][] matrix(double... s) {
        double[][] g = new double[rows][cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                for (int c = 0; c < s.length; c++) {
                    g[i][j] += u[i][c] * s[c] * v[j][c];
                }
            }
        }
        return g;
    }

    static double[][] reflection(int size, int seed) {
        double[] x = new double[size];
        double norm = 0;
        for (int i = 0; i < size; i++) {
            x[i] = StrictMath.sin(seed + 1.7 * i + 1) + 0.3;
            norm += x[i] * x[i];
        }
        double[][] h = new double[size][size];
        for (int i = 0; i < size; i++) {
            for (int j = 0; j < size; j++) {
                h[i][j] = (i == j ? 1 : 0) - 2 * x[i] * x[j] / norm;
            }
        }
        return h;
    }

    static double[][] firstColumns(double[][] matrix, int k) {
        double[][] columns = new double[matrix.length][k];
        for (int i = 0; i < matrix.length; i++) {
            System.arraycopy(matrix[i], 0, columns[i], 0, k);
        }
        return columns;
    }

    static NDArray toArray(NDManager manager, double[][] matrix) {
        int rows = matrix.length;
        int cols = matrix[0].length;
        float[] values = new float[rows * cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                values[i * cols + j] = (float) matrix[i][j];
            }
        }
        return FloatTensors.create(manager, values, new Shape(rows, cols));
    }

    static double[][] toMatrix(NDArray array) {
        int rows = Math.toIntExact(array.getShape().get(0));
        int cols = Math.toIntExact(array.getShape().get(1));
        float[] values = FloatTensors.read(array);
        double[][] matrix = new double[rows][cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                matrix[i][j] = values[i * cols + j];
            }
        }
        return matrix;
    }

    /** Frobenius norm of a − b. */
    static double distance(double[][] a, double[][] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                double d = a[i][j] - b[i][j];
                sum += d * d;
            }
        }
        return Math.sqrt(sum);
    }

    /** P·Pᵀ for the columns of p (dimension × r). */
    static double[][] projection(double[][] p) {
        int d = p.length;
        double[][] out = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                for (int c = 0; c < p[0].length; c++) {
                    out[i][j] += p[i][c] * p[j][c];
                }
            }
        }
        return out;
    }

    static double[][] transpose(double[][] a) {
        double[][] out = new double[a[0].length][a.length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                out[j][i] = a[i][j];
            }
        }
        return out;
    }
}
