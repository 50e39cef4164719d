package dev.tune4j.metrics;

import java.util.OptionalDouble;

/**
 * The CPU time that other processes took while this process did a piece of work (a training step): the machine's busy
 * CPU time over the piece minus this process's own ({@link ProcessorLoad}). On a machine with nothing else running it
 * stays near zero; a second busy process adds about one core-second per second for each thread it keeps running.
 * This, not how much a run's step times vary, is what says that another process shared the cores: step times vary
 * on a quiet machine too (the allocator's page faults, periodic work of an optimizer).
 *
 * <p>The machine's time comes in 10 ms ticks and this process's to the nanosecond, so one reading is off by up to
 * about 10 ms per core either way (it can be slightly negative); sums over many steps average that out.
 */
public final class OtherProcessesCpu {
    private double machineAtStart = Double.NaN;
    private double processAtStart = Double.NaN;

    /** Marks the start of a piece of work. */
    public void start() {
        machineAtStart = ProcessorLoad.machineBusyCpuSeconds().orElse(Double.NaN);
        processAtStart = ProcessorLoad.processCpuSeconds().orElse(Double.NaN);
    }

    /**
     * CPU seconds other processes took since {@link #start()}; empty where either clock cannot be read (not Linux)
     * or {@code start} was not called.
     */
    public OptionalDouble stop() {
        double machine = ProcessorLoad.machineBusyCpuSeconds().orElse(Double.NaN) - machineAtStart;
        double process = ProcessorLoad.processCpuSeconds().orElse(Double.NaN) - processAtStart;
        double others = machine - process;
        return Double.isFinite(others) ? OptionalDouble.of(others) : OptionalDouble.empty();
    }
}
