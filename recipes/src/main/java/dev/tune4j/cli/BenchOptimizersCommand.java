package dev.tune4j.cli;

import dev.tune4j.engine.EngineSetup;
import dev.tune4j.optim.KernelThreads;
import dev.tune4j.optim.Optimizers;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code tune4j bench optimizers}: the median time of one optimizer step for every registered optimizer, at a few
 * model sizes, in one JVM, next to a memory-bandwidth triad over the same tensors.
 */
@Command(
        name = "optimizers",
        mixinStandardHelpOptions = true,
        description = {
            "Time one optimizer step (median over --steps after --warmup) of every registered optimizer on float32"
                    + " CPU tensors of --params parameters, and a Vector API triad a = b + s*c over the same memory on"
                    + " --threads threads and on one.",
            "time/adamw is the median over the timed steps of each step's time over that of an adamw step run"
                    + " beside it (its own optimizer and state, alternating which runs first), so that a change in the"
                    + " machine's speed during the run moves both; pair range gives the smallest and largest ratio.",
            "GB/s counts the bytes a rule must move per parameter: read θ and g, write θ, zero g (16 B) plus reading"
                    + " and writing its state (2 x state bytes); Adam: 16 + 2 x 8 = 32 B. The triad moves 12 B."
        })
final class BenchOptimizersCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--params", split = ",", paramLabel = "N", defaultValue = "10000000,100000000",
            description = "Parameter counts to time, comma-separated or repeated (default: ${DEFAULT-VALUE}).")
    private List<Long> parameterCounts = new ArrayList<>();

    @Option(names = "--steps", paramLabel = "K", defaultValue = "10",
            description = "Timed steps per optimizer and size; the median is reported (default: ${DEFAULT-VALUE}).")
    private int steps;

    @Option(names = "--warmup", paramLabel = "W", defaultValue = "3",
            description = "Untimed steps before timing (default: ${DEFAULT-VALUE}).")
    private int warmup;

    @Option(names = "--threads", paramLabel = "T",
            description = "Threads of the Java kernels and of libtorch's operators (default: the available"
                    + " processors, ${DEFAULT-VALUE}).")
    private int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--optimizers", split = ",", paramLabel = "ID",
            description = "Only these optimizer ids (default: every registered one).")
    private List<String> only = new ArrayList<>();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (threads < 1) {
            throw new ParameterException(spec.commandLine(), "--threads must be at least 1, got " + threads);
        }
        if (steps < 1 || warmup < 0) {
            throw new ParameterException(spec.commandLine(), "--steps must be at least 1 and --warmup at least 0, got "
                    + steps + " and " + warmup);
        }
        for (long count : parameterCounts) {
            if (count < 1 || count > Integer.MAX_VALUE) {
                throw new ParameterException(spec.commandLine(), "--params must be between 1 and "
                        + Integer.MAX_VALUE + ", got " + count);
            }
        }
        List<String> ids = new ArrayList<>(Optimizers.all().keySet());
        if (!only.isEmpty()) {
            for (String id : only) {
                if (!ids.contains(id)) {
                    throw new ParameterException(spec.commandLine(), "unknown optimizer '" + id + "'; known: "
                            + String.join(", ", ids));
                }
            }
            ids = List.copyOf(only);
        }
        KernelThreads.setThreads(threads);
        // read by DJL's PyTorch engine when it starts (libtorch's intra-op threads: the engine-op and matmul paths)
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        EngineSetup.configure().forEach(warning -> err.println("tune4j bench: warning: " + warning));
        err.flush();
        OptimizerBenchmark benchmark = new OptimizerBenchmark(ids, steps, warmup, err);
        List<OptimizerBenchmark.Row> rows = new ArrayList<>();
        for (long count : parameterCounts) {
            rows.addAll(benchmark.run(Math.toIntExact(count)));
        }
        OptimizerBenchmark.printTable(rows, steps, threads, out);
        out.flush();
        return Tune4jCommand.EXIT_OK;
    }
}
