package dev.tune4j.metrics;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalDouble;

/**
 * What the processors were doing while a run timed its steps: this process's CPU time (the JVM's
 * {@code OperatingSystemMXBean}), the machine's 1-minute load average ({@code /proc/loadavg}, Linux) and its core
 * count. Wall time alone cannot tell a slow optimizer from a busy machine; these can.
 */
public final class ProcessorLoad {
    private static final Path LOADAVG = Path.of("/proc/loadavg");

    private ProcessorLoad() {}

    /** CPU seconds this process has used so far (all threads, user and system); empty where the JVM cannot say. */
    public static OptionalDouble processCpuSeconds() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            long nanos = os.getProcessCpuTime();
            return nanos < 0 ? OptionalDouble.empty() : OptionalDouble.of(nanos / 1e9);
        }
        return OptionalDouble.empty();
    }

    /** The machine's 1-minute load average (runnable and waiting tasks); empty without a readable /proc/loadavg. */
    public static OptionalDouble loadAverage1m() {
        if (!Files.isReadable(LOADAVG)) {
            return OptionalDouble.empty();
        }
        try {
            return parseLoadAverage(Files.readString(LOADAVG));
        } catch (IOException e) {
            return OptionalDouble.empty();
        }
    }

    /** The processors this JVM may use ({@link Runtime#availableProcessors()}): the cores a load is compared with. */
    public static int cores() {
        return Runtime.getRuntime().availableProcessors();
    }

    /**
     * The first field of {@code /proc/loadavg} ("0.52 0.58 0.59 1/389 12345"); empty when it is missing, not a
     * number, negative or not finite.
     */
    static OptionalDouble parseLoadAverage(String text) {
        String[] fields = text.trim().split("\\s+");
        try {
            double load = Double.parseDouble(fields[0]);
            return Double.isFinite(load) && load >= 0 ? OptionalDouble.of(load) : OptionalDouble.empty();
        } catch (NumberFormatException e) {
            return OptionalDouble.empty();
        }
    }
}
