package dev.tune4j.cli;

import dev.tune4j.engine.EngineSetup;
import dev.tune4j.engine.EnvironmentReport;
import dev.tune4j.run.GpuMemory;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code tune4j env}: starts the engine and prints what runs would depend on, with whether a GPU is usable, how
 * libtorch was found ({@link dev.tune4j.engine.GpuAvailability}) and whether GPU memory can be read
 * ({@link GpuMemory}).
 */
@Command(
        name = "env",
        mixinStandardHelpOptions = true,
        description = "Start the engine and print Java, engine, libtorch (and how it was found), device, GPU, cores,"
                + " memory and cache settings.")
final class EnvCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        EngineSetup.configure().forEach(warning -> err.println("tune4j env: warning: " + warning));
        err.flush();
        out.println(String.format("%-10s %s", "tune4j", Tune4jVersion.version()));
        EnvironmentReport.collect().lines().forEach(out::println);
        out.println(String.format("%-10s %s", "gpu memory", "NVML " + GpuMemory.nvmlStatus()));
        out.flush();
        return Tune4jCommand.EXIT_OK;
    }
}
