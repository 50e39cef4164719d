package dev.tune4j.testing;

import dev.tune4j.optim.KernelThreads;

/** Runs a test body with a given number of kernel threads ({@link KernelThreads}), restoring the count after. */
public final class KernelThreadCounts {
    /** The counts a kernel-versus-twin test runs at: one thread, two (this machine's cores) and an odd three. */
    public static final int[] TESTED = {1, 2, 3};

    private KernelThreadCounts() {}

    /** Runs {@code body} with {@code threads} kernel threads, then restores the previous count. */
    public static void with(int threads, Runnable body) {
        int before = KernelThreads.threads();
        KernelThreads.setThreads(threads);
        try {
            body.run();
        } finally {
            KernelThreads.setThreads(before);
        }
    }
}
