package dev.tune4j.cli;

import ai.djl.Device;
import dev.tune4j.engine.EngineSetup;
import dev.tune4j.engine.GpuAvailability;
import dev.tune4j.metrics.ByteSize;
import dev.tune4j.optim.Optimizers;
import dev.tune4j.run.GpuMemory;
import dev.tune4j.runfiles.MetricKeys;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code tune4j bench gpu-check}: every optimizer id trains a tiny model a few steps on the GPU and by the CPU
 * engine-op path ({@value GpuCheck#ENGINE_OPS}{@code : true}), from the same weights on the same batches; the losses
 * and weight changes are compared ({@link GpuCheck}) and step times and memory printed. {@code --device cpu} is the
 * dry run: the same comparison with the CPU Java kernels in the GPU's place. Exit 0 when every id agrees, 1 when one
 * differs or fails, or when no GPU is usable (saying why and what to do). {@code scripts/gpu-check.sh} runs it.
 */
@Command(
        name = "gpu-check",
        mixinStandardHelpOptions = true,
        description = {
            "Train a tiny Llama-architecture model a few steps with every optimizer id on the GPU and by the CPU"
                    + " engine-op path (engine_ops: true), compare losses and weight changes, print step times and"
                    + " memory. --device cpu compares the CPU Java kernels with the CPU engine-op path instead.",
            "Exit 0 when every id agrees within the tolerances, 1 otherwise or when no GPU is usable."
        })
final class GpuCheckCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--device", paramLabel = "gpu|cpu", defaultValue = "gpu",
            description = "gpu: GPU against CPU engine ops; cpu: CPU Java kernels against CPU engine ops (default:"
                    + " ${DEFAULT-VALUE}).")
    private String device;

    @Option(names = "--optimizers", split = ",", paramLabel = "ID",
            description = "Only these optimizer ids (default: every registered one).")
    private List<String> only = new ArrayList<>();

    @Option(names = "--steps", paramLabel = "K", defaultValue = "10",
            description = "Optimizer steps per side (default: ${DEFAULT-VALUE}).")
    private int steps;

    @Option(names = "--hidden", paramLabel = "H", defaultValue = "64",
            description = "Hidden size of the tiny model, a multiple of 4 (default: ${DEFAULT-VALUE}).")
    private int hidden;

    @Option(names = "--loss-tolerance", paramLabel = "X", defaultValue = "1e-3",
            description = "Largest relative loss difference at any step (default: ${DEFAULT-VALUE}).")
    private double lossTolerance;

    @Option(names = "--mismatch-tolerance", paramLabel = "X", defaultValue = "1e-3",
            description = "Largest share of weights whose changes differ by more than 1% (+1e-6) (default:"
                    + " ${DEFAULT-VALUE}).")
    private double mismatchTolerance;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        boolean gpu = switch (device) {
            case "gpu" -> true;
            case "cpu" -> false;
            default -> throw new ParameterException(spec.commandLine(), "--device must be gpu or cpu, got '" + device
                    + "'");
        };
        if (steps < 1 || hidden < 4 || hidden % 4 != 0 || !(lossTolerance >= 0) || !(mismatchTolerance >= 0)) {
            throw new ParameterException(spec.commandLine(), "--steps must be at least 1, --hidden a positive multiple"
                    + " of 4 and the tolerances >= 0; got " + steps + ", " + hidden + ", " + lossTolerance + ", "
                    + mismatchTolerance);
        }
        List<String> ids = chosenIds();
        EngineSetup.configure().forEach(warning -> err.println("tune4j gpu-check: warning: " + warning));
        GpuAvailability availability = GpuAvailability.probe();
        if (gpu) {
            availability.requireUsable("tune4j bench gpu-check", "`tune4j bench gpu-check --device cpu` runs the same"
                    + " comparison on CPU (Java kernels against engine ops)");
        }
        out.println("gpu-check: " + (gpu ? "gpu(0)" : "CPU Java kernels (dry run, --device cpu)")
                + " against the CPU engine-op path; " + ids.size() + " optimizer ids, " + steps + " steps, hidden "
                + hidden);
        out.println("gpu:        " + availability.summary());
        out.println("gpu memory: NVML " + (gpu ? GpuMemory.nvmlStatus() : "not read on CPU"));
        out.flush();
        GpuCheck check = new GpuCheck(hidden, steps, 1);
        List<GpuCheck.Outcome> outcomes = new ArrayList<>();
        for (String id : ids) {
            GpuCheck.Outcome outcome = checkOne(check, id, gpu);
            outcomes.add(outcome);
            err.println("tune4j gpu-check: " + id + ": " + verdict(outcome));
            err.flush();
        }
        printTable(outcomes, gpu ? "gpu" : "cpu java", lossTolerance, mismatchTolerance, out);
        long bad = outcomes.stream().filter(outcome -> !outcome.passes(lossTolerance, mismatchTolerance)).count();
        out.println(bad == 0 ? "gpu-check: every optimizer id agrees with the CPU engine-op path"
                : "gpu-check: " + bad + " of " + outcomes.size() + " optimizer ids differ or failed");
        out.flush();
        return bad == 0 ? Tune4jCommand.EXIT_OK : Tune4jCommand.EXIT_FAILURE;
    }

    private List<String> chosenIds() {
        List<String> registered = new ArrayList<>(Optimizers.all().keySet());
        for (String id : only) {
            if (!registered.contains(id)) {
                throw new ParameterException(spec.commandLine(), "unknown optimizer '" + id + "'; known: "
                        + String.join(", ", registered));
            }
        }
        return only.isEmpty() ? registered : List.copyOf(only);
    }

    private static GpuCheck.Outcome checkOne(GpuCheck check, String id, boolean gpu) {
        Map<String, Object> options = GpuCheck.baseOptions(id);
        if (!Optimizers.factory(id).schema(options).names().contains(GpuCheck.ENGINE_OPS)) {
            return GpuCheck.Outcome.failed(id, null, "'" + id + "' has no " + GpuCheck.ENGINE_OPS + " option, so"
                    + " there is no CPU engine-op path to compare with");
        }
        Map<String, Object> engine = new HashMap<>(options);
        engine.put(GpuCheck.ENGINE_OPS, true);
        GpuCheck.Side candidate = gpu ? new GpuCheck.Side("gpu", id, options, Device.gpu())
                : new GpuCheck.Side("cpu java kernels", id, options, Device.cpu());
        return check.compare(candidate, new GpuCheck.Side("cpu engine ops", id, engine, Device.cpu()));
    }

    private String verdict(GpuCheck.Outcome outcome) {
        if (!outcome.failure().isEmpty()) {
            return "FAILED: " + outcome.failure();
        }
        return String.format(Locale.ROOT, "%s (loss difference %.2e, tolerance %.0e; weights changed differently"
                + " %.2e, tolerance %.0e)", outcome.passes(lossTolerance, mismatchTolerance) ? "agrees" : "DIFFERS",
                outcome.maxLossDifference(), lossTolerance, outcome.mismatchedFraction(), mismatchTolerance);
    }

    /** One row per id: both sides' step and optimizer times, state bytes, the differences, memory and verdict. */
    static void printTable(List<GpuCheck.Outcome> outcomes, String candidate, double lossTolerance,
            double mismatchTolerance, PrintWriter out) {
        out.printf(Locale.ROOT, "%-16s %12s %12s %12s %12s %10s %10s %9s %9s  %s%n", "optimizer",
                candidate + " ms", "engine ms", candidate + " opt", "engine opt", "state B", "loss diff", "update",
                "mismatch", "memory; verdict");
        for (GpuCheck.Outcome outcome : outcomes) {
            if (!outcome.failure().isEmpty()) {
                out.printf(Locale.ROOT, "%-16s FAILED: %s%n", outcome.id(), outcome.failure());
                continue;
            }
            GpuCheck.Trajectory a = outcome.candidate();
            GpuCheck.Trajectory b = outcome.reference();
            out.printf(Locale.ROOT, "%-16s %12.2f %12.2f %12.2f %12.2f %10s %10.2e %9.2e %9.2e  %s; %s%n",
                    outcome.id(),
                    a.medianStepMillis(), b.medianStepMillis(), a.medianOptimizerMillis(), b.medianOptimizerMillis(),
                    a.stateBytes() == b.stateBytes() ? Long.toString(a.stateBytes())
                            : a.stateBytes() + "/" + b.stateBytes(),
                    outcome.maxLossDifference(), outcome.updateDifference(), outcome.mismatchedFraction(),
                    memory(a),
                    outcome.passes(lossTolerance, mismatchTolerance) ? "agrees" : "DIFFERS");
        }
        out.println("ms: median step (forward, backward, clipping, optimizer, one value read back); opt: median"
                + " clipping + optimizer step. loss diff: largest relative loss difference over the steps; update:"
                + " ||Δw - Δw_engine|| / ||Δw_engine|| over all trainable weights (Δw: change from the initial"
                + " weights); mismatch: share of weights whose Δw differs by more than 1% of Δw_engine + 1e-6 (the"
                + " verdict uses loss diff and mismatch). state B: optimizer state bytes (both sides, or"
                + " candidate/engine when they differ).");
    }

    private static String memory(GpuCheck.Trajectory trajectory) {
        var memory = trajectory.memory();
        if (memory.has(MetricKeys.GPU_DEVICE_USED_BYTES)) {
            String process = memory.has(MetricKeys.GPU_PROCESS_PEAK_BYTES)
                    ? "process peak " + ByteSize.format(memory.get(MetricKeys.GPU_PROCESS_PEAK_BYTES).asLong()) + ", "
                    : "";
            return "gpu " + process + "device used " + ByteSize.format(memory.get(MetricKeys.GPU_DEVICE_USED_BYTES)
                    .asLong());
        }
        if (memory.has(MetricKeys.GPU_MEMORY_UNAVAILABLE)) {
            return "gpu memory not read: " + memory.get(MetricKeys.GPU_MEMORY_UNAVAILABLE).asText();
        }
        return "rss " + ByteSize.format(memory.get(MetricKeys.RSS_BYTES).asLong());
    }
}
