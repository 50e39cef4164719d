package dev.tune4j.optim.galore;

import java.util.Locale;

/** How the top-r singular vectors are found (option {@code svd}). */
public enum SubspaceMethod {
    /** Exact thin SVD of the whole gradient (EJML, double precision), as the reference. */
    EXACT,
    /** Randomized subspace iteration with engine matmuls and a small QR (see {@link SingularSubspace}). */
    RANDOMIZED;

    /** The option word. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The method of the option word {@code word}. */
    public static SubspaceMethod of(String word) {
        return valueOf(word.toUpperCase(Locale.ROOT));
    }
}
