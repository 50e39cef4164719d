package dev.tune4j.report;

import static dev.tune4j.report.SyntheticRuns.MIB;
import static dev.tune4j.report.SyntheticRuns.plateauLosses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tune4j.report.SyntheticRuns.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The "Where the memory goes" section on synthetic runs directories ({@link SyntheticRuns}, a project-made fixture).
 * Every run has weights 100 MiB, gradients 100 MiB and a committed heap of {@value SyntheticRuns#HEAP_COMMITTED}
 * bytes (128 MiB); its peak step's resident set is the peak minus 1 MiB, so the step freed 1 MiB.
 */
class MemoryAttributionTest {
    @TempDir
    Path dir;

    private SyntheticRuns runs(String name, Map<String, String> variants) {
        return new SyntheticRuns(dir.resolve(name)).recipe("memory", "memory fixture", null, variants);
    }

    private static Run run(String variant, String optimizer, int seed, long stateMib, long peakMib) {
        return new Run(variant, optimizer, seed, plateauLosses(3)).memory(100 * MIB, 100 * MIB)
                .stateBytes(stateMib * MIB).peakRss(peakMib * MIB);
    }

    /**
     * adamw: state 172 MiB, peak 1900 MiB, rest 1900 - 100 - 100 - 172 - 128 = 1400 MiB (1.4 GiB, 73.7% of 1.9 GiB).
     * adamw8bit: state 44 MiB, peak 2200 MiB, rest 2200 - 100 - 100 - 44 - 128 = 1828 MiB (1.8 GiB, 83.1% of
     * 2.1 GiB). 8-bit keeps 128 MiB less state, peaks 300 MiB higher, its rest grew by 428 MiB, all of it resident
     * after the step (both steps freed 1 MiB), and the heap is the same.
     */
    @Test
    void theEightBitCaseIsExplainedFromTheNumbers() throws IOException {
        Map<String, String> variants = new LinkedHashMap<>();
        variants.put("adamw", "adamw");
        variants.put("adamw8bit", "adamw8bit");
        SyntheticRuns runs = runs("eight-bit", variants);
        for (int seed = 1; seed <= 2; seed++) {
            runs.run(run("adamw", "adamw", seed, 172, 1900)).run(run("adamw8bit", "adamw8bit", seed, 44, 2200));
        }
        Comparison comparison = ComparisonReader.read(runs.dir());
        MemoryBreakdown adamw = comparison.variants().getFirst().runs().getFirst().memory();
        assertEquals(new MemoryBreakdown(1900 * MIB, 10, 100 * MIB, 100 * MIB, 172 * MIB, 128 * MIB, 64 * MIB,
                1899 * MIB, 1400 * MIB, MIB, 1399 * MIB), adamw);
        assertEquals(List.of("adamw8bit keeps 128.0 MiB less optimizer state than adamw but its peak RSS is 300.0 MiB"
                + " higher: the rest (activations, temporaries, allocator caches) grew by 428.0 MiB (what the peak"
                + " step freed by its end +0 B, what stayed resident +428.0 MiB) and the committed JVM heap changed"
                + " by +0 B; the part that grew most is the rest (+428.0 MiB) (means over 2 and 2 seeds, not a"
                + " significance test).",
                "adamw: the largest part of its 1.9 GiB peak RSS is the rest (1.4 GiB, 73.7%).",
                "adamw8bit: the largest part of its 2.1 GiB peak RSS is the rest (1.8 GiB, 83.1%)."),
                MemoryAttribution.of(comparison).sentences());

        Report.write(runs.dir());
        String markdown = Files.readString(runs.dir().resolve(Report.MARKDOWN_FILE));
        assertTrue(markdown.contains("## " + MemoryAttribution.TITLE), markdown);
        assertTrue(markdown.contains("| adamw8bit | 2 | 100.0 MiB | 100.0 MiB | 44.0 MiB | 128.0 MiB (used 64.0 MiB)"
                + " | 1.0 MiB | 1.8 GiB | 1.8 GiB | 2.1 GiB |"), markdown);
        assertTrue(Files.size(runs.dir().resolve("charts").resolve(MemoryAttribution.CHART)) > 0);
    }

    /**
     * Without an 8-bit variant and its counterpart only the largest parts are named: soaa's state 600 MiB is the
     * largest part of its 1000 MiB peak (rest 1000 - 100 - 100 - 600 - 128 = 72 MiB); 60.0%.
     */
    @Test
    void withoutAnEightBitPairOnlyTheLargestPartIsNamed() throws IOException {
        Map<String, String> variants = new LinkedHashMap<>();
        variants.put("soaa", "soaa");
        variants.put("adamw8bit", "adamw8bit"); // no adamw to compare with
        SyntheticRuns runs = runs("no-pair", variants);
        runs.run(run("soaa", "soaa", 1, 600, 1000)).run(run("adamw8bit", "adamw8bit", 1, 44, 1000));
        List<String> sentences = MemoryAttribution.of(ComparisonReader.read(runs.dir())).sentences();
        assertEquals("soaa: the largest part of its 1000.0 MiB peak RSS is the optimizer state (600.0 MiB, 60.0%).",
                sentences.getFirst());
        assertEquals(2, sentences.size(), sentences.toString());
    }

    /** Runs without the exact sizes (files of an older tune4j) get no section and no chart. */
    @Test
    void noSectionWithoutBreakdowns() throws IOException {
        SyntheticRuns runs = runs("old", Map.of("adamw", "adamw"));
        runs.run(new Run("adamw", "adamw", 1, plateauLosses(3)));
        assertTrue(MemoryAttribution.of(ComparisonReader.read(runs.dir())).isEmpty());
        Report.write(runs.dir());
        assertFalse(Files.readString(runs.dir().resolve(Report.MARKDOWN_FILE)).contains(MemoryAttribution.TITLE));
        assertFalse(Files.exists(runs.dir().resolve("charts").resolve(MemoryAttribution.CHART)));
    }
}
