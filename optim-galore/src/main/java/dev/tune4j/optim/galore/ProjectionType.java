package dev.tune4j.optim.galore;

import java.util.Locale;

/**
 * GaLore's {@code proj_type}: which side of an m×n gradient gets the low-rank basis (as the
 * {@code GaLoreProjector} of the reference GaLore implementation, Zhao et al., 2024).
 */
public enum ProjectionType {
    /** The smaller dimension: right basis when m ≥ n (so square matrices project on the right), else left. */
    STD,
    /** The larger dimension: left basis when m ≥ n, else right. */
    REVERSE_STD,
    /** Always the left basis U[:, :r] (m×r): R = Pᵀ·G is r×n. */
    LEFT,
    /** Always the right basis Vh[:r, :] (r×n): R = G·Pᵀ is m×r. */
    RIGHT,
    /** Both bases: R = Uᵀ·G·Vhᵀ is r×r. */
    FULL;

    /** The option word, e.g. {@code reverse_std}. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The type of the option word {@code word}. */
    public static ProjectionType of(String word) {
        return valueOf(word.toUpperCase(Locale.ROOT));
    }

    /** The side the basis of an m×n matrix is on. */
    public ProjectionSide sideFor(long rows, long cols) {
        return switch (this) {
            case STD -> rows >= cols ? ProjectionSide.RIGHT : ProjectionSide.LEFT;
            case REVERSE_STD -> rows >= cols ? ProjectionSide.LEFT : ProjectionSide.RIGHT;
            case LEFT -> ProjectionSide.LEFT;
            case RIGHT -> ProjectionSide.RIGHT;
            case FULL -> ProjectionSide.BOTH;
        };
    }
}
