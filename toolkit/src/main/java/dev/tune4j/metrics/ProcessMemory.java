package dev.tune4j.metrics;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Memory of this process: resident set (VmRSS), its peak (VmHWM), the anonymous part (RssAnon: libtorch tensors
 * and the Java heap) and the JVM heap in use. Read from {@code /proc/self/status} on Linux; -1 where unavailable.
 *
 * @param residentBytes VmRSS
 * @param peakResidentBytes VmHWM, the high-water mark since the process started
 * @param anonymousBytes RssAnon
 * @param heapUsedBytes JVM heap in use
 */
public record ProcessMemory(long residentBytes, long peakResidentBytes, long anonymousBytes, long heapUsedBytes) {
    private static final Path STATUS = Path.of("/proc/self/status");

    /** Reads the current figures. */
    public static ProcessMemory read() {
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        if (!Files.isReadable(STATUS)) {
            return new ProcessMemory(-1, -1, -1, heap);
        }
        try {
            return parseStatus(Files.readAllLines(STATUS), heap);
        } catch (IOException e) {
            return new ProcessMemory(-1, -1, -1, heap);
        }
    }

    /** Parses the lines of {@code /proc/self/status}. */
    static ProcessMemory parseStatus(List<String> lines, long heapUsedBytes) {
        long rss = -1;
        long hwm = -1;
        long anon = -1;
        for (String line : lines) {
            if (line.startsWith("VmRSS:")) {
                rss = kibibytes(line);
            } else if (line.startsWith("VmHWM:")) {
                hwm = kibibytes(line);
            } else if (line.startsWith("RssAnon:")) {
                anon = kibibytes(line);
            }
        }
        return new ProcessMemory(rss, hwm, anon, heapUsedBytes);
    }

    private static long kibibytes(String line) {
        return Long.parseLong(line.trim().split("\\s+")[1]) * 1024L;
    }
}
