package dev.tune4j.cli;

import dev.tune4j.optim.Optimizer;
import dev.tune4j.optim.TensorMemory;
import dev.tune4j.optim.TrainableParameter;
import dev.tune4j.report.RunStatistics;
import java.lang.foreign.MemorySegment;
import java.util.function.LongSupplier;

/**
 * The reference optimizer of one benchmark size ({@value OptimizerBenchmark#REFERENCE_ID}, with its own state), whose
 * steps are paired with every other row's: the two of a pair run back to back, in an order that alternates, so that a
 * change in the machine's speed during the run moves both alike and their ratio stays.
 */
final class ReferencePairing {
    private final Optimizer reference;
    private final TrainableParameter parameter;
    private final MemorySegment pattern;
    private int step;

    ReferencePairing(Optimizer reference, TrainableParameter parameter, MemorySegment pattern) {
        this.reference = reference;
        this.parameter = parameter;
        this.pattern = pattern;
    }

    /**
     * Times {@code measured} and a reference step (gradient refilled first), the reference first on even pair
     * indexes and second on odd ones.
     *
     * @return {measured nanoseconds, reference nanoseconds}
     */
    long[] pair(int index, LongSupplier measured) {
        long referenceNanos = index % 2 == 0 ? referenceStep() : 0;
        long measuredNanos = measured.getAsLong();
        if (index % 2 != 0) {
            referenceNanos = referenceStep();
        }
        return new long[] {measuredNanos, referenceNanos};
    }

    private long referenceStep() {
        return OptimizerBenchmark.timedStep(reference, parameter, pattern, TensorMemory.of(parameter.gradient()),
                step++);
    }

    /** The median, smallest and largest of per-pair ratios. */
    static double[] summary(double[] ratios) {
        double lowest = Double.POSITIVE_INFINITY;
        double highest = Double.NEGATIVE_INFINITY;
        for (double ratio : ratios) {
            lowest = Math.min(lowest, ratio);
            highest = Math.max(highest, ratio);
        }
        return new double[] {RunStatistics.median(ratios), lowest, highest};
    }
}
