package dev.tune4j.optim.galore;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The low-rank basis of one m×n weight matrix (reference {@code GaLoreProjector}, docs/algorithms.md#galore-projector),
 * refreshed from the top-r singular vectors of the gradient at steps 1, T + 1, 2T + 1, ... The side (left, right or
 * both) is fixed at construction from the proj_type and the shape, and stored; it is never re-derived from tensor
 * shapes.
 *
 * <p>When the rank covers the whole projected dimension (r = m on the left, r = n on the right, r = m = n for
 * {@code full}) the subspace is the whole space; the projector then uses the identity basis: no SVD, no matmul, and
 * nothing is stored. (The reference would use the SVD's rotation instead; Adam-type rules are not rotation invariant,
 * so there its full-rank runs differ slightly from the plain rule; here they equal it.)
 *
 * <p>A gradient with NaN or infinite elements, or an SVD that fails, skips the refresh and keeps the old basis.
 */
public final class GaLoreProjector implements AutoCloseable {
    /** What {@link #refreshIfDue} did. */
    public enum Refresh {
        /** Not due (or identity): the basis is unchanged. */
        NOT_DUE,
        /** A new basis was computed. */
        REFRESHED,
        /** Due, but the gradient had NaN or infinite elements; the old basis (if any) stays. */
        SKIPPED_NOT_FINITE,
        /** Due, but the SVD did not converge; the old basis (if any) stays. */
        SKIPPED_NOT_CONVERGED
    }

    static final String LEFT = "galore_left";
    static final String RIGHT = "galore_right";

    private final String parameterName;
    private final long rows;
    private final long cols;
    private final ProjectionSettings settings;
    private final ProjectionSide side;
    private final boolean identity;
    private final NDManager manager;
    private NDArray left; // m×r
    private NDArray right; // r×n

    /**
     * A projector without a basis yet for the parameter {@code parameterName} of {@code shape}.
     *
     * @param parent the manager the basis tensors live under (a sub-manager is made)
     * @throws IllegalArgumentException if the shape is not 2-D or the rank exceeds min(m, n)
     */
    public GaLoreProjector(String parameterName, Shape shape, ProjectionSettings settings, NDManager parent) {
        this(parameterName, shape, settings, sideOf(parameterName, shape, settings), parent);
    }

    /** A projector with a stored side (restored state); checks it against the shape and rank. */
    GaLoreProjector(String parameterName, Shape shape, ProjectionSettings settings, ProjectionSide side,
            NDManager parent) {
        this.parameterName = parameterName;
        this.rows = shape.get(0);
        this.cols = shape.get(1);
        this.settings = settings;
        this.side = side;
        this.identity = switch (side) {
            case LEFT -> settings.rank() == rows;
            case RIGHT -> settings.rank() == cols;
            case BOTH -> settings.rank() == rows && settings.rank() == cols;
        };
        this.manager = parent.newSubManager();
    }

    private static ProjectionSide sideOf(String parameterName, Shape shape, ProjectionSettings settings) {
        if (shape.dimension() != 2) {
            throw new IllegalArgumentException("GaLore projects matrices only; parameter '" + parameterName
                    + "' has shape " + shape + "; remove it from target_modules");
        }
        long smaller = Math.min(shape.get(0), shape.get(1));
        if (settings.rank() > smaller) {
            throw new IllegalArgumentException("GaLore rank " + settings.rank() + " is larger than min(m, n) = "
                    + smaller + " of parameter '" + parameterName + "' with shape " + shape + "; set rank to at most "
                    + smaller + " (e.g. in a parameter group for it) or remove it from target_modules");
        }
        return settings.type().sideFor(shape.get(0), shape.get(1));
    }

    /** The parameter's name. */
    public String parameterName() {
        return parameterName;
    }

    /** The side of the basis. */
    public ProjectionSide side() {
        return side;
    }

    /** The m×n shape of the weight. */
    public Shape fullShape() {
        return new Shape(rows, cols);
    }

    /** The settings. */
    public ProjectionSettings settings() {
        return settings;
    }

    /** Whether the basis is the identity (the rank covers the projected dimension). */
    public boolean isIdentity() {
        return identity;
    }

    /** Whether a basis is available (always for the identity). */
    public boolean hasBasis() {
        return identity || ((!side.usesLeft() || left != null) && (!side.usesRight() || right != null));
    }

    /** Shape of the projected gradient R. */
    public Shape lowRankShape() {
        long r = settings.rank();
        if (identity) {
            return new Shape(rows, cols);
        }
        return switch (side) {
            case LEFT -> new Shape(r, cols);
            case RIGHT -> new Shape(rows, r);
            case BOTH -> new Shape(r, r);
        };
    }

    /**
     * Recomputes the basis from {@code gradient} (float32, m×n) if there is none or step {@code t} is a refresh step.
     *
     * @param seed seeds the randomized method
     */
    public Refresh refreshIfDue(NDArray gradient, long t, long seed) {
        if (identity || (hasBasis() && !settings.refreshDue(t))) {
            return Refresh.NOT_DUE;
        }
        if (!FloatTensors.allFinite(gradient)) {
            return Refresh.SKIPPED_NOT_FINITE;
        }
        SingularSubspace.Basis basis;
        try {
            basis = settings.method() == SubspaceMethod.EXACT
                    ? SingularSubspace.exact(gradient, settings.rank(), side.usesLeft(), side.usesRight())
                    : SingularSubspace.randomized(gradient, settings.rank(), side.usesLeft(), side.usesRight(),
                            settings.powerIterations(), settings.oversampling(), seed);
        } catch (RuntimeException e) { // EJML signals some numerical failures by exceptions
            basis = null;
        }
        if (basis == null) {
            return Refresh.SKIPPED_NOT_CONVERGED;
        }
        int r = settings.rank();
        if (basis.left() != null) {
            replace(LEFT, FloatTensors.create(manager, basis.left(), new Shape(rows, r)));
        }
        if (basis.right() != null) {
            replace(RIGHT, FloatTensors.create(manager, basis.right(), new Shape(r, cols)));
        }
        return Refresh.REFRESHED;
    }

    /** R, the projection of {@code gradient} (float32, m×n), as a new array in {@code out}. */
    public NDArray project(NDArray gradient, NDManager out) {
        requireBasis();
        if (identity) {
            NDArray copy = gradient.duplicate();
            copy.attach(out);
            return copy;
        }
        return switch (side) {
            case LEFT -> transposedTimes(left, gradient, out);
            case RIGHT -> timesTransposed(gradient, right, out);
            case BOTH -> {
                try (NDManager scratch = out.newSubManager()) {
                    NDArray leftProjected = transposedTimes(left, gradient, scratch);
                    yield timesTransposed(leftProjected, right, out);
                }
            }
        };
    }

    /** α times the back-projection of {@code lowRank} (shaped like R), as a new m×n array in {@code out}. */
    public NDArray projectBack(NDArray lowRank, NDManager out) {
        NDArray full = backProject(lowRank, out);
        if (settings.scale() != 1) {
            full.muli((float) settings.scale());
        }
        return full;
    }

    /** The back-projection of {@code lowRank} (shaped like R) without the scale α, as a new m×n array in out. */
    NDArray backProject(NDArray lowRank, NDManager out) {
        requireBasis();
        if (identity) {
            NDArray full = lowRank.duplicate();
            full.attach(out);
            return full;
        }
        return switch (side) {
            case LEFT -> times(left, lowRank, out);
            case RIGHT -> times(lowRank, right, out);
            case BOTH -> {
                try (NDManager scratch = out.newSubManager()) {
                    yield times(times(left, lowRank, scratch), right, out);
                }
            }
        };
    }

    /** Bytes of the stored basis tensors. */
    public long stateBytes() {
        long bytes = 0;
        for (NDArray tensor : tensors().values()) {
            bytes += tensor.size() * tensor.getDataType().getNumOfBytes();
        }
        return bytes;
    }

    /** The stored basis tensors by name ({@code galore_left}, {@code galore_right}). */
    Map<String, NDArray> tensors() {
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        if (left != null) {
            tensors.put(LEFT, left);
        }
        if (right != null) {
            tensors.put(RIGHT, right);
        }
        return tensors;
    }

    /** Installs a saved basis tensor, checking its name and shape. */
    void restore(String name, NDArray tensor) {
        Shape expected = switch (name) {
            case LEFT -> side.usesLeft() ? new Shape(rows, settings.rank()) : null;
            case RIGHT -> side.usesRight() ? new Shape(settings.rank(), cols) : null;
            default -> null;
        };
        if (expected == null || !tensor.getShape().equals(expected) || tensor.getDataType() != DataType.FLOAT32) {
            throw new IllegalArgumentException("saved GaLore basis '" + name + "' of '" + parameterName + "' is "
                    + tensor.getShape() + " " + tensor.getDataType() + ", but a " + side + " projector of rank "
                    + settings.rank() + " for " + new Shape(rows, cols) + " expects " + expected + " float32");
        }
        tensor.attach(manager);
        replace(name, tensor);
    }

    private void replace(String name, NDArray tensor) {
        if (LEFT.equals(name)) {
            if (left != null) {
                left.close();
            }
            left = tensor;
        } else {
            if (right != null) {
                right.close();
            }
            right = tensor;
        }
    }

    private void requireBasis() {
        if (!hasBasis()) {
            throw new IllegalStateException("GaLore projector of '" + parameterName + "' has no basis yet");
        }
    }

    private static NDArray times(NDArray a, NDArray b, NDManager out) {
        NDArray result = a.matMul(b);
        result.attach(out);
        return result;
    }

    private static NDArray transposedTimes(NDArray a, NDArray b, NDManager out) {
        try (NDArray transposed = a.transpose()) {
            return times(transposed, b, out);
        }
    }

    private static NDArray timesTransposed(NDArray a, NDArray b, NDManager out) {
        try (NDArray transposed = b.transpose()) {
            return times(a, transposed, out);
        }
    }

    @Override
    public void close() {
        left = null;
        right = null;
        manager.close();
    }

    @Override
    public String toString() {
        return "GaLoreProjector[" + parameterName + " " + new Shape(rows, cols) + ", " + side + ", rank "
                + settings.rank() + (identity ? ", identity" : "") + "]";
    }
}
