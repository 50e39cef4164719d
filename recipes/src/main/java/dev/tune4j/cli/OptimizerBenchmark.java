package dev.tune4j.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tune4j.optim.KernelThreads;
import dev.tune4j.optim.Optimizer;
import dev.tune4j.optim.OptimizerSettings;
import dev.tune4j.optim.Optimizers;
import dev.tune4j.optim.TensorMemory;
import dev.tune4j.optim.TrainableParameter;
import dev.tune4j.optim.adam.FusedAdamKernel;
import dev.tune4j.report.RunStatistics;
import java.io.PrintWriter;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.function.LongSupplier;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Times one optimizer step per registered optimizer on one float32 CPU parameter of a given size, with default
 * options, and a triad {@code a = b + s·c} over the same weight and gradient memory as a bandwidth reference, on the
 * kernel threads ({@link KernelThreads}) and on one thread.
 *
 * <p>Every row but AdamW's own is timed in pairs with a step of {@value #REFERENCE_ID} (its own optimizer and state,
 * alive for the whole size), the two in alternating order, and its time relative to AdamW is the median of the
 * per-pair ratios: a change in the machine's speed during the run (this shared machine's moved single rows by up to
 * 1.5x) then moves both steps of a pair alike instead of deciding the ratio.
 *
 * <p>The parameter is one tensor of shape {@code [N/1000, 1000]} when 1000 divides N (so matrix optimizers see a
 * matrix), else {@code [N]}. Before every step (untimed) the weight is left as the previous step made it and the
 * gradient is refilled with a constant, since the base class zeroes it; the loss handed to the optimizer falls as
 * {@code 1/step}.
 */
final class OptimizerBenchmark {
    /** The id every row is compared to: AdamW's Java kernel. */
    static final String REFERENCE_ID = "adamw";
    /** The id of the bandwidth row on the kernel threads. */
    static final String TRIAD_ID = "triad";
    /** The id of the bandwidth row on one thread. */
    static final String SINGLE_THREAD_TRIAD_ID = "triad_1thread";

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ORDER);
    private static final int TRIAD_BYTES_PER_ELEMENT = 12;
    /** The byte model of {@value #REFERENCE_ID}: 16 + 2 × its 8 state bytes per parameter. */
    private static final int REFERENCE_BYTES_PER_PARAMETER = 32;
    private static final int MATRIX_COLUMNS = 1000;
    /** The benchmark tensor is named as an MLP projection, so GaLore projects it as in a real model. */
    static final String PARAMETER_NAME = "model.layers.0.mlp.up_proj.weight";
    /** GaLore's basis refresh interval the amortised time assumes (the paper's update_proj_gap). */
    static final int GALORE_GAP = 200;
    /**
     * Untimed steps on a small matrix before an optimizer is timed, so that its kernels run compiled: with only the 3
     * warm-up steps at 10M parameters, SOAA's row measured partly uncompiled code (15.9-17.2 ms on 2 threads, no faster
     * than on one; 10.3 ms after 30 warm-up steps).
     */
    private static final int COMPILE_STEPS = 50;
    /** The small matrix of {@link #COMPILE_STEPS}: 262,144 elements, four chunks of every kernel. */
    private static final Shape COMPILE_SHAPE = new Shape(256, 1024);

    private final List<String> ids;
    private final int steps;
    private final int warmup;
    private final PrintWriter progress;

    /**
     * One measurement.
     *
     * @param parameters parameter count
     * @param id optimizer id or {@value #TRIAD_ID}
     * @param millisPerStep median milliseconds per step, NaN if it failed (GaLore: the steady step, without the
     *     basis refresh)
     * @param refreshMillis GaLore: the first step's time above the steady step (the basis refresh); NaN otherwise
     * @param bytesPerParameter bytes the rule must move per parameter per step (the byte model)
     * @param stateBytesPerParameter optimizer state per parameter after the steps, NaN for the triad
     * @param ratio time relative to {@value #REFERENCE_ID}'s step: the median of the per-pair ratios (1 for
     *     {@value #REFERENCE_ID} itself), NaN if it failed
     * @param lowestRatio the smallest per-pair ratio
     * @param highestRatio the largest per-pair ratio
     * @param failure why it failed, empty if it did not
     */
    record Row(long parameters, String id, double millisPerStep, double refreshMillis, double bytesPerParameter,
            double stateBytesPerParameter, double ratio, double lowestRatio, double highestRatio, String failure) {
        Row {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(failure, "failure");
        }

        /** Effective bandwidth in GB/s (1e9 bytes per second). */
        double gigabytesPerSecond() {
            return bytesPerParameter * parameters / (millisPerStep * 1e6);
        }
    }

    OptimizerBenchmark(List<String> ids, int steps, int warmup, PrintWriter progress) {
        this.ids = List.copyOf(ids);
        this.steps = steps;
        this.warmup = warmup;
        this.progress = progress;
    }

    /** Measures every optimizer and the triad on {@code parameters} parameters. */
    List<Row> run(int parameters) {
        List<Row> rows = new ArrayList<>();
        Shape shape = parameters % MATRIX_COLUMNS == 0
                ? new Shape(parameters / MATRIX_COLUMNS, MATRIX_COLUMNS) : new Shape(parameters);
        int referenceSteps = (ids.size() + 2) * (warmup + steps);
        try (NDManager manager = NDManager.newBaseManager();
                Optimizer reference = Optimizers.create(REFERENCE_ID, OptimizerSettings.of(Map.of(),
                        referenceSteps))) {
            NDArray weight = manager.zeros(shape);
            NDArray gradient = manager.zeros(shape);
            NDArray pattern = manager.zeros(shape);
            fillPattern(TensorMemory.of(pattern));
            var parameter = new TrainableParameter(PARAMETER_NAME, weight, gradient);
            compileKernels(REFERENCE_ID, Map.of(), weight);
            ReferencePairing pairing = new ReferencePairing(reference, parameter, TensorMemory.of(pattern));
            for (String id : ids) {
                rows.add(measure(id, parameter, TensorMemory.of(pattern), id.equals(REFERENCE_ID) ? null : pairing));
            }
            try (NDArray scratch = manager.zeros(shape)) {
                MemorySegment a = TensorMemory.of(scratch);
                MemorySegment b = TensorMemory.of(weight);
                MemorySegment c = TensorMemory.of(gradient);
                rows.add(measureTriad(TRIAD_ID, () -> triadInChunks(a, b, c, 0.5f), parameters, pairing));
                rows.add(measureTriad(SINGLE_THREAD_TRIAD_ID, () -> triad(a, b, c, 0.5f), parameters, pairing));
            }
        }
        return rows;
    }

    /**
     * Times optimizer {@code id}'s steps, each paired with a step of {@value #REFERENCE_ID} unless {@code pairing} is
     * null ({@value #REFERENCE_ID}'s own row).
     */
    private Row measure(String id, TrainableParameter parameter, MemorySegment pattern, ReferencePairing pairing) {
        long count = parameter.size();
        MemorySegment weight = TensorMemory.of(parameter.weight());
        MemorySegment gradient = TensorMemory.of(parameter.gradient());
        fill(weight, 0.5f);
        double[] millis = new double[steps];
        double[] ratios = new double[steps];
        Arrays.fill(ratios, 1);
        boolean galore = id.startsWith("galore");
        // GaLore: a randomized basis (exact SVD of a 10M-element matrix takes minutes in EJML), refreshed only at
        // step 1; the first step's extra time is the refresh, reported apart from the steady step
        Map<String, Object> options = galore ? Map.of("svd", "randomized", "update_proj_gap", GALORE_GAP) : Map.of();
        double firstStepMillis = 0;
        try (Optimizer optimizer = Optimizers.create(id, OptimizerSettings.of(options, warmup + steps))) {
            compileKernels(id, options, parameter.weight());
            for (int step = 0; step < warmup + steps; step++) {
                int index = step;
                LongSupplier own = () -> timedStep(optimizer, parameter, pattern, gradient, index);
                long[] pair = pairing == null ? new long[] {own.getAsLong(), 1} : pairing.pair(step, own);
                if (step == 0) {
                    firstStepMillis = pair[0] / 1e6;
                }
                if (step >= warmup) {
                    millis[step - warmup] = pair[0] / 1e6;
                    if (pairing != null) {
                        ratios[step - warmup] = (double) pair[0] / pair[1];
                    }
                }
            }
            double statePerParameter = (double) optimizer.stateBytes() / count;
            double steady = RunStatistics.median(millis);
            double refresh = galore ? Math.max(0, firstStepMillis - steady) : Double.NaN;
            double[] ratio = ReferencePairing.summary(ratios);
            Row row = new Row(count, id, steady, refresh, 16 + 2 * statePerParameter, statePerParameter, ratio[0],
                    ratio[1], ratio[2], "");
            progress.printf("tune4j bench: %,d params  %-14s %9.2f ms/step  %6.1f GB/s  %.3f x %s%s%n", count, id,
                    row.millisPerStep(), row.gigabytesPerSecond(), row.ratio(), REFERENCE_ID,
                    galore ? String.format("  (steady step; basis refresh %.0f ms, every %d steps)", refresh,
                            GALORE_GAP) : "");
            progress.flush();
            return row;
        } catch (RuntimeException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst()
                    .orElse("");
            progress.printf("tune4j bench: %,d params  %-14s failed: %s%n", count, id, why);
            progress.flush();
            return failed(count, id, why);
        }
    }

    private static Row failed(long parameters, String id, String why) {
        return new Row(parameters, id, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                Double.NaN, why);
    }

    /** {@link #COMPILE_STEPS} untimed steps of optimizer {@code id} on a small matrix of its own. */
    private static void compileKernels(String id, Map<String, Object> options, NDArray near) {
        try (NDManager scope = NDManager.subManagerOf(near);
                Optimizer optimizer = Optimizers.create(id, OptimizerSettings.of(options, COMPILE_STEPS))) {
            NDArray weight = scope.zeros(COMPILE_SHAPE);
            NDArray gradient = scope.zeros(COMPILE_SHAPE);
            MemorySegment pattern = MemorySegment.ofArray(new float[(int) COMPILE_SHAPE.size()]);
            fillPattern(pattern);
            fill(TensorMemory.of(weight), 0.5f);
            var parameter = new TrainableParameter(PARAMETER_NAME, weight, gradient);
            MemorySegment gradientMemory = TensorMemory.of(gradient);
            for (int step = 0; step < COMPILE_STEPS; step++) {
                timedStep(optimizer, parameter, pattern, gradientMemory, step);
            }
        }
    }

    /**
     * Refills the gradient from {@code pattern} (the optimizer zeroed it), then times one step with a falling loss.
     *
     * @return the step's nanoseconds
     */
    static long timedStep(Optimizer optimizer, TrainableParameter parameter, MemorySegment pattern,
            MemorySegment gradient, int step) {
        MemorySegment.copy(pattern, 0, gradient, 0, gradient.byteSize());
        long start = System.nanoTime();
        optimizer.step(List.of(parameter), OptionalDouble.of(1.0 / (step + 1)));
        return System.nanoTime() - start;
    }

    private Row measureTriad(String id, Runnable triad, long count, ReferencePairing pairing) {
        double[] millis = new double[steps];
        double[] ratios = new double[steps];
        LongSupplier timed = () -> {
            long start = System.nanoTime();
            triad.run();
            return System.nanoTime() - start;
        };
        for (int step = 0; step < warmup + steps; step++) {
            long[] pair = pairing.pair(step, timed);
            if (step >= warmup) {
                millis[step - warmup] = pair[0] / 1e6;
                ratios[step - warmup] = (double) pair[0] / pair[1];
            }
        }
        double[] ratio = ReferencePairing.summary(ratios);
        Row row = new Row(count, id, RunStatistics.median(millis), Double.NaN, TRIAD_BYTES_PER_ELEMENT, Double.NaN,
                ratio[0], ratio[1], ratio[2], "");
        progress.printf("tune4j bench: %,d params  %-14s %9.2f ms/step  %6.1f GB/s  %.3f x %s%n", count, id,
                row.millisPerStep(), row.gigabytesPerSecond(), row.ratio(), REFERENCE_ID);
        progress.flush();
        return row;
    }

    /** {@link #triad} split into the chunks of the Adam kernel, on the kernel threads. */
    static void triadInChunks(MemorySegment a, MemorySegment b, MemorySegment c, float s) {
        KernelThreads.forEachChunk(a.byteSize() / Float.BYTES, FusedAdamKernel.CHUNK_ELEMENTS,
                (chunk, from, to) -> triad(a, b, c, s, from, to));
    }

    /** {@code a = b + s·c} over float32 segments of equal size, Vector API with a scalar tail, on this thread. */
    static void triad(MemorySegment a, MemorySegment b, MemorySegment c, float s) {
        triad(a, b, c, s, 0, a.byteSize() / Float.BYTES);
    }

    /** {@code a = b + s·c} over elements {@code [from, to)}. */
    private static void triad(MemorySegment a, MemorySegment b, MemorySegment c, float s, long from, long to) {
        long count = to;
        long vectorEnd = from + (to - from) / SPECIES.length() * SPECIES.length();
        long i = from;
        for (; i < vectorEnd; i += SPECIES.length()) {
            long offset = i * Float.BYTES;
            FloatVector vc = FloatVector.fromMemorySegment(SPECIES, c, offset, ORDER);
            FloatVector vb = FloatVector.fromMemorySegment(SPECIES, b, offset, ORDER);
            vc.lanewise(VectorOperators.FMA, s, vb).intoMemorySegment(a, offset, ORDER);
        }
        for (; i < count; i++) {
            long offset = i * Float.BYTES;
            float value = b.get(FLOAT, offset) + s * c.get(FLOAT, offset);
            a.set(FLOAT, offset, value);
        }
    }

    /** The gradient every step: {@code 1e-3 sin(0.37 i)}, not rank one, so GaLore's basis means something. */
    private static void fillPattern(MemorySegment pattern) {
        long count = pattern.byteSize() / Float.BYTES;
        for (long i = 0; i < count; i++) {
            pattern.set(FLOAT, i * Float.BYTES, (float) (1e-3 * Math.sin(i * 0.37)));
        }
    }

    private static void fill(MemorySegment segment, float value) {
        long count = segment.byteSize() / Float.BYTES;
        long vectorEnd = count / SPECIES.length() * SPECIES.length();
        FloatVector broadcast = FloatVector.broadcast(SPECIES, value);
        long i = 0;
        for (; i < vectorEnd; i += SPECIES.length()) {
            broadcast.intoMemorySegment(segment, i * Float.BYTES, ORDER);
        }
        for (; i < count; i++) {
            segment.set(FLOAT, i * Float.BYTES, value);
        }
    }

    /**
     * Prints the table: one row per size and id, with the byte model, the time relative to {@value #REFERENCE_ID}
     * and, per size, AdamW's bandwidth over the triad's on the kernel threads.
     */
    static void printTable(List<Row> rows, int steps, int threads, PrintWriter out) {
        out.printf("%-13s %-14s %10s %10s %8s %8s %10s %8s %13s%n", "params", "optimizer", "ms/step", "refresh ms",
                "B/param", "GB/s", "time/" + REFERENCE_ID, "state B/param", "pair range");
        for (Row row : rows) {
            if (!row.failure().isEmpty()) {
                out.printf("%,13d %-14s failed: %s%n", row.parameters(), row.id(), row.failure());
                continue;
            }
            out.printf("%,13d %-14s %10.2f %10s %8.0f %8.1f %10.3f %8s %13s%n", row.parameters(), row.id(),
                    row.millisPerStep(), Double.isNaN(row.refreshMillis()) ? "-"
                            : String.format("%.0f", row.refreshMillis()),
                    row.bytesPerParameter(), row.gigabytesPerSecond(), row.ratio(),
                    Double.isNaN(row.stateBytesPerParameter()) ? "-"
                            : String.format("%.2f", row.stateBytesPerParameter()),
                    row.id().equals(REFERENCE_ID) ? "-"
                            : String.format("%.2f-%.2f", row.lowestRatio(), row.highestRatio()));
        }
        rows.stream().map(Row::parameters).distinct().forEach(parameters -> {
            // (32 B / t_adamw) / (12 B / t_triad), with the paired ratio t_triad / t_adamw
            double ratio = (double) REFERENCE_BYTES_PER_PARAMETER / TRIAD_BYTES_PER_ELEMENT
                    * find(rows, parameters, TRIAD_ID).ratio();
            out.printf("%,13d params: %s bandwidth / %d-thread triad bandwidth = %.2f (paired)%n", parameters,
                    REFERENCE_ID, threads, ratio);
        });
        out.printf("ms/step: median of %d steps, %d kernel thread(s). time/%s: median over the %d steps of the"
                + " step's time over that of the %s step run beside it (alternating which runs first); pair range:"
                + " the smallest and largest of those ratios. B/param: bytes the rule must move per parameter"
                + " per step: optimizers 16 + 2 x state (read θ, g; write θ; zero g; read and write state; Adam = 32),"
                + " triad 12 (read b, c; write a). GB/s = B/param x params / time. GaLore rows: randomized basis;"
                + " ms/step is the steady step, refresh ms the first step's extra time (the basis refresh, every %d"
                + " steps by default); their GB/s uses the same byte model and is only indicative.%n", steps, threads,
                REFERENCE_ID, steps, REFERENCE_ID, GALORE_GAP);
    }

    /** The row of {@code id} at {@code parameters}, or a failed placeholder if there is none. */
    private static Row find(List<Row> rows, long parameters, String id) {
        return rows.stream().filter(row -> row.parameters() == parameters && row.id().equals(id)).findFirst()
                .orElse(failed(parameters, id, "not measured"));
    }
}
