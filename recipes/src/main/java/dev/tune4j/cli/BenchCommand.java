package dev.tune4j.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code tune4j bench}: micro-benchmarks; {@code tune4j bench optimizers} times one step of every optimizer,
 * {@code tune4j bench train} times a recipe's training step and splits its peak memory, {@code tune4j bench
 * gpu-check} compares every optimizer on the GPU with its CPU engine-op path.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Micro-benchmarks of tune4j's hot paths, and the GPU check.",
        subcommands = {BenchOptimizersCommand.class, BenchTrainCommand.class, GpuCheckCommand.class})
final class BenchCommand implements Runnable {
    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
        throw new ParameterException(spec.commandLine(), "no benchmark given");
    }
}
