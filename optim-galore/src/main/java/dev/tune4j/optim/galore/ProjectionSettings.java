package dev.tune4j.optim.galore;

/**
 * GaLore's settings for one matrix.
 *
 * @param rank r, at least 1 (and at most min(m, n), checked per matrix by {@link GaLoreProjector})
 * @param updateProjGap T: the basis is recomputed at steps t with (t − 1) mod T = 0, i.e. 1, T + 1, 2T + 1, ...
 * @param scale α, multiplies the projected-back update
 * @param type which side(s) get the basis
 * @param method exact or randomized SVD
 * @param powerIterations q of the randomized method
 * @param oversampling p of the randomized method (it samples r + p directions)
 */
public record ProjectionSettings(int rank, long updateProjGap, double scale, ProjectionType type,
        SubspaceMethod method, int powerIterations, int oversampling) {

    /** Validates. */
    public ProjectionSettings {
        if (rank < 1) {
            throw new IllegalArgumentException("GaLore rank must be at least 1, got " + rank);
        }
        if (updateProjGap < 1) {
            throw new IllegalArgumentException("GaLore update_proj_gap must be at least 1, got " + updateProjGap);
        }
        if (!Double.isFinite(scale) || scale <= 0) {
            throw new IllegalArgumentException("GaLore scale must be a finite number > 0, got " + scale);
        }
        if (type == null || method == null) {
            throw new IllegalArgumentException("GaLore needs a proj_type and an svd method");
        }
        if (powerIterations < 0 || oversampling < 0) {
            throw new IllegalArgumentException("GaLore power_iterations and oversampling must be >= 0, got "
                    + powerIterations + " and " + oversampling);
        }
    }

    /** The reference's defaults with the Hugging Face Trainer's scale: rank 128, T 200, α 0.25, std, exact. */
    public static ProjectionSettings defaults() {
        return new ProjectionSettings(128, 200, 0.25, ProjectionType.STD, SubspaceMethod.EXACT, 2, 8);
    }

    /** Whether the basis is due at step {@code t} (1-based, the step being taken). */
    public boolean refreshDue(long t) {
        return (t - 1) % updateProjGap == 0;
    }
}
