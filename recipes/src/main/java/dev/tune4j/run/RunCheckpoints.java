package dev.tune4j.run;

import ai.djl.nn.Block;
import dev.tune4j.checkpoint.Checkpoint;
import dev.tune4j.lora.LoraConfig;
import dev.tune4j.lora.PeftAdapters;
import dev.tune4j.model.ModelWeights;
import dev.tune4j.optim.Optimizer;
import dev.tune4j.runfiles.CheckpointRefusedException;
import dev.tune4j.runfiles.CheckpointStore;
import dev.tune4j.runfiles.TrainerState;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What one run puts into its checkpoints and takes back out ({@link CheckpointStore} makes them atomic and verified):
 *
 * <pre>
 * step-NNNNNN/
 *   model/ or adapter/     the weights: a Hugging Face directory (ModelWeights.save) for full fine-tuning, a PEFT
 *                          adapter directory (PeftAdapters.save) for LoRA, whose frozen base the run rebuilds
 *   optimizer/             Optimizer.saveState: optimizer.safetensors + optimizer.json
 *   trainer_state.json     step, seed, data position, metrics lines, train time, config hash, RNG scheme
 *   manifest.json          every file's size and SHA-256
 * </pre>
 */
final class RunCheckpoints {
    /** The full model's directory in a checkpoint. */
    static final String MODEL = "model";
    /** The LoRA adapter's directory in a checkpoint. */
    static final String ADAPTER = "adapter";
    /** The optimizer state's directory in a checkpoint. */
    static final String OPTIMIZER = "optimizer";

    private final CheckpointStore store;
    private final TaskData data;
    private final LoraConfig adapter;

    /**
     * @param store the run's checkpoints
     * @param data the recipe's task and model
     * @param adapter the LoRA config of a run that trains an adapter (saved alone), or null when the run trains the
     *     whole model ({@link TaskData#adapterConfig})
     */
    RunCheckpoints(CheckpointStore store, TaskData data, LoraConfig adapter) {
        this.store = store;
        this.data = data;
        this.adapter = adapter;
    }

    /** Writes the checkpoint after {@code state.step()}; returns its directory. */
    Path save(Block model, Optimizer optimizer, TrainerState state) throws IOException {
        return store.write(state.step(), directory -> {
            if (adapter != null) {
                PeftAdapters.save(model, adapter, directory.resolve(ADAPTER));
            } else {
                ModelWeights.save(model, data.model().config(), directory.resolve(MODEL));
            }
            optimizer.saveState(directory.resolve(OPTIMIZER));
            state.write(directory);
        });
    }

    /**
     * Loads the newest valid checkpoint into {@code model} and {@code optimizer} (built as for a fresh run), falling
     * back to older ones past refused checkpoints (each refusal printed on {@code log} with the file at fault).
     *
     * @param expected the values a checkpoint of this run must hold: seed, optimizer id, config hash, RNG scheme
     * @return the state of the checkpoint loaded, or empty when there is none to load
     * @throws IOException when the newest valid checkpoint belongs to another configuration
     */
    Optional<TrainerState> restore(Block model, Optimizer optimizer, TrainerState expected, PrintWriter log)
            throws IOException {
        Optional<Path> latest = store.latestValid(log);
        if (latest.isEmpty()) {
            return Optional.empty();
        }
        Path directory = latest.get();
        TrainerState state = TrainerState.read(directory);
        Path stateFile = directory.resolve(TrainerState.FILE);
        if (!state.configSha256().equals(expected.configSha256())) {
            throw new IOException("cannot resume from " + directory + ": it was written with another recipe (the"
                    + " resolved config's SHA-256 differs from " + stateFile + "); run again without --resume to start"
                    + " over, or with the recipe it was started with");
        }
        if (state.seed() != expected.seed() || !state.optimizer().equals(expected.optimizer())
                || !state.rngScheme().equals(expected.rngScheme())) {
            throw new CheckpointRefusedException(stateFile, "seed " + state.seed() + ", optimizer '"
                    + state.optimizer() + "', RNG scheme '" + state.rngScheme() + "' do not match this run's (seed "
                    + expected.seed() + ", '" + expected.optimizer() + "', '" + expected.rngScheme() + "')");
        }
        if (adapter != null) {
            PeftAdapters.load(model, directory.resolve(ADAPTER));
        } else {
            try (Checkpoint weights = Checkpoint.open(directory.resolve(MODEL))) {
                ModelWeights.LoadReport report = ModelWeights.load(model, weights);
                if (!report.missing().isEmpty() || !report.unexpected().isEmpty()) {
                    throw new CheckpointRefusedException(directory.resolve(MODEL), "does not fit the model: missing "
                            + ModelWeights.abbreviate(report.missing()) + "; unexpected "
                            + ModelWeights.abbreviate(report.unexpected()));
                }
            }
        }
        optimizer.loadState(directory.resolve(OPTIMIZER));
        if (optimizer.stepCount() != state.step()) {
            throw new CheckpointRefusedException(directory.resolve(OPTIMIZER), "holds step " + optimizer.stepCount()
                    + " but " + stateFile + " says " + state.step());
        }
        log.println("tune4j: resuming from " + directory + " (step " + state.step() + ")");
        log.flush();
        return Optional.of(state);
    }
}
