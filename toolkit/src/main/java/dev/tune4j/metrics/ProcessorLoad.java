package dev.tune4j.metrics;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalDouble;

/**
 * What the processors were doing while a run timed its steps: this process's CPU time (the JVM's
 * {@code OperatingSystemMXBean}), the whole machine's busy CPU time ({@code /proc/stat}, Linux), the 1-minute load
 * average ({@code /proc/loadavg}) and the core count. Wall time alone cannot tell a slow optimizer from a busy
 * machine; these can: the machine's busy time minus this process's is what other processes took meanwhile.
 */
public final class ProcessorLoad {
    private static final Path LOADAVG = Path.of("/proc/loadavg");
    private static final Path STAT = Path.of("/proc/stat");
    /** The unit of /proc/stat's CPU times: USER_HZ, 100 per second on every Linux architecture tune4j runs on. */
    private static final double TICKS_PER_SECOND = 100;

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

    /**
     * CPU seconds the whole machine has been busy since boot, summed over its cores (user, nice, system, irq, softirq
     * and steal time of {@code /proc/stat}'s first line; idle and I/O wait left out), in 10 ms ticks; empty without a
     * readable {@code /proc/stat}.
     */
    public static OptionalDouble machineBusyCpuSeconds() {
        if (!Files.isReadable(STAT)) {
            return OptionalDouble.empty();
        }
        try (var lines = Files.lines(STAT)) {
            return lines.findFirst().map(ProcessorLoad::parseBusyCpuSeconds).orElse(OptionalDouble.empty());
        } catch (IOException | java.io.UncheckedIOException e) {
            return OptionalDouble.empty();
        }
    }

    /**
     * The busy seconds of {@code /proc/stat}'s aggregate line ("cpu  user nice system idle iowait irq softirq steal
     * guest guest_nice", in ticks; guest time is already inside user); empty when the line is not that.
     */
    static OptionalDouble parseBusyCpuSeconds(String line) {
        String[] fields = line.trim().split("\\s+");
        if (fields.length < 9 || !fields[0].equals("cpu")) {
            return OptionalDouble.empty();
        }
        long ticks = 0;
        try {
            for (int field : new int[] {1, 2, 3, 6, 7, 8}) { // user nice system irq softirq steal
                long value = Long.parseLong(fields[field]);
                if (value < 0) {
                    return OptionalDouble.empty();
                }
                ticks += value;
            }
        } catch (NumberFormatException e) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(ticks / TICKS_PER_SECOND);
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
