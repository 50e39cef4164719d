package dev.tune4j.optim.galore;

/**
 * Where a projector's basis sits, fixed by the proj_type and the matrix's shape (never re-derived from tensor shapes,
 * which is ambiguous when the rank reaches a dimension).
 */
public enum ProjectionSide {
    /** P = U[:, :r] (m×r); R = Pᵀ·G (r×n); back: P·N. */
    LEFT,
    /** P = Vh[:r, :] (r×n); R = G·Pᵀ (m×r); back: N·P. */
    RIGHT,
    /** U[:, :r] and Vh[:r, :]; R = Uᵀ·G·Vhᵀ (r×r); back: U·N·Vh. */
    BOTH;

    /** Whether the left basis U is kept. */
    public boolean usesLeft() {
        return this != RIGHT;
    }

    /** Whether the right basis Vh is kept. */
    public boolean usesRight() {
        return this != LEFT;
    }
}
