package dev.tune4j.runfiles;

import dev.tune4j.task.TrainingTask;

/**
 * The fixed keys of a run's files, so that scripts, the report and the runner agree. Every run writes
 * {@code <output_dir>/<variant>/seed-<n>/} with {@value #CONFIG_FILE}, {@value #METRICS_FILE} and
 * {@value #SUMMARY_FILE}.
 *
 * <p>{@value #METRICS_FILE} holds one JSON object per line. Training lines ({@value #TYPE} = {@value #TYPE_TRAIN}),
 * one per optimizer step: {@value #STEP} (1-based), {@value #LOSS}, {@value #LR}, {@value #GRAD_NORM},
 * {@value #TOKENS} (real, non-padding tokens of the step), {@value #ELAPSED_S} (training seconds since the run
 * started, evaluation time excluded), {@value #STEP_MS}, {@value #FORWARD_MS}, {@value #BACKWARD_MS},
 * {@value #OPTIMIZER_MS}, {@value #TOKENS_PER_S} (of this step), {@value #OPTIMIZER_STATE_BYTES}, {@value #RSS_BYTES},
 * {@value #PEAK_RSS_BYTES}, {@value #HEAP_USED_BYTES}, and {@value #GPU_USED_BYTES} only when running on a GPU (absent
 * on CPU, never 0). Evaluation lines ({@value #TYPE} = {@value #TYPE_EVAL}): {@value #STEP}, {@value #ELAPSED_S},
 * {@value #EVAL_LOSS} and task metrics named {@code eval_<metric>} ({@code eval_accuracy}, {@code eval_macro_f1},
 * {@code eval_perplexity}, {@code eval_exact_match}, {@code eval_f1}).
 */
public final class MetricKeys {
    /** Resolved recipe of the run (defaults filled, overrides applied), YAML. */
    public static final String CONFIG_FILE = "config.resolved.yaml";
    /** Per-step metrics, JSON lines. */
    public static final String METRICS_FILE = "metrics.jsonl";
    /** Outcome of the run, JSON. */
    public static final String SUMMARY_FILE = "summary.json";
    /** The resolved recipe of a whole comparison, YAML, at the top of its output directory. */
    public static final String RECIPE_FILE = "recipe.resolved.yaml";

    /** Line type. */
    public static final String TYPE = "type";
    /** A training step line. */
    public static final String TYPE_TRAIN = "train";
    /** An evaluation line. */
    public static final String TYPE_EVAL = "eval";
    /** Optimizer step, 1-based. */
    public static final String STEP = "step";
    /** Training loss of the step (mean over its micro-batches). */
    public static final String LOSS = "loss";
    /** Learning rate of the step (the optimizer's base lr times the schedule factor). */
    public static final String LR = "lr";
    /** Global gradient L2 norm before clipping. */
    public static final String GRAD_NORM = "grad_norm";
    /** Real (non-padding) tokens of the step. */
    public static final String TOKENS = "tokens";
    /** Training seconds since the run started, evaluation excluded. */
    public static final String ELAPSED_S = "elapsed_s";
    /** Wall time of the step, milliseconds. */
    public static final String STEP_MS = "step_ms";
    /** Forward pass and loss, milliseconds. */
    public static final String FORWARD_MS = "forward_ms";
    /** Backward pass, milliseconds. */
    public static final String BACKWARD_MS = "backward_ms";
    /** Clipping and optimizer step, milliseconds. */
    public static final String OPTIMIZER_MS = "optimizer_ms";
    /** Real tokens per second of this step. */
    public static final String TOKENS_PER_S = "tokens_per_s";
    /** Exact bytes of optimizer state after the step. */
    public static final String OPTIMIZER_STATE_BYTES = "optimizer_state_bytes";
    /** Resident set size of the process after the step. */
    public static final String RSS_BYTES = "rss_bytes";
    /** Peak resident set size of the process so far (VmHWM). */
    public static final String PEAK_RSS_BYTES = "peak_rss_bytes";
    /** JVM heap in use after the step. */
    public static final String HEAP_USED_BYTES = "heap_used_bytes";
    /** GPU memory in use (CUDA runtime), only on a GPU. */
    public static final String GPU_USED_BYTES = "gpu_used_bytes";
    /** Evaluation loss: the key every task's evaluation reports. */
    public static final String EVAL_LOSS = TrainingTask.EVAL_LOSS;
    /** Prefix of evaluation metrics. */
    public static final String EVAL_PREFIX = "eval_";

    private MetricKeys() {}
}
