package dev.tune4j.optim.galore;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.tune4j.optim.RuleState;
import dev.tune4j.optim.StateSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The low-rank basis of one m×n weight matrix, as in the reference GaLore implementation's {@code GaLoreProjector}
 * (Zhao et al., 2024): the top-r singular vectors of the gradient, recomputed at steps 1, T + 1, 2T + 1, ... The side
 * (left, right or both) follows from the proj_type and the shape alone; it is never re-derived from tensor shapes,
 * which is ambiguous when the rank reaches a dimension.
 *
 * <p>The projector holds only this geometry; the bases are the parameter's optimizer state, declared by
 * {@link #bases()} and read and written through the {@link RuleState} each call is given: {@code galore_left} (m×r)
 * and/or {@code galore_right} (r×n), allocated by the first refresh that succeeds.
 *
 * <p>When the rank covers the whole projected dimension (r = m on the left, r = n on the right, r = m = n for
 * {@code full}) the subspace is the whole space; the projector then uses the identity basis: no SVD, no matmul, and
 * nothing is stored. (The reference would use the SVD's rotation instead; Adam-type rules are not rotation invariant,
 * so there its full-rank runs differ slightly from the plain rule; here they equal it.)
 *
 * <p>A gradient with NaN or infinite elements, or an SVD that fails, skips the refresh and keeps the old basis.
 *
 * <p><b>Where each part runs.</b> The projections R = Uᵀ·G (or G·Vhᵀ) and the back-projections are engine matmuls on
 * the parameter's device, every step. The periodic refresh (every {@code update_proj_gap} steps) runs on the host:
 * DJL has no SVD operator, so a gradient on another device is copied to the CPU once per refresh, where
 * {@link SingularSubspace} computes the basis (its products on the CPU engine, its small decompositions in EJML),
 * and the basis is copied back into the state tensors on the parameter's device.
 */
public final class GaLoreProjector {
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
    private final long rows; // m
    private final long cols; // n
    private final ProjectionSettings settings;
    private final ProjectionSide side;
    private final boolean identity;

    /**
     * The projector of the parameter {@code parameterName} of {@code shape}.
     *
     * @throws IllegalArgumentException if the shape is not 2-D or the rank exceeds min(m, n)
     */
    public GaLoreProjector(String parameterName, Shape shape, ProjectionSettings settings) {
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
        this.parameterName = parameterName;
        this.rows = shape.get(0);
        this.cols = shape.get(1);
        this.settings = settings;
        this.side = settings.type().sideFor(rows, cols);
        this.identity = switch (side) {
            case LEFT -> settings.rank() == rows;
            case RIGHT -> settings.rank() == cols;
            case BOTH -> settings.rank() == rows && settings.rank() == cols;
        };
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

    /** The basis tensors this projector keeps: none for the identity, else U (m×r) and/or Vh (r×n), float32. */
    public List<StateSpec> bases() {
        List<StateSpec> bases = new ArrayList<>(2);
        if (!identity && side.usesLeft()) {
            bases.add(StateSpec.float32(LEFT, new Shape(rows, settings.rank())));
        }
        if (!identity && side.usesRight()) {
            bases.add(StateSpec.float32(RIGHT, new Shape(settings.rank(), cols)));
        }
        return bases;
    }

    /** Whether {@code state} holds a basis (always for the identity). */
    public boolean hasBasis(RuleState state) {
        return identity || ((!side.usesLeft() || state.has(LEFT)) && (!side.usesRight() || state.has(RIGHT)));
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
     * Recomputes the basis in {@code state} from {@code gradient} (float32, m×n) if there is none or step {@code t} is
     * a refresh step.
     *
     * @param seed seeds the randomized method
     */
    public Refresh refreshIfDue(RuleState state, NDArray gradient, long t, long seed) {
        if (identity || (hasBasis(state) && !settings.refreshDue(t))) {
            return Refresh.NOT_DUE;
        }
        try (NDManager host = NDManager.newBaseManager(Device.cpu())) {
            NDArray onHost = gradient; // the SVD runs on the host (EJML); a device gradient is copied there once
            if (!gradient.getDevice().equals(Device.cpu())) {
                onHost = gradient.toDevice(Device.cpu(), true);
                onHost.attach(host);
            }
            if (!FloatTensors.allFinite(onHost)) {
                return Refresh.SKIPPED_NOT_FINITE;
            }
            SingularSubspace.Basis basis;
            try {
                basis = settings.method() == SubspaceMethod.EXACT
                        ? SingularSubspace.exact(onHost, settings.rank(), side.usesLeft(), side.usesRight())
                        : SingularSubspace.randomized(onHost, settings.rank(), side.usesLeft(), side.usesRight(),
                                settings.powerIterations(), settings.oversampling(), seed);
            } catch (RuntimeException e) { // EJML signals some numerical failures by exceptions
                basis = null;
            }
            if (basis == null) {
                return Refresh.SKIPPED_NOT_CONVERGED;
            }
            if (basis.left() != null) {
                writeBasis(state.tensor(LEFT), basis.left(), host);
            }
            if (basis.right() != null) {
                writeBasis(state.tensor(RIGHT), basis.right(), host);
            }
        }
        return Refresh.REFRESHED;
    }

    /** Copies a basis computed on the host over its state tensor, on whatever device that lives. */
    private static void writeBasis(NDArray target, float[] values, NDManager host) {
        if (target.getDevice().equals(Device.cpu())) {
            FloatTensors.write(target, values);
            return;
        }
        NDArray onDevice = FloatTensors.create(host, values, target.getShape()).toDevice(target.getDevice(), false);
        onDevice.attach(host);
        target.set(new NDIndex("..."), onDevice);
    }

    /** R, the projection of {@code gradient} (float32, m×n) on the basis in {@code state}, as a new array in out. */
    public NDArray project(RuleState state, NDArray gradient, NDManager out) {
        requireBasis(state);
        if (identity) {
            NDArray copy = gradient.duplicate();
            copy.attach(out);
            return copy;
        }
        return switch (side) {
            case LEFT -> transposedTimes(state.tensor(LEFT), gradient, out);
            case RIGHT -> timesTransposed(gradient, state.tensor(RIGHT), out);
            case BOTH -> {
                try (NDManager scratch = out.newSubManager()) {
                    NDArray leftProjected = transposedTimes(state.tensor(LEFT), gradient, scratch);
                    yield timesTransposed(leftProjected, state.tensor(RIGHT), out);
                }
            }
        };
    }

    /** α times the back-projection of {@code lowRank} (shaped like R), as a new m×n array in {@code out}. */
    public NDArray projectBack(RuleState state, NDArray lowRank, NDManager out) {
        NDArray full = backProject(state, lowRank, out);
        if (settings.scale() != 1) {
            full.muli((float) settings.scale());
        }
        return full;
    }

    /** The back-projection of {@code lowRank} (shaped like R) without the scale α, as a new m×n array in out. */
    NDArray backProject(RuleState state, NDArray lowRank, NDManager out) {
        requireBasis(state);
        if (identity) {
            NDArray full = lowRank.duplicate();
            full.attach(out);
            return full;
        }
        return switch (side) {
            case LEFT -> times(state.tensor(LEFT), lowRank, out);
            case RIGHT -> times(lowRank, state.tensor(RIGHT), out);
            case BOTH -> {
                try (NDManager scratch = out.newSubManager()) {
                    yield times(times(state.tensor(LEFT), lowRank, scratch), state.tensor(RIGHT), out);
                }
            }
        };
    }

    /** Bytes of the basis tensors {@code state} holds. */
    public long stateBytes(RuleState state) {
        long bytes = 0;
        for (NDArray tensor : tensors(state).values()) {
            bytes += tensor.size() * tensor.getDataType().getNumOfBytes();
        }
        return bytes;
    }

    /** The basis tensors {@code state} holds, by name ({@code galore_left}, {@code galore_right}). */
    Map<String, NDArray> tensors(RuleState state) {
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        for (StateSpec basis : bases()) {
            if (state.has(basis.name())) {
                tensors.put(basis.name(), state.tensor(basis.name()));
            }
        }
        return tensors;
    }

    private void requireBasis(RuleState state) {
        if (!hasBasis(state)) {
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
    public String toString() {
        return "GaLoreProjector[" + parameterName + " " + new Shape(rows, cols) + ", " + side + ", rank "
                + settings.rank() + (identity ? ", identity" : "") + "]";
    }
}
