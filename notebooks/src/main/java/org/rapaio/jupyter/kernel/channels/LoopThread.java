package org.rapaio.jupyter.kernel.channels;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * tune4j's replacement for rapaio-jupyter-kernel 3.0.1's channel loop thread, written for CI's notebook runs; it goes
 * before the kernel jar on the kernel's class path and keeps the class's signature (name, constructor, {@code run},
 * {@code start}, {@code shutdown}).
 *
 * <p>It removes the kernel's start-up race: in 3.0.1 a loop thread starts before its {@code running} flag is set, so
 * it may find the flag false and end at once, and the shell loop can receive the first {@code kernel_info_request}
 * before the message handlers are registered, so the request fails with a NullPointerException that ends the loop.
 * Either way the kernel never answers and the notebook client gives up after its start-up timeout (seen in about one
 * start in ten on two cores). Here the flag is set before the thread starts, and an exception in one pass of the loop
 * is logged and the loop goes on; the Jupyter client repeats {@code kernel_info_request} until it is answered.
 */
public final class LoopThread extends Thread {
    private static final Logger LOGGER = Logger.getLogger(LoopThread.class.getName());

    private final long sleepMillis;
    private final Runnable loopBody;
    private volatile boolean running;

    /**
     * @param name the thread's name
     * @param sleepMillis pause after each pass of the loop
     * @param loopBody one pass: poll the channel's socket and handle what arrived
     */
    public LoopThread(String name, long sleepMillis, Runnable loopBody) {
        super(name);
        this.sleepMillis = sleepMillis;
        this.loopBody = loopBody;
    }

    @Override
    public void run() {
        while (running) {
            try {
                loopBody.run();
            } catch (RuntimeException e) {
                LOGGER.log(Level.WARNING, getName() + ": one loop pass failed and was skipped: " + e, e);
            }
            try {
                Thread.sleep(sleepMillis);
            } catch (InterruptedException e) {
                running = false;
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Marks the loop as running, then starts the thread, so the first pass always sees the flag set. */
    @Override
    public synchronized void start() {
        running = true;
        super.start();
    }

    /** Ends the loop after the current pass. */
    public void shutdown() {
        running = false;
    }
}
