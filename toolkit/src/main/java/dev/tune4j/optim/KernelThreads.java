package dev.tune4j.optim;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The threads the Java kernels (optimizers, the gradient norm) split a tensor over, and the one way they split it:
 * elements {@code [0, count)} cut into chunks of a fixed number of elements that the kernel chooses, never derived from
 * the thread count. Each chunk is run by exactly one thread; a kernel that reduces writes one partial result per chunk
 * index and combines them in chunk order after {@link #forEachChunk} returns, so its result is the same bits on one
 * thread or many, however the chunks were scheduled (resumed runs stay bit-identical).
 *
 * <p>The calling thread works too; {@code threads − 1} daemon workers help it. A call from inside a chunk (a kernel
 * nested in another) runs its chunks on its own thread. The default is one thread per available processor; the
 * system property {@code tune4j.kernel.threads} or {@link #setThreads} change it (the optimizer benchmark's
 * {@code --threads}).
 */
public final class KernelThreads {
    /** Runs the elements {@code [from, to)} of chunk {@code chunk}. */
    @FunctionalInterface
    public interface ChunkBody {
        /** Processes one chunk. */
        void run(int chunk, long from, long to);
    }

    private static final ThreadLocal<Boolean> IN_CHUNK = ThreadLocal.withInitial(() -> false);
    private static int threads = Integer.getInteger("tune4j.kernel.threads",
            Runtime.getRuntime().availableProcessors());
    private static ExecutorService workers;

    private KernelThreads() {}

    /** The number of threads a call may use (the caller included). */
    public static synchronized int threads() {
        return threads;
    }

    /**
     * Uses {@code count} threads (the caller included) from the next call on.
     *
     * @throws IllegalArgumentException if {@code count} is below 1
     */
    public static synchronized void setThreads(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("kernel threads must be at least 1, got " + count);
        }
        if (count != threads && workers != null) {
            workers.shutdown();
            workers = null;
        }
        threads = count;
    }

    /** The number of chunks of {@code chunkElements} that cover {@code count} elements (0 for none). */
    public static int chunks(long count, long chunkElements) {
        if (chunkElements < 1) {
            throw new IllegalArgumentException("chunk size must be at least 1, got " + chunkElements);
        }
        return Math.toIntExact((count + chunkElements - 1) / chunkElements);
    }

    /**
     * Runs {@code body} on every chunk {@code c} of {@code [c·chunkElements, min(count, (c+1)·chunkElements))}, on up
     * to {@link #threads()} threads, and returns when all have run; the first exception a chunk throws is rethrown
     * (after every chunk has finished or failed).
     */
    public static void forEachChunk(long count, long chunkElements, ChunkBody body) {
        int chunks = chunks(count, chunkElements);
        ExecutorService pool = chunks > 1 && !IN_CHUNK.get() ? workers() : null;
        if (pool == null) {
            runInline(count, chunkElements, chunks, body);
            return;
        }
        AtomicInteger next = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(chunks);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Runnable helper = () -> runClaimed(count, chunkElements, chunks, body, next, done, failure);
        int helpers = Math.min(threads() - 1, chunks - 1);
        for (int h = 0; h < helpers; h++) {
            pool.execute(helper);
        }
        helper.run();
        try {
            done.await(); // chunks claimed by helpers; a helper that starts late finds none left and returns
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while kernel chunks were running", e);
        }
        Throwable thrown = failure.get();
        if (thrown instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (thrown instanceof Error error) {
            throw error;
        }
    }

    private static void runInline(long count, long chunkElements, int chunks, ChunkBody body) {
        for (int chunk = 0; chunk < chunks; chunk++) {
            long from = chunk * chunkElements;
            body.run(chunk, from, Math.min(count, from + chunkElements));
        }
    }

    private static void runClaimed(long count, long chunkElements, int chunks, ChunkBody body, AtomicInteger next,
            CountDownLatch done, AtomicReference<Throwable> failure) {
        boolean nested = IN_CHUNK.get();
        IN_CHUNK.set(true);
        try {
            for (int chunk = next.getAndIncrement(); chunk < chunks; chunk = next.getAndIncrement()) {
                try {
                    long from = chunk * chunkElements;
                    body.run(chunk, from, Math.min(count, from + chunkElements));
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    done.countDown();
                }
            }
        } finally {
            IN_CHUNK.set(nested);
        }
    }

    /** The helper threads, started on first use; null when one thread is all there is. */
    private static synchronized ExecutorService workers() {
        if (threads < 2) {
            return null;
        }
        if (workers == null) {
            AtomicInteger number = new AtomicInteger();
            workers = Executors.newFixedThreadPool(threads - 1, task -> {
                Thread thread = new Thread(task, "tune4j-kernel-" + number.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            });
        }
        return workers;
    }
}
