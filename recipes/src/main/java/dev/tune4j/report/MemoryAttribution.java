package dev.tune4j.report;

import dev.tune4j.metrics.ByteSize;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SequencedMap;
import java.util.function.ToLongFunction;

/**
 * The report's "Where the memory goes" section: each variant's peak resident memory split into the parts of
 * {@link MemoryBreakdown} (weights, gradients, optimizer state, JVM heap committed, and the rest, split into what the
 * peak step freed by its end and what stayed resident), each the mean over the completed seeds that have a breakdown.
 * A stacked bar per variant shows whether an optimizer's state saving reaches the peak or is hidden by another part.
 *
 * <p>The computed sentences: for each 8-bit variant ({@code <id>8bit}) whose full-precision counterpart (optimizer
 * {@code <id>}, same LoRA setting) is also in the comparison, how its optimizer state, peak and rest differ from that
 * counterpart's; then, for every variant, its largest part. Differences of means are not significance tests.
 *
 * @param variants the variants with a breakdown, in the comparison's order; empty when none has one
 */
record MemoryAttribution(List<Variant> variants) {
    /** The section's title. */
    static final String TITLE = "Where the memory goes";
    /** The stacked bar chart. */
    static final String CHART = "memory-breakdown.png";
    /** The suffix of the 8-bit optimizers' ids. */
    static final String EIGHT_BIT = "8bit";
    /** What the rest holds, as the table and the sentences name it. */
    static final String REST = "libtorch activations, temporaries, allocator caches and runtime (measured as the rest)";

    /** Keeps an unmodifiable copy. */
    MemoryAttribution {
        variants = List.copyOf(variants);
    }

    /**
     * One variant's mean breakdown.
     *
     * @param name the variant
     * @param optimizer its optimizer id, or null
     * @param lora whether it trains LoRA adapters only
     * @param seeds completed seeds with a breakdown
     * @param peak peak RSS
     * @param weights weights
     * @param gradients gradients
     * @param state optimizer state at the peak step
     * @param heapCommitted JVM heap committed at the peak step
     * @param heapUsed JVM heap used at the peak step
     * @param freed the rest's part that the peak step freed by its end
     * @param resident the rest's part that stayed resident after it (negative when the named parts exceed it)
     */
    record Variant(String name, String optimizer, boolean lora, int seeds, SeedSpread peak, SeedSpread weights,
            SeedSpread gradients, SeedSpread state, SeedSpread heapCommitted, SeedSpread heapUsed, SeedSpread freed,
            SeedSpread resident) {

        /** The mean rest: what the peak step freed plus what stayed resident. */
        double rest() {
            return freed.mean() + resident.mean();
        }
    }

    /** The mean breakdown of every variant whose completed seeds have one. */
    static MemoryAttribution of(Comparison comparison) {
        List<Variant> shown = new ArrayList<>();
        for (VariantResult variant : comparison.variants()) {
            List<MemoryBreakdown> runs = variant.runs().stream().filter(SeedRun::countsTowardsAggregates)
                    .map(SeedRun::memory).filter(memory -> memory != null).toList();
            if (!runs.isEmpty()) {
                shown.add(new Variant(variant.name(), variant.optimizer(), variant.lora(), runs.size(),
                        mean(runs, MemoryBreakdown::peakRssBytes), mean(runs, MemoryBreakdown::weightsBytes),
                        mean(runs, MemoryBreakdown::gradientBytes), mean(runs, MemoryBreakdown::optimizerStateBytes),
                        mean(runs, MemoryBreakdown::heapCommittedBytes), mean(runs, MemoryBreakdown::heapUsedBytes),
                        mean(runs, MemoryBreakdown::restFreedByStepEndBytes),
                        mean(runs, MemoryBreakdown::restResidentAfterStepBytes)));
            }
        }
        return new MemoryAttribution(shown);
    }

    /** Whether there is anything to show. */
    boolean isEmpty() {
        return variants.isEmpty();
    }

    /** The section: how the parts are measured, the sentences, the table and the stacked bars. */
    ReportSection section() {
        List<ReportSection.Part> parts = new ArrayList<>();
        parts.add(new ReportSection.Paragraph("Each run's peak resident memory (peak RSS) split at the training step"
                + " where it was reached: weights, gradients and optimizer state are exact tensor sizes; the JVM"
                + " heap is what the JVM had committed after that step; the rest is the peak minus those four, so the"
                + " parts add up to the peak: " + REST + ". libtorch's CPU allocator statistics are not reachable"
                + " through DJL, so the rest is split only into what the peak step freed by its end (activations and"
                + " temporaries) and what stayed resident after it (allocator caches, libraries, thread stacks, JVM"
                + " non-heap). Means over the completed seeds."));
        sentences().forEach(sentence -> parts.add(new ReportSection.Paragraph(sentence)));
        parts.add(new ReportSection.Table("Memory at the peak (mean ± std over seeds)", table()));
        parts.add(new ReportSection.Chart(chart()));
        return new ReportSection(TITLE, parts);
    }

    /** The 8-bit comparisons found, then each variant's largest part. */
    List<String> sentences() {
        List<String> sentences = new ArrayList<>();
        for (Variant eightBit : variants) {
            if (eightBit.optimizer() == null || !eightBit.optimizer().endsWith(EIGHT_BIT)) {
                continue;
            }
            String fullId = eightBit.optimizer().substring(0, eightBit.optimizer().length() - EIGHT_BIT.length());
            variants.stream().filter(v -> fullId.equals(v.optimizer()) && v.lora() == eightBit.lora()).findFirst()
                    .ifPresent(full -> sentences.add(eightBitSentence(eightBit, full)));
        }
        variants.forEach(variant -> sentences.add(largestPartSentence(variant)));
        return sentences;
    }

    /**
     * E.g. "adamw8bit keeps 128.0 MiB less optimizer state than adamw but its peak RSS is 300.0 MiB higher: the rest
     * (...) grew by 430.0 MiB ...".
     */
    static String eightBitSentence(Variant eightBit, Variant full) {
        double saved = full.state().mean() - eightBit.state().mean();
        double peak = eightBit.peak().mean() - full.peak().mean();
        double rest = eightBit.rest() - full.rest();
        double freed = eightBit.freed().mean() - full.freed().mean();
        double resident = eightBit.resident().mean() - full.resident().mean();
        double heap = eightBit.heapCommitted().mean() - full.heapCommitted().mean();
        String state = eightBit.name() + " keeps " + bytes(Math.abs(saved)) + (saved >= 0 ? " less" : " more")
                + " optimizer state than " + full.name();
        String peakText = peak > 0 ? " but its peak RSS is " + bytes(peak) + " higher"
                : " and its peak RSS is " + bytes(-peak) + " lower";
        return state + peakText + ": the rest (activations, temporaries, allocator caches) "
                + (rest >= 0 ? "grew" : "shrank") + " by " + bytes(Math.abs(rest)) + " (what the peak step freed by"
                + " its end " + signed(freed) + ", what stayed resident " + signed(resident) + ") and the committed"
                + " JVM heap changed by " + signed(heap) + grewMost(rest, heap,
                eightBit.weights().mean() + eightBit.gradients().mean() - full.weights().mean()
                        - full.gradients().mean())
                + " (means over " + eightBit.seeds() + " and " + full.seeds() + " seeds, not a significance test).";
    }

    /** "; the part that grew most is X (+N)", or nothing when no part grew. */
    private static String grewMost(double rest, double heap, double weightsAndGradients) {
        SequencedMap<String, Double> growth = new LinkedHashMap<>();
        growth.put("the rest", rest);
        growth.put("the committed JVM heap", heap);
        growth.put("weights and gradients", weightsAndGradients);
        var most = growth.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow();
        return most.getValue() > 0 ? "; the part that grew most is " + most.getKey() + " (" + signed(most.getValue())
                + ")" : "";
    }

    /** E.g. "adamw: the largest part of its 1.9 GiB peak RSS is the rest (1.2 GiB, 63.2%)." */
    static String largestPartSentence(Variant variant) {
        SequencedMap<String, Double> parts = parts(variant);
        var largest = parts.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow();
        return variant.name() + ": the largest part of its " + bytes(variant.peak().mean()) + " peak RSS is "
                + largest.getKey() + " (" + bytes(largest.getValue()) + ", "
                + String.format(Locale.ROOT, "%.1f%%", 100 * largest.getValue() / variant.peak().mean()) + ").";
    }

    /** The five parts by name, means; the rest whole. */
    private static SequencedMap<String, Double> parts(Variant variant) {
        SequencedMap<String, Double> parts = new LinkedHashMap<>();
        parts.put("the weights", variant.weights().mean());
        parts.put("the gradients", variant.gradients().mean());
        parts.put("the optimizer state", variant.state().mean());
        parts.put("the JVM heap", variant.heapCommitted().mean());
        parts.put("the rest", variant.rest());
        return parts;
    }

    /** One row per variant: each part, the rest's two halves and the peak. */
    TextTable table() {
        List<List<String>> rows = new ArrayList<>();
        for (Variant v : variants) {
            rows.add(List.of(v.name(), String.valueOf(v.seeds()), ReportFormat.bytes(v.weights()),
                    ReportFormat.bytes(v.gradients()), ReportFormat.bytes(v.state()),
                    ReportFormat.bytes(v.heapCommitted()) + " (used " + ReportFormat.bytes(v.heapUsed()) + ")",
                    ReportFormat.bytes(v.freed()), ReportFormat.bytes(v.resident()), bytes(v.rest()),
                    ReportFormat.bytes(v.peak())));
        }
        return new TextTable(List.of("variant", "seeds", "weights", "gradients", "optimizer state",
                "JVM heap committed", "rest: freed by the peak step's end", "rest: resident after it", "rest",
                "peak RSS"), rows);
    }

    /**
     * The stacked bars; a negative resident rest (named parts above the resident set) is drawn as 0 and its size
     * taken off the JVM heap's segment (committed heap that is not resident), so each bar still reaches the peak
     * while the heap covers the gap; the table keeps the values.
     */
    ChartImage chart() {
        SequencedMap<String, List<Double>> parts = new LinkedHashMap<>();
        List<String> names = variants.stream().map(Variant::name).toList();
        parts.put("weights", variants.stream().map(v -> v.weights().mean()).toList());
        parts.put("gradients", variants.stream().map(v -> v.gradients().mean()).toList());
        parts.put("optimizer state", variants.stream().map(v -> v.state().mean()).toList());
        parts.put("JVM heap", variants.stream()
                .map(v -> Math.max(0, v.heapCommitted().mean() + Math.min(0, v.resident().mean()))).toList());
        parts.put("rest: freed in the step", variants.stream().map(v -> v.freed().mean()).toList());
        parts.put("rest: still resident", variants.stream()
                .map(v -> Math.max(0, v.resident().mean())).toList());
        return ReportCharts.stackedBytes(CHART, "Where the peak RSS goes (mean over seeds)", "bytes at the peak",
                names, parts);
    }

    private static SeedSpread mean(List<MemoryBreakdown> runs, ToLongFunction<MemoryBreakdown> part) {
        return SeedSpread.of(runs.stream().map(run -> (Number) part.applyAsLong(run)).toList());
    }

    private static String bytes(double value) {
        return ByteSize.format(Math.round(value));
    }

    private static String signed(double value) {
        return (value >= 0 ? "+" : "") + bytes(value);
    }
}
