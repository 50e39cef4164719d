package dev.tune4j.run;

import dev.tune4j.recipe.Recipe;
import dev.tune4j.recipe.VariantSpec;
import dev.tune4j.runfiles.MetricKeys;
import dev.tune4j.runfiles.RunLayout;
import dev.tune4j.runfiles.RunStatus;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs every variant and seed of a recipe, seed by seed ({@link #schedule}), each in its own JVM
 * ({@code tune4j run <recipe> --variant V --seed N} started with this JVM's java, flags and class path). A separate
 * process per run is what makes memory comparable:
 * peak RSS, the allocator's cached blocks and the JIT belong to that run alone, and a native crash of one optimizer
 * cannot take the comparison down. A run that dies without writing its summary is recorded as failed with its exit
 * code, and the comparison carries on.
 *
 * <p>On a terminal the child writes straight to it (its own progress bar); otherwise its output is passed through
 * line by line and kept in {@code run.log} in the run directory.
 */
public final class ComparisonRunner {
    /** The child's log, in its run directory, when the output is not a terminal. */
    public static final String RUN_LOG = "run.log";
    /**
     * The hidden {@code tune4j run} option every child gets: the comparison fetched, imported and read the data before
     * its first run and printed those lines once, so the runs do not repeat them.
     */
    public static final String QUIET_DATA_OPTION = "--quiet-data";
    private static final String MAIN_CLASS = "dev.tune4j.cli.Tune4jCommand";

    private final Recipe recipe;
    private final Path recipeFile;
    private final Path outputDir;
    private final PrintWriter out;

    /**
     * @param recipe the resolved recipe
     * @param recipeFile its resolved YAML, which every child loads (so all runs use exactly the same recipe)
     * @param outputDir where the runs go
     * @param out progress lines
     */
    public ComparisonRunner(Recipe recipe, Path recipeFile, Path outputDir, PrintWriter out) {
        this.recipe = recipe;
        this.recipeFile = recipeFile;
        this.outputDir = outputDir;
        this.out = out;
    }

    /**
     * One run of the comparison: a variant trained with a seed.
     *
     * @param variant the variant
     * @param seed the seed
     */
    public record ScheduledRun(VariantSpec variant, int seed) {}

    /**
     * The order the runs go in, interleaved: every variant with the recipe's first seed (in the recipe's variant
     * order), then every variant with its second seed, and so on. A machine whose load drifts during a comparison
     * then slows each variant in turn rather than the variants that happened to run late, as running one variant's
     * seeds back to back would.
     */
    public static List<ScheduledRun> schedule(Recipe recipe) {
        List<ScheduledRun> order = new ArrayList<>();
        for (int seed : recipe.seeds()) {
            for (VariantSpec variant : recipe.variants()) {
                order.add(new ScheduledRun(variant, seed));
            }
        }
        return order;
    }

    /** Runs all variants x seeds in the order of {@link #schedule}; returns the run directories in that order. */
    public List<Path> runAll() throws IOException, InterruptedException {
        List<Path> runs = new ArrayList<>();
        List<ScheduledRun> order = schedule(recipe);
        int index = 0;
        for (ScheduledRun run : order) {
            VariantSpec variant = run.variant();
            index++;
            out.printf("tune4j: run %d/%d: %s (%s%s), seed %d%n", index, order.size(), variant.name(),
                    variant.optimizer(), variant.lora() ? ", LoRA" : "", run.seed());
            out.flush();
            runs.add(runChild(variant, run.seed()));
        }
        return runs;
    }

    /** Runs one variant with one seed in its own JVM; returns its run directory (also for a crash). */
    Path runChild(VariantSpec variant, int seed) throws IOException, InterruptedException {
        Path directory = RunLayout.runDirectory(outputDir, variant.name(), seed);
        Files.createDirectories(directory);
        Files.deleteIfExists(directory.resolve(MetricKeys.SUMMARY_FILE));
        ProcessBuilder builder = new ProcessBuilder(childCommand(variant, seed));
        int exitCode;
        if (Terminal.attached()) {
            exitCode = builder.inheritIO().start().waitFor();
        } else {
            builder.redirectErrorStream(true);
            Process process = builder.start();
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8));
                    BufferedWriter log = Files.newBufferedWriter(directory.resolve(RUN_LOG))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    log.write(line);
                    log.newLine();
                    if (!line.startsWith("WARNING: Using incubator modules")) {
                        out.println(line);
                        out.flush();
                    }
                }
            }
            exitCode = process.waitFor();
        }
        if (!Files.exists(directory.resolve(MetricKeys.SUMMARY_FILE))) {
            recordCrash(directory, variant, seed, exitCode);
        }
        return directory;
    }

    /** java [this JVM's flags] -cp [this class path] Tune4jCommand run recipe --variant V --seed N */
    private List<String> childCommand(VariantSpec variant, int seed) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        for (String argument : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!argument.startsWith("-agentlib:jdwp") && !argument.startsWith("-javaagent")) {
                command.add(argument);
            }
        }
        command.add("-cp");
        command.add(childClassPath(System.getProperty("java.class.path"), codeLocation()));
        command.add(MAIN_CLASS);
        command.add("run");
        command.add(recipeFile.toString());
        command.add("--variant");
        command.add(variant.name());
        command.add("--seed");
        command.add(Integer.toString(seed));
        command.add(QUIET_DATA_OPTION);
        return command;
    }

    /**
     * The class path for a child run: this JVM's own when tune4j's classes came from it (the launcher, Maven, an IDE);
     * otherwise the place they were loaded from, followed by this JVM's own: a notebook kernel adds
     * {@code recipes/target/tune4j.jar} at run time, and that jar's manifest names the rest of tune4j's class path.
     *
     * @param classPath this JVM's {@code java.class.path}
     * @param tune4jLocation where this class was loaded from (a jar or a classes directory), or null if unknown
     */
    static String childClassPath(String classPath, Path tune4jLocation) {
        if (tune4jLocation == null) {
            return classPath;
        }
        Path location = tune4jLocation.toAbsolutePath().normalize();
        for (String entry : classPath.split(File.pathSeparator)) {
            if (!entry.isBlank() && Path.of(entry).toAbsolutePath().normalize().equals(location)) {
                return classPath;
            }
        }
        return classPath.isBlank() ? location.toString() : location + File.pathSeparator + classPath;
    }

    private static Path codeLocation() {
        try {
            var source = ComparisonRunner.class.getProtectionDomain().getCodeSource();
            return source == null ? null : Path.of(source.getLocation().toURI());
        } catch (URISyntaxException | SecurityException | IllegalArgumentException e) {
            return null;
        }
    }

    /** A summary for a child that exited without writing one (a crash, a kill, an abort in native code). */
    private void recordCrash(Path directory, VariantSpec variant, int seed, int exitCode) throws IOException {
        long completed = 0;
        Path metrics = directory.resolve(MetricKeys.METRICS_FILE);
        if (Files.exists(metrics)) {
            try (var lines = Files.lines(metrics)) {
                completed = lines.filter(l -> l.contains("\"type\":\"train\"")).count();
            }
        }
        RunSummaries.finish(directory, RunSummaries.start(recipe, variant, seed), recipe, RunStatus.FAILED, completed,
                0, "the run's JVM exited with code " + exitCode + " without a summary; see "
                        + directory.resolve(RUN_LOG));
        out.println("tune4j: " + variant.name() + " seed " + seed + " failed: exit code " + exitCode);
        out.flush();
    }
}
