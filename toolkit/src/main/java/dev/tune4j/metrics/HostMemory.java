package dev.tune4j.metrics;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Physical memory of the host: total and available to new allocations.
 *
 * <p>On Linux this is {@code MemTotal} and {@code MemAvailable} from {@code /proc/meminfo} (available counts
 * reclaimable page cache, which is what a training run can actually use); elsewhere the JVM's operating-system bean.
 *
 * @param totalBytes physical memory in bytes
 * @param availableBytes memory a new process could allocate without swapping, in bytes
 */
public record HostMemory(long totalBytes, long availableBytes) {
    private static final Path MEMINFO = Path.of("/proc/meminfo");

    /** Reads the current figures. */
    public static HostMemory read() {
        if (Files.isReadable(MEMINFO)) {
            try {
                return parseMeminfo(Files.readAllLines(MEMINFO));
            } catch (IOException | IllegalArgumentException e) {
                // fall through to the JVM's view
            }
        }
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        return new HostMemory(os.getTotalMemorySize(), os.getFreeMemorySize());
    }

    /**
     * Parses the lines of {@code /proc/meminfo}.
     *
     * @throws IllegalArgumentException if {@code MemTotal} or {@code MemAvailable} is missing
     */
    static HostMemory parseMeminfo(List<String> lines) {
        long total = -1;
        long available = -1;
        for (String line : lines) {
            if (line.startsWith("MemTotal:")) {
                total = kibibytes(line);
            } else if (line.startsWith("MemAvailable:")) {
                available = kibibytes(line);
            }
        }
        if (total < 0 || available < 0) {
            throw new IllegalArgumentException("/proc/meminfo lacks MemTotal or MemAvailable");
        }
        return new HostMemory(total, available);
    }

    private static long kibibytes(String line) {
        String[] fields = line.trim().split("\\s+");
        return Long.parseLong(fields[1]) * 1024L;
    }
}
