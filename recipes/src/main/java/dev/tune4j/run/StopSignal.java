package dev.tune4j.run;

import java.io.PrintWriter;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * SIGTERM and SIGINT (and any other orderly JVM shutdown) turned into a request to stop at the next safe point, for
 * as long as it is installed: the JVM's shutdown waits until the work that installed it {@link #close closes} it, so a
 * run can finish its step, write its checkpoint and summary, and a comparison can stop its child run (SIGTERM,
 * forwarded) and wait for it. A second signal changes nothing; SIGKILL still ends the process at once.
 */
final class StopSignal implements AutoCloseable {
    /** How long a shutdown waits for the work to stop; a step of a large model on a slow machine fits in it. */
    private static final long WAIT_MINUTES = 10;

    private final CountDownLatch closed = new CountDownLatch(1);
    private final Thread hook;
    private volatile boolean requested;
    private Process child;

    private StopSignal(String what, PrintWriter out) {
        this.hook = new Thread(() -> {
            requested = true;
            out.println("tune4j: stop requested (SIGTERM or SIGINT): " + what);
            out.flush();
            stopChild();
            try {
                if (!closed.await(WAIT_MINUTES, TimeUnit.MINUTES)) {
                    out.println("tune4j: did not stop within " + WAIT_MINUTES + " minutes; exiting anyway");
                    out.flush();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "tune4j-stop-signal");
    }

    /**
     * Installs the request until {@link #close}.
     *
     * @param what what stopping does, for the line printed when the signal arrives
     * @param out where that line goes
     */
    static StopSignal install(String what, PrintWriter out) {
        StopSignal signal = new StopSignal(what, out);
        Runtime.getRuntime().addShutdownHook(signal.hook);
        return signal;
    }

    /** Whether a stop was requested. */
    boolean requested() {
        return requested;
    }

    /**
     * Starts {@code builder}'s process unless a stop was requested; a stop requested while it runs sends it SIGTERM.
     *
     * @return the process, or null when the stop came first
     */
    synchronized Process start(ProcessBuilder builder) throws java.io.IOException {
        if (requested) {
            return null;
        }
        child = builder.start();
        return child;
    }

    /** The child started by {@link #start} has ended. */
    synchronized void childEnded() {
        child = null;
    }

    private synchronized void stopChild() {
        if (child != null) {
            // SIGTERM: the child run checkpoints and writes its summary, then exits. Through its handle, since
            // Process.destroy also closes this side of the child's output, which the comparison reads to the end
            child.toHandle().destroy();
        }
    }

    /** The work is done (or stopped): a shutdown waiting on it may go on. */
    @Override
    public void close() {
        closed.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running and now returns
        }
    }
}
