package dev.tune4j.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class HostMemoryTest {

    @Test
    void parsesTotalAndAvailableKibibytes() {
        // lines in the kernel's format, written by hand
        var memory = HostMemory.parseMeminfo(List.of(
                "MemTotal:       24576000 kB", "MemFree:         1000000 kB", "MemAvailable:   20480000 kB"));
        assertEquals(24_576_000L * 1024, memory.totalBytes());
        assertEquals(20_480_000L * 1024, memory.availableBytes());
    }

    @Test
    void missingAvailableLineIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> HostMemory.parseMeminfo(List.of("MemTotal: 1 kB")));
    }

    @Test
    void readsThisMachine() {
        var memory = HostMemory.read();
        assertTrue(memory.totalBytes() > 0 && memory.availableBytes() <= memory.totalBytes(), memory.toString());
    }

    @Test
    void formatsBinaryUnits() {
        assertEquals("512 B", ByteSize.format(512));
        assertEquals("1.5 KiB", ByteSize.format(1536));
        assertEquals("40.0 MiB", ByteSize.format(40L * 1024 * 1024));
        assertEquals("2.3 GiB", ByteSize.format(2_469_606_195L));
        assertEquals("-1.0 KiB", ByteSize.format(-1024));
    }

    @Test
    void parsesProcessStatus() {
        // lines in the kernel's /proc/self/status format, written by hand
        var memory = ProcessMemory.parseStatus(List.of("Name:\tjava", "VmHWM:\t  2048 kB", "VmRSS:\t  1024 kB",
                "RssAnon:\t   512 kB"), 7, 9);
        assertEquals(new ProcessMemory(1024 * 1024, 2048 * 1024, 512 * 1024, 7, 9), memory);
        var live = ProcessMemory.read();
        assertTrue(live.residentBytes() > 0 && live.peakResidentBytes() >= live.residentBytes(), live.toString());
        assertTrue(live.heapUsedBytes() > 0 && live.heapCommittedBytes() >= live.heapUsedBytes(), live.toString());
    }
}
