package dev.tune4j.runfiles;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tune4j.io.OutputFiles;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Where the training loop stood when a checkpoint was written, as {@value #FILE} in the checkpoint: everything besides
 * the weights and the optimizer state that a resumed run needs to continue exactly as the uninterrupted run would.
 *
 * <p>Random numbers: DJL 0.36 can seed libtorch's generator but not read or restore its state (its PyTorch JNI has
 * {@code torchManualSeed} and nothing that returns the generator state), so the runner reseeds the engine before
 * every step with {@link #stepSeed}; the generator state at a step then depends on the run's seed and the step alone,
 * and {@value #RNG_SCHEME} is recorded here so that a checkpoint from another scheme is refused.
 *
 * @param step optimizer steps finished; also the learning-rate schedule's position
 * @param seed the run's seed
 * @param microBatchesConsumed micro-batches the data order has handed out (step times gradient accumulation)
 * @param metricsLines lines of the run's metrics file at the checkpoint
 * @param trainNanos training time summed over the finished steps (the metrics' elapsed seconds go on from it)
 * @param configSha256 SHA-256 of the run's resolved config; a resume with another config is refused
 * @param optimizer the optimizer id
 * @param rngScheme how random numbers are seeded ({@value #RNG_SCHEME})
 */
public record TrainerState(long step, int seed, long microBatchesConsumed, long metricsLines, long trainNanos,
        String configSha256, String optimizer, String rngScheme) {
    /** The file's name, in the checkpoint directory. */
    public static final String FILE = "trainer_state.json";
    /** The engine is reseeded with {@link #stepSeed} before every optimizer step. */
    public static final String RNG_SCHEME = "reseed-every-step-v1";

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The engine seed for optimizer step {@code step} (0-based) of a run with {@code seed}: the two mixed by
     * SplitMix64's finalizer, so neighbouring steps and seeds get unrelated generator streams.
     */
    public static int stepSeed(int seed, long step) {
        long z = seed * 0x9E3779B97F4A7C15L + (step + 1) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        return (int) (z & 0x7FFFFFFF); // libtorch takes any 64-bit seed, DJL's setter an int; non-negative for clarity
    }

    /** Writes {@value #FILE} into {@code directory}. */
    public void write(Path directory) throws IOException {
        ObjectNode json = JSON.createObjectNode();
        json.put("step", step);
        json.put("seed", seed);
        json.put("micro_batches_consumed", microBatchesConsumed);
        json.put("metrics_lines", metricsLines);
        json.put("train_nanos", trainNanos);
        json.put("config_sha256", configSha256);
        json.put("optimizer", optimizer);
        json.put("rng_scheme", rngScheme);
        OutputFiles.writeAtomically(directory.resolve(FILE), JSON.writerWithDefaultPrettyPrinter()
                .writeValueAsString(json));
    }

    /**
     * Reads {@value #FILE} from a checkpoint directory.
     *
     * @throws CheckpointRefusedException naming the file when a field is missing or of the wrong type
     */
    public static TrainerState read(Path directory) throws IOException {
        Path file = directory.resolve(FILE);
        JsonNode json = JSON.readTree(file.toFile());
        for (String key : new String[] {"step", "seed", "micro_batches_consumed", "metrics_lines", "train_nanos"}) {
            if (!json.path(key).isIntegralNumber()) {
                throw new CheckpointRefusedException(file, "'" + key + "' is missing or not an integer");
            }
        }
        for (String key : new String[] {"config_sha256", "optimizer", "rng_scheme"}) {
            if (!json.path(key).isTextual()) {
                throw new CheckpointRefusedException(file, "'" + key + "' is missing or not text");
            }
        }
        return new TrainerState(json.get("step").asLong(), json.get("seed").asInt(),
                json.get("micro_batches_consumed").asLong(), json.get("metrics_lines").asLong(),
                json.get("train_nanos").asLong(), json.get("config_sha256").asText(), json.get("optimizer").asText(),
                json.get("rng_scheme").asText());
    }
}
