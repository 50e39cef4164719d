package dev.tune4j.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Test fixture written by this project itself (not runner output, not real training): synthetic runs directories
 * in the runner's layout, {@code <runs-dir>/<variant>/seed-<n>/{metrics.jsonl, summary.json}} plus
 * {@code recipe.resolved.yaml}, with hand-chosen numbers so that tests can compute the expected statistics by hand.
 *
 * <p>Every training line has {@value #TOKENS_PER_STEP} tokens; a run with {@code secondsPerStep} s per step logs
 * {@code elapsed_s = step * secondsPerStep} and {@code step_ms = 1000 * secondsPerStep}, so its tokens/s is
 * {@code TOKENS_PER_STEP / secondsPerStep} whatever the warm-up.
 */
public final class SyntheticRuns {
    /** Real tokens of every training line. */
    public static final int TOKENS_PER_STEP = 100;
    /** Bytes in a MiB. */
    public static final long MIB = 1024 * 1024;
    /**
     * {@code heap_committed_bytes} of every training line of a run with {@link Run#memory}; such a run's peak step is
     * step {@code steps / 2} (the first line at the peak), where {@code rss_bytes} is the peak minus 1 MiB.
     */
    public static final long HEAP_COMMITTED = 128 * MIB;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path runsDir;

    /** Runs written under {@code runsDir}. */
    public SyntheticRuns(Path runsDir) {
        this.runsDir = runsDir;
    }

    /** The runs directory. */
    public Path dir() {
        return runsDir;
    }

    /**
     * Twenty losses: 10 for steps 1 to {@code dropStep - 1}, 0 from {@code dropStep} to 18, {@code finalLoss} at
     * steps 19 and 20. With {@code dropStep >= 6} the trailing 5-step mean is 10 until the drop, then 8, 6, and
     * first at most 5 (it is 4) at step {@code dropStep + 2}; it is 0, at most any positive target, from step
     * {@code dropStep + 4}. The final window of 20 steps is steps 19 and 20: final loss {@code finalLoss},
     * stability 0.
     */
    public static double[] lossesDroppingAt(int dropStep, double finalLoss) {
        if (dropStep < 6 || dropStep > 14) {
            throw new IllegalArgumentException("the worked-out steps to target need a drop at step 6 to 14");
        }
        double[] losses = new double[20];
        for (int step = 1; step <= 20; step++) {
            losses[step - 1] = step < dropStep ? 10 : step <= 18 ? 0 : finalLoss;
        }
        return losses;
    }

    /**
     * Twenty losses that never drop: 10 for steps 1 to 18, {@code finalLoss} at 19 and 20. The trailing 5-step mean
     * never falls below {@code (3 * 10 + 2 * finalLoss) / 5}, at least 6.
     */
    public static double[] plateauLosses(double finalLoss) {
        double[] losses = new double[20];
        for (int step = 1; step <= 20; step++) {
            losses[step - 1] = step <= 18 ? 10 : finalLoss;
        }
        return losses;
    }

    /** Writes {@code recipe.resolved.yaml} with these variants (name: optimizer) in this order. */
    public SyntheticRuns recipe(String name, String description, Double targetLoss, Map<String, String> variants) {
        StringBuilder yaml = new StringBuilder()
                .append("name: ").append(name).append('\n')
                .append("description: \"").append(description).append("\"\n")
                .append("seeds: [1, 2, 3]\nsteps: 10\nthroughput_warmup_steps: 2\n");
        if (targetLoss != null) {
            yaml.append("target_loss: ").append(targetLoss).append('\n');
        }
        yaml.append("variants:\n");
        variants.forEach((variant, optimizer) -> yaml.append("  - name: \"").append(variant).append("\"\n")
                .append("    optimizer: ").append(optimizer).append('\n')
                .append("    options: {lr: 0.001}\n"));
        write(runsDir.resolve("recipe.resolved.yaml"), yaml.toString());
        return this;
    }

    /** One run, described by {@link Run}. */
    public SyntheticRuns run(Run run) {
        Path dir = runsDir.resolve(run.variant).resolve("seed-" + run.seed);
        List<String> lines = new ArrayList<>();
        int steps = run.divergedAtStep == null ? run.losses.length : run.divergedAtStep - 1;
        for (int step = 1; step <= steps; step++) {
            ObjectNode line = JSON.createObjectNode();
            line.put("type", "train");
            line.put("step", step);
            line.put("loss", run.losses[step - 1]);
            line.put("lr", 0.001);
            line.put("grad_norm", 1.25);
            line.put("tokens", TOKENS_PER_STEP);
            line.put("elapsed_s", step * run.secondsPerStep);
            line.put("step_ms", 1000 * run.secondsPerStep);
            // a disturbed run shared its cores: another process kept one core busy through every step (other_cores
            // 1.0); a quiet one saw the machine's daemons take 5 ms of CPU per second of step (0.005)
            boolean shared = Boolean.TRUE.equals(run.timingDisturbed);
            line.put("other_cpu_ms", 1000 * run.secondsPerStep * (shared ? 1.0 : 0.005));
            line.put("tokens_per_s", TOKENS_PER_STEP / run.secondsPerStep);
            line.put("optimizer_state_bytes", step == 1 ? 0 : run.optimizerStateBytes);
            line.put("rss_bytes", run.peakRssBytes - MIB);
            // peak RSS rises to its maximum at the middle step and is reported as seen so far
            line.put("peak_rss_bytes", step < steps / 2 ? run.peakRssBytes - 2 * MIB : run.peakRssBytes);
            line.put("heap_used_bytes", 64 * MIB);
            if (run.weightsBytes != null) {
                line.put("heap_committed_bytes", HEAP_COMMITTED);
            }
            run.telemetry.apply(step).forEach(line::put);
            lines.add(line.toString());
            Map<String, Double> eval = run.evals.get(step);
            if (eval != null) {
                ObjectNode evalLine = JSON.createObjectNode();
                evalLine.put("type", "eval");
                evalLine.put("step", step);
                evalLine.put("elapsed_s", step * run.secondsPerStep);
                eval.forEach(evalLine::put);
                lines.add(evalLine.toString());
            }
        }
        write(dir.resolve("metrics.jsonl"), String.join("\n", lines) + "\n");

        ObjectNode summary = JSON.createObjectNode();
        summary.put("recipe", "fixture");
        summary.put("variant", run.variant);
        summary.put("optimizer", run.optimizer);
        summary.put("seed", run.seed);
        summary.put("lora", run.lora);
        summary.put("status", run.status);
        summary.put("diverged_at_step", run.divergedAtStep);
        summary.put("error", run.error);
        summary.put("steps_planned", run.losses.length);
        summary.put("steps_completed", steps);
        summary.put("trainable_parameters", run.trainableParameters);
        summary.put("total_parameters", run.trainableParameters * 10);
        summary.put("device", "cpu");
        summary.put("target_loss", run.targetLoss);
        summary.put("throughput_warmup_steps", 2);
        if (!run.baselines.isEmpty()) {
            ObjectNode baselines = summary.putObject("baselines");
            run.baselines.forEach((name, metrics) -> {
                ObjectNode entry = baselines.putObject(name);
                entry.put("description", run.baselineDescriptions.get(name));
                metrics.forEach(entry::put);
            });
        }
        if (run.weightsBytes != null) {
            summary.put("weights_bytes", run.weightsBytes);
            summary.put("gradient_bytes", run.gradientBytes);
        }
        summary.putNull("statistics");
        write(dir.resolve("summary.json"), summary.toPrettyString());
        return this;
    }

    private static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A run to write; defaults: completed, 0.5 s per step, 8,000 state bytes for 1,000 parameters, 300 MiB. */
    public static final class Run {
        final String variant;
        final String optimizer;
        final int seed;
        final double[] losses;
        String status = "completed";
        Integer divergedAtStep;
        String error;
        double secondsPerStep = 0.5;
        long optimizerStateBytes = 8000;
        long trainableParameters = 1000;
        long peakRssBytes = 300 * MIB;
        Double targetLoss;
        boolean lora;
        Boolean timingDisturbed;
        Long weightsBytes;
        long gradientBytes;
        final Map<Integer, Map<String, Double>> evals = new LinkedHashMap<>();
        IntFunction<Map<String, Double>> telemetry = step -> Map.of();
        final Map<String, Map<String, Double>> baselines = new LinkedHashMap<>();
        final Map<String, String> baselineDescriptions = new LinkedHashMap<>();

        /** A completed run of {@code variant} with {@code seed} and these training losses, one per step. */
        public Run(String variant, String optimizer, int seed, double[] losses) {
            this.variant = variant;
            this.optimizer = optimizer;
            this.seed = seed;
            this.losses = losses;
        }

        public Run secondsPerStep(double seconds) {
            secondsPerStep = seconds;
            return this;
        }

        public Run stateBytes(long bytes) {
            optimizerStateBytes = bytes;
            return this;
        }

        /** Writes the exact sizes of a memory breakdown into the summary and the committed heap into the lines. */
        public Run memory(long weights, long gradients) {
            weightsBytes = weights;
            gradientBytes = gradients;
            return this;
        }

        public Run peakRss(long bytes) {
            peakRssBytes = bytes;
            return this;
        }

        public Run target(Double loss) {
            targetLoss = loss;
            return this;
        }

        /** The variant trains LoRA adapters only ({@code "lora": true}). */
        public Run lora() {
            lora = true;
            return this;
        }

        /**
         * With {@code true}, another process kept a core busy through every step of the run ({@code other_cpu_ms}
         * equal to {@code step_ms}), so that its recomputed statistics flag its timing as disturbed
         * ({@link RunStatistics#MAX_OTHER_CORES}).
         */
        public Run timingDisturbed(boolean disturbed) {
            timingDisturbed = disturbed;
            return this;
        }

        public Run trainableParameters(long count) {
            trainableParameters = count;
            return this;
        }

        /** An eval line after {@code step}: eval_loss, then eval_accuracy. */
        public Run eval(int step, double evalLoss, double accuracy) {
            Map<String, Double> values = new LinkedHashMap<>();
            values.put("eval_loss", evalLoss);
            values.put("eval_accuracy", accuracy);
            evals.put(step, values);
            return this;
        }

        /**
         * A trivial baseline in the summary's {@code baselines} object, as the runner records it:
         * {@code "<name>": {"description": ..., <metric>: <value>, ...}}, in call order.
         */
        public Run baseline(String name, String description, Map<String, Double> metrics) {
            baselines.put(name, new LinkedHashMap<>(metrics));
            baselineDescriptions.put(name, description);
            return this;
        }

        /** The optimizer's telemetry of each step, keys with their {@code opt/} prefix; none by default. */
        public Run telemetry(IntFunction<Map<String, Double>> perStep) {
            telemetry = perStep;
            return this;
        }

        /** The loss of step {@code step} was non-finite: the metrics stop at the step before. */
        public Run divergedAt(int step) {
            status = "diverged";
            divergedAtStep = step;
            return this;
        }

        public Run failed(String message) {
            status = "failed";
            error = message;
            return this;
        }

        /** Stopped by a signal before its last step (status {@code interrupted}). */
        public Run interrupted() {
            status = "interrupted";
            return this;
        }
    }
}
