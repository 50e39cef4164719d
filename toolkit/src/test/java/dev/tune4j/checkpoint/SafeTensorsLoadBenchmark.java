package dev.tune4j.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Load throughput of {@link SafeTensorsFile#load} (a measurement that prints, not a timed assertion): a 1 GiB F32
 * file and a 1 GiB BF16 file of 16 tensors each are written to /tmp, every tensor is loaded into engine memory and
 * kept there, and the GB/s and the peak resident set ({@code VmHWM}, reset before each load) are printed. The page
 * cache is warm (the files were just written). The files are deleted afterwards.
 *
 * <p>Run: {@code mvnlock -B -o -pl toolkit test -Pslow -Dtest=SafeTensorsLoadBenchmark}.
 */
@Tag("slow")
class SafeTensorsLoadBenchmark {
    private static final int TENSORS = 16;
    private static final long FILE_BYTES = 1L << 30;
    private static final Path STATUS = Path.of("/proc/self/status");
    private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

    @Test
    void loadThroughput() throws IOException {
        for (SafeTensorsDType dtype : List.of(SafeTensorsDType.F32, SafeTensorsDType.BF16)) {
            Path file = Files.createTempFile(Path.of("/tmp"), "tune4j-load-bench-" + dtype + "-", ".safetensors");
            try {
                long elementsPerTensor = FILE_BYTES / TENSORS / dtype.byteSize();
                long writeStart = System.nanoTime();
                write(file, dtype, elementsPerTensor);
                double writeSeconds = (System.nanoTime() - writeStart) / 1e9;
                assertEquals(FILE_BYTES, Files.size(file) - headerAndPrefix(file));
                System.out.printf(Locale.ROOT, "%s: wrote %d tensors x %d elements (%.2f GiB file) in %.2f s%n",
                        dtype, TENSORS, elementsPerTensor, Files.size(file) / (double) (1L << 30), writeSeconds);
                for (int pass = 1; pass <= 2; pass++) {
                    load(file, dtype, pass);
                }
            } finally {
                Files.deleteIfExists(file);
            }
        }
    }

    private static void write(Path file, SafeTensorsDType dtype, long elementsPerTensor) throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            List<SafeTensorsWriter.Entry> entries = new ArrayList<>();
            for (int i = 0; i < TENSORS; i++) {
                NDArray values = manager.randomUniform(-1f, 1f, new Shape(elementsPerTensor / 4096, 4096),
                        DataType.FLOAT32);
                entries.add(new SafeTensorsWriter.Entry("layer." + i + ".weight", values, dtype));
            }
            SafeTensorsWriter.write(file, entries, Map.of("format", "pt"));
        }
    }

    private static void load(Path file, SafeTensorsDType dtype, int pass) throws IOException {
        long rssBefore = statusKiB("VmRSS");
        resetPeakRss();
        try (SafeTensorsFile opened = SafeTensorsFile.open(file);
                NDManager manager = NDManager.newBaseManager()) {
            long start = System.nanoTime();
            long engineBytes = 0;
            for (TensorInfo info : opened.tensors()) {
                NDArray loaded = opened.load(info.name(), manager);
                engineBytes += loaded.size() * loaded.getDataType().getNumOfBytes();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long peak = statusKiB("VmHWM");
            System.out.printf(Locale.ROOT, "%s pass %d: %.2f s, %.2f GB/s of file, %.2f GB/s into engine memory"
                    + " (%.2f GiB loaded); RSS before %.2f GiB, peak while loading %.2f GiB (+%.2f GiB)%n",
                    dtype, pass, seconds, FILE_BYTES / seconds / 1e9, engineBytes / seconds / 1e9,
                    engineBytes / (double) (1L << 30), rssBefore / 1048576.0, peak / 1048576.0,
                    (peak - rssBefore) / 1048576.0);
        }
    }

    private static long headerAndPrefix(Path file) throws IOException {
        try (SafeTensorsFile opened = SafeTensorsFile.open(file)) {
            return Files.size(file) - opened.tensors().getLast().end();
        }
    }

    /** Resets VmHWM to the current RSS (Linux 4.0+: writing 5 to clear_refs). */
    private static void resetPeakRss() throws IOException {
        Files.writeString(CLEAR_REFS, "5");
    }

    private static long statusKiB(String field) throws IOException {
        for (String line : Files.readAllLines(STATUS)) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(field.length() + 1).trim().split("\\s+")[0]);
            }
        }
        throw new IllegalStateException(field + " missing from " + STATUS);
    }
}
