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
 * {@value #OPTIMIZER_MS}, {@value #GRAD_NORM_MS}, {@value #TOKENS_PER_S} (of this step),
 * {@value #OPTIMIZER_STATE_BYTES}, {@value #RSS_BYTES},
 * {@value #PEAK_RSS_BYTES}, {@value #HEAP_USED_BYTES}, {@value #HEAP_COMMITTED_BYTES}, {@value #CPU_S} (where the
 * JVM can measure it), and on a GPU only (absent on CPU, never 0) {@value #GPU_PROCESS_BYTES},
 * {@value #GPU_PROCESS_PEAK_BYTES} and {@value #GPU_DEVICE_USED_BYTES} (each where NVML can read it), then the
 * optimizer's telemetry under
 * {@value #OPTIMIZER_PREFIX} (below). Evaluation lines ({@value #TYPE} = {@value #TYPE_EVAL}): {@value #STEP},
 * {@value #ELAPSED_S}, {@value #EVAL_LOSS}, task metrics named {@code eval_<metric>} ({@code eval_accuracy},
 * {@code eval_macro_f1}, {@code eval_perplexity}, {@code eval_exact_match}, {@code eval_f1}) and {@value #LOAD_1M}
 * (where {@code /proc/loadavg} is readable).
 *
 * <p><b>Optimizer telemetry</b>: each training line carries what the optimizer reported after the step
 * ({@code Optimizer.telemetry()}), each key prefixed with {@value #OPTIMIZER_PREFIX}. An optimizer that reports
 * nothing (adam, adamw, lion, ...) adds no such key. JSON has no NaN or infinity, so a value that is not finite (e.g.
 * SOAA's {@code loss_average} before a step with a loss) is left out of that line rather than written. The keys:
 * <ul>
 *   <li>soaa: {@value #SOAA_DT} (the trust-region scale the next step uses, after this step's update),
 *       {@value #SOAA_PR} (predicted reduction), {@value #SOAA_R} (the ratio R of this step), {@value #SOAA_DT_LO}
 *       and {@value #SOAA_DT_HI} (the bounds dt was clamped to: (1−γ)^((t−1)/T) and 1+γ^((t−1)/T)),
 *       {@value #SOAA_LOSS_AVERAGE} (the bias-corrected loss average), {@value #SOAA_FISHER_FRACTION} (the share of
 *       elements whose denominator took the dt·(1+R)·v̂ branch rather than √ŝ);
 *   <li>galore_*: the inner rule's keys (so {@code galore_soaa} has SOAA's), then {@value #GALORE_REFRESHES}
 *       (bases refreshed in this step), {@value #GALORE_SKIPPED_REFRESHES} (refreshes skipped so far: NaN gradient or
 *       failed SVD), {@value #GALORE_STEPS_SINCE_REFRESH} (steps since the last refresh of any basis; 0 in a step
 *       that refreshed) and {@value #GALORE_REFRESH_MS} (milliseconds the last refreshing step spent computing
 *       bases; absent before the first refresh);
 *   <li>adam8bit, adamw8bit: {@value #Q8_FP32_STATE_FRACTION} (the share of parameter elements whose moments are
 *       kept in float32 rather than 8-bit codes: small tensors, {@code optim_bits: 32}, stable embeddings).
 * </ul>
 *
 * <p><b>Trivial baselines</b>: {@value #SUMMARY_FILE} holds {@value #BASELINES}, an object with one entry per
 * baseline of the task ({@code dev.tune4j.task.TrivialBaseline}), scored on the run's evaluation examples:
 * {@code majority_class} (classification: always the training set's majority class; {@code eval_accuracy},
 * {@code eval_macro_f1}), {@code class_prior} (classification: the training set's add-one class frequencies as the
 * prediction; {@code eval_loss}), {@code unigram} and {@code bigram} (plain-text causal LM: add-one unigram and
 * interpolated bigram counted on the training tokens; {@code eval_loss} in nats per token and {@code eval_perplexity}),
 * {@code first_sentence} (extractive QA: the context's first sentence as the answer; {@code eval_exact_match},
 * {@code eval_f1}). Each entry has {@value #BASELINE_DESCRIPTION} (what it predicts, in words) and its metrics under
 * the evaluation lines' keys, so a baseline sits on the same axis as the model's metric. Empty for prompt→answer
 * data (TriviaQA as causal LM); absent in the record of a run whose JVM died before writing its summary.
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
    /** Gradient norm, clipping and optimizer step, milliseconds. */
    public static final String OPTIMIZER_MS = "optimizer_ms";
    /** The global gradient norm, milliseconds: the part of {@value #OPTIMIZER_MS} before {@code optimizer.step}. */
    public static final String GRAD_NORM_MS = "grad_norm_ms";
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
    /** JVM heap committed after the step ({@code MemoryMXBean}): the heap's part of the memory breakdown. */
    public static final String HEAP_COMMITTED_BYTES = "heap_committed_bytes";
    /**
     * Exact bytes of every model parameter (frozen ones too), in {@value #SUMMARY_FILE}: numel times element size,
     * each tensor once.
     */
    public static final String WEIGHTS_BYTES = "weights_bytes";
    /** Exact bytes of the trainable parameters, in {@value #SUMMARY_FILE}. */
    public static final String TRAINABLE_WEIGHTS_BYTES = "trainable_weights_bytes";
    /** Exact bytes of the trainable parameters' gradients as libtorch holds them after a step, in the summary. */
    public static final String GRADIENT_BYTES = "gradient_bytes";
    /**
     * Where the peak resident memory went, an object in {@value #SUMMARY_FILE} (null when it cannot be made); its
     * keys and definitions are those of {@code dev.tune4j.report.MemoryBreakdown}.
     */
    public static final String MEMORY = "memory";
    /**
     * GPU only: device memory NVML attributes to this run's process after the step: its CUDA context plus every block
     * libtorch's caching allocator holds, in use or cached for reuse ({@code dev.tune4j.run.GpuMemory}).
     */
    public static final String GPU_PROCESS_BYTES = "gpu_process_bytes";
    /**
     * GPU only: the largest {@value #GPU_PROCESS_BYTES} of the run so far, on train lines and in {@value #SUMMARY_FILE}
     * (read after each step; the caching allocator keeps what it reserved, so a step's peak is rarely given back
     * before the reading).
     */
    public static final String GPU_PROCESS_PEAK_BYTES = "gpu_process_peak_bytes";
    /** GPU only: memory in use on the whole device after the step, every process counted (NVML). */
    public static final String GPU_DEVICE_USED_BYTES = "gpu_device_used_bytes";
    /** GPU only: the device's memory size, in {@value #SUMMARY_FILE}. */
    public static final String GPU_DEVICE_TOTAL_BYTES = "gpu_device_total_bytes";
    /** GPU only, in {@value #SUMMARY_FILE}: why some GPU memory key is missing (e.g. NVML could not be loaded). */
    public static final String GPU_MEMORY_UNAVAILABLE = "gpu_memory_unavailable";
    /** CPU seconds the run's process has used so far (all threads), on training lines. */
    public static final String CPU_S = "cpu_s";
    /**
     * CPU milliseconds that other processes took during this step ({@code OtherProcessesCpu}: the machine's busy time
     * minus this process's, to about 10 ms per core), on training lines where the machine says; more than a quarter
     * of a core on average over the timed steps marks the run's timing as disturbed.
     */
    public static final String OTHER_CPU_MS = "other_cpu_ms";
    /**
     * The machine's 1-minute load average ({@code /proc/loadavg}) after the evaluation, on evaluation lines; also in
     * {@value #SUMMARY_FILE} at the run's end.
     */
    public static final String LOAD_1M = "load_1m";
    /**
     * The machine's cores ({@code Runtime.availableProcessors()}) in {@value #SUMMARY_FILE}, beside the
     * {@value #LOAD_1M} at the run's end: a mean load more than half a core above the cores marks the run's timing as
     * disturbed.
     */
    public static final String CORES = "cores";
    /** The trivial baselines of the run's task, by name, in {@value #SUMMARY_FILE}. */
    public static final String BASELINES = "baselines";
    /** What a baseline predicts, in words, inside each entry of {@value #BASELINES}. */
    public static final String BASELINE_DESCRIPTION = "description";
    /** Prefix of the optimizer's telemetry keys on training lines. */
    public static final String OPTIMIZER_PREFIX = "opt/";
    /** SOAA: the trust-region scale dt the next step uses. */
    public static final String SOAA_DT = OPTIMIZER_PREFIX + "dt";
    /** SOAA: the predicted loss reduction pr. */
    public static final String SOAA_PR = OPTIMIZER_PREFIX + "pr";
    /** SOAA: the ratio R of the step. */
    public static final String SOAA_R = OPTIMIZER_PREFIX + "R";
    /** SOAA: the lower bound dt was clamped to in the step. */
    public static final String SOAA_DT_LO = OPTIMIZER_PREFIX + "dt_lo";
    /** SOAA: the upper bound dt was clamped to in the step. */
    public static final String SOAA_DT_HI = OPTIMIZER_PREFIX + "dt_hi";
    /** SOAA: the bias-corrected loss average. */
    public static final String SOAA_LOSS_AVERAGE = OPTIMIZER_PREFIX + "loss_average";
    /** SOAA: the share of elements on the dt·F branch of the denominator. */
    public static final String SOAA_FISHER_FRACTION = OPTIMIZER_PREFIX + "fisher_fraction";
    /** GaLore: bases refreshed in the step. */
    public static final String GALORE_REFRESHES = OPTIMIZER_PREFIX + "galore_refreshes";
    /** GaLore: refreshes skipped so far. */
    public static final String GALORE_SKIPPED_REFRESHES = OPTIMIZER_PREFIX + "galore_skipped_refreshes";
    /** GaLore: steps since the last refresh of any basis. */
    public static final String GALORE_STEPS_SINCE_REFRESH = OPTIMIZER_PREFIX + "galore_steps_since_refresh";
    /** GaLore: milliseconds the last refreshing step spent computing bases. */
    public static final String GALORE_REFRESH_MS = OPTIMIZER_PREFIX + "galore_refresh_ms";
    /** 8-bit Adam: the share of parameter elements whose moments are kept in float32. */
    public static final String Q8_FP32_STATE_FRACTION = OPTIMIZER_PREFIX + "fp32_state_fraction";
    /** Evaluation loss: the key every task's evaluation reports. */
    public static final String EVAL_LOSS = TrainingTask.EVAL_LOSS;
    /** Prefix of evaluation metrics. */
    public static final String EVAL_PREFIX = "eval_";

    private MetricKeys() {}
}
