package dev.tune4j.metrics;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Memory of this process: resident set (VmRSS), its peak (VmHWM), the anonymous part (RssAnon: libtorch tensors
 * and the Java heap), the JVM heap in use and the heap the JVM has committed (reserved from the system for objects,
 * whether or not the objects fill it). Read from {@code /proc/self/status} on Linux; -1 where unavailable.
 *
 * @param residentBytes VmRSS
 * @param peakResidentBytes VmHWM, the high-water mark since the process started
 * @param anonymousBytes RssAnon
 * @param heapUsedBytes JVM heap in use
 * @param heapCommittedBytes JVM heap committed ({@code MemoryMXBean}); an upper bound of the heap's share of the
 *     resident set, since committed pages the JVM never touched are not resident
 */
public record ProcessMemory(long residentBytes, long peakResidentBytes, long anonymousBytes, long heapUsedBytes,
        long heapCommittedBytes) {
    private static final Path STATUS = Path.of("/proc/self/status");

    /** Reads the current figures. */
    public static ProcessMemory read() {
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        if (!Files.isReadable(STATUS)) {
            return new ProcessMemory(-1, -1, -1, heap.getUsed(), heap.getCommitted());
        }
        try {
            return parseStatus(Files.readAllLines(STATUS), heap.getUsed(), heap.getCommitted());
        } catch (IOException e) {
            return new ProcessMemory(-1, -1, -1, heap.getUsed(), heap.getCommitted());
        }
    }

    /** Parses the lines of {@code /proc/self/status}. */
    static ProcessMemory parseStatus(List<String> lines, long heapUsedBytes, long heapCommittedBytes) {
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
        return new ProcessMemory(rss, hwm, anon, heapUsedBytes, heapCommittedBytes);
    }

    private static long kibibytes(String line) {
        return Long.parseLong(line.trim().split("\\s+")[1]) * 1024L;
    }
}
