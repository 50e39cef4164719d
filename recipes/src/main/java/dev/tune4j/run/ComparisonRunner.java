package dev.tune4j.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tune4j.recipe.Recipe;
import dev.tune4j.recipe.RecipeWriter;
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
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Runs every variant and seed of a recipe, seed by seed ({@link #schedule}), each in its own JVM
 * ({@code tune4j run <recipe> --variant V --seed N} started with this JVM's java, flags and class path). A separate
 * process per run is what makes memory comparable:
 * peak RSS, the allocator's cached blocks and the JIT belong to that run alone, and a native crash of one optimizer
 * cannot take the comparison down. A run that dies without writing its summary is recorded as failed with its exit
 * code, and the comparison carries on.
 *
 * <p>On a terminal the child writes straight to it (its own progress bar); otherwise its output is passed through
 * line by line and kept in {@code run.log} in the run directory, flushed line by line.
 *
 * <p>SIGINT or SIGTERM to the comparison is forwarded to the running child as SIGTERM; the child checkpoints, writes
 * its summary as {@code interrupted} and exits, the comparison waits for it and starts no other run. With
 * {@code resume}, runs that finished are kept and the others go on from their checkpoints.
 */
public final class ComparisonRunner {
    /** The child's log, in its run directory, when the output is not a terminal. */
    public static final String RUN_LOG = "run.log";
    /**
     * The hidden {@code tune4j run} option every child gets: the comparison fetched, imported and read the data before
     * its first run and printed those lines once, so the runs do not repeat them.
     */
    public static final String QUIET_DATA_OPTION = "--quiet-data";
    /** The {@code tune4j run} option that continues a run from its newest valid checkpoint. */
    public static final String RESUME_OPTION = "--resume";
    private static final String MAIN_CLASS = "dev.tune4j.cli.Tune4jCommand";
    private static final ObjectMapper SUMMARY_JSON = new ObjectMapper();

    private final Recipe recipe;
    private final Path recipeFile;
    private final Path outputDir;
    private final PrintWriter out;
    private final boolean resume;
    private final StopSignal stop;

    /**
     * @param recipe the resolved recipe
     * @param recipeFile its resolved YAML, which every child loads (so all runs use exactly the same recipe)
     * @param outputDir where the runs go
     * @param out progress lines
     * @param resume keep the runs that finished (completed or diverged) and continue the others from their newest
     *     valid checkpoint, instead of running everything again
     * @param stop the comparison's signal handling: a child running when it fires gets SIGTERM and is waited for,
     *     and no further child starts
     */
    ComparisonRunner(Recipe recipe, Path recipeFile, Path outputDir, PrintWriter out, boolean resume,
            StopSignal stop) {
        this.recipe = recipe;
        this.recipeFile = recipeFile;
        this.outputDir = outputDir;
        this.out = out;
        this.resume = resume;
        this.stop = stop;
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

    /**
     * Runs all variants x seeds in the order of {@link #schedule}; returns the run directories in that order, only
     * those started when a stop signal ended the comparison early ({@link StopSignal#requested}).
     */
    List<Path> runAll() throws IOException, InterruptedException {
        List<Path> runs = new ArrayList<>();
        List<ScheduledRun> order = schedule(recipe);
        int index = 0;
        for (ScheduledRun run : order) {
            VariantSpec variant = run.variant();
            index++;
            if (stop.requested()) {
                break;
            }
            String label = String.format("tune4j: run %d/%d: %s (%s%s), seed %d", index, order.size(), variant.name(),
                    variant.optimizer(), variant.lora() ? ", LoRA" : "", run.seed());
            Path directory = RunLayout.runDirectory(outputDir, variant.name(), run.seed());
            Optional<RunStatus> finished = resume ? finishedStatus(directory,
                    RecipeWriter.toYaml(recipe.withOnly(variant.name(), run.seed()))) : Optional.empty();
            if (finished.isPresent()) {
                out.println(label + ": " + finished.get().jsonName() + " earlier, kept (" + directory + ")");
                out.flush();
                runs.add(directory);
                continue;
            }
            out.println(label);
            out.flush();
            runs.add(runChild(variant, run.seed()));
        }
        return runs;
    }

    /**
     * How the run in {@code directory} ended when that is final (completed, diverged or refused as bad input) and it
     * ran with exactly {@code config} (its {@value MetricKeys#CONFIG_FILE}); empty when it is missing, failed,
     * interrupted, unreadable or of another config. The one test of "finished earlier, keep it" for
     * {@code compare --resume}, {@code run --resume} and reused tuning trials.
     */
    public static Optional<RunStatus> finishedStatus(Path directory, String config) {
        Path summary = directory.resolve(MetricKeys.SUMMARY_FILE);
        Path configFile = directory.resolve(MetricKeys.CONFIG_FILE);
        try {
            if (!Files.isRegularFile(summary) || !Files.isRegularFile(configFile)
                    || !Files.readString(configFile).equals(config)) {
                return Optional.empty();
            }
            RunStatus status = RunStatus.fromJsonName(SUMMARY_JSON.readTree(summary.toFile()).path("status")
                    .asText());
            boolean done = status == RunStatus.COMPLETED || status == RunStatus.DIVERGED
                    || status == RunStatus.BAD_INPUT;
            return done ? Optional.of(status) : Optional.empty();
        } catch (IOException | RuntimeException unreadable) {
            return Optional.empty(); // a half-written or foreign file: run it again
        }
    }

    /**
     * Runs one variant with one seed in its own JVM (with {@code --resume} when this comparison resumes); returns its
     * run directory (also for a crash). A stop signal that arrives meanwhile is forwarded to the child as SIGTERM and
     * the child is waited for; once a stop was requested no child starts.
     */
    Path runChild(VariantSpec variant, int seed) throws IOException, InterruptedException {
        Path directory = RunLayout.runDirectory(outputDir, variant.name(), seed);
        Files.createDirectories(directory);
        Files.deleteIfExists(directory.resolve(MetricKeys.SUMMARY_FILE));
        List<String> command = childCommand(variant, seed);
        ProcessBuilder builder = new ProcessBuilder(command);
        int exitCode;
        if (Terminal.attached()) {
            Process process = stop.start(builder.inheritIO());
            if (process == null) {
                return directory;
            }
            exitCode = waitFor(process);
        } else {
            builder.redirectErrorStream(true);
            try (BufferedWriter log = Files.newBufferedWriter(directory.resolve(RUN_LOG))) {
                // the first line, so that a run stopped before it printed anything still says what ran
                log.write("tune4j: " + Instant.now() + ": " + String.join(" ", command));
                log.newLine();
                log.flush();
                Process process = stop.start(builder);
                if (process == null) {
                    return directory;
                }
                try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                        log.write(line);
                        log.newLine();
                        log.flush(); // a comparison killed meanwhile leaves every line its child printed
                        if (!line.startsWith("WARNING: Using incubator modules")) {
                            out.println(line);
                            out.flush();
                        }
                    }
                }
                exitCode = waitFor(process);
            }
        }
        if (!Files.exists(directory.resolve(MetricKeys.SUMMARY_FILE))) {
            recordCrash(directory, variant, seed, exitCode);
        }
        return directory;
    }

    private int waitFor(Process process) throws InterruptedException {
        try {
            return process.waitFor();
        } finally {
            stop.childEnded();
        }
    }

    /** java [this JVM's flags] -cp [this class path] Tune4jCommand run recipe --variant V --seed N [--resume] */
    private List<String> childCommand(VariantSpec variant, int seed) {
        List<String> command = tune4jCommand();
        command.add("run");
        command.add(recipeFile.toString());
        command.add("--variant");
        command.add(variant.name());
        command.add("--seed");
        command.add(Integer.toString(seed));
        command.add(QUIET_DATA_OPTION);
        if (resume) {
            command.add(RESUME_OPTION);
        }
        return command;
    }

    /**
     * The command line that starts {@code tune4j} in a new JVM as this one was started: this JVM's java, its flags
     * (DJL offline, cache directory, modules; without a debugger or agent), its class path ({@link #childClassPath})
     * and the main class; the caller adds the subcommand and its arguments.
     */
    public static List<String> tune4jCommand() {
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
        RunStatus status = stop.requested() ? RunStatus.INTERRUPTED : RunStatus.FAILED;
        RunSummaries.finish(directory, RunSummaries.start(recipe, variant, seed), recipe, status, completed,
                0, "the run's JVM exited with code " + exitCode + " without a summary" + (stop.requested()
                        ? " while the comparison was being stopped" : "") + "; see " + directory.resolve(RUN_LOG));
        out.println("tune4j: " + variant.name() + " seed " + seed + " " + status.jsonName() + ": exit code "
                + exitCode);
        out.flush();
    }
}
