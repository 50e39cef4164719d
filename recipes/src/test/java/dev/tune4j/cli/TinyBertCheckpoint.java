package dev.tune4j.cli;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tune4j.checkpoint.Checkpoint;
import dev.tune4j.checkpoint.SafeTensorsWriter;
import dev.tune4j.model.bert.BertConfig;
import dev.tune4j.model.bert.BertForSequenceClassification;
import dev.tune4j.nn.ParameterNames;
import dev.tune4j.tokenizer.BertTokenizerFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Project-made inputs for the bad-input tests: a tiny BERT checkpoint directory (seeded random weights, not a released
 * model) with the MiniLM tokenizer.json, a 32-row CSV of made-up labelled texts, and a recipe training on them.
 */
final class TinyBertCheckpoint {
    /** The MiniLM tokenizer's vocabulary, so the tiny model takes its ids. */
    static final int VOCAB = 30522;
    static final BertConfig CONFIG = new BertConfig(VOCAB, 8, 1, 2, 16, 64, 2, 1e-12, 0, 0, 0);
    static final String QUERY = "encoder.layer.0.attention.self.query.weight";

    private TinyBertCheckpoint() {}

    /**
     * Writes {@code config.json}, {@code model.safetensors} (BERT names without the {@code bert.} prefix, as
     * MiniLM's) and {@code tokenizer.json} into {@code directory}.
     *
     * @param change applied to the list of tensors before writing (add, replace or corrupt one)
     */
    static Path write(Path directory, UnaryOperator<List<SafeTensorsWriter.Entry>> change) throws IOException {
        Files.createDirectories(directory);
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(11);
            var model = new BertForSequenceClassification(CONFIG, 2, BertForSequenceClassification.Pooling.MEAN)
                    .initialize(manager, DataType.FLOAT32);
            List<SafeTensorsWriter.Entry> entries = new ArrayList<>();
            for (var entry : ParameterNames.of(model).entrySet()) {
                if (entry.getKey().startsWith("bert.")) {
                    entries.add(SafeTensorsWriter.Entry.of(entry.getKey().substring("bert.".length()),
                            entry.getValue().getArray()));
                }
            }
            SafeTensorsWriter.write(directory.resolve(Checkpoint.SINGLE_FILE), change.apply(entries),
                    Map.of("format", "pt"));
        }
        CONFIG.write(directory);
        Files.copy(BertTokenizerFiles.minilm(), directory.resolve("tokenizer.json"));
        return directory;
    }

    /** {@code entries} with the tensor {@code name} replaced by {@code replacement} of the old array. */
    static List<SafeTensorsWriter.Entry> replace(List<SafeTensorsWriter.Entry> entries, String name,
            UnaryOperator<NDArray> replacement) {
        List<SafeTensorsWriter.Entry> changed = new ArrayList<>();
        for (SafeTensorsWriter.Entry entry : entries) {
            changed.add(entry.name().equals(name)
                    ? SafeTensorsWriter.Entry.of(name, replacement.apply(entry.array())) : entry);
        }
        return changed;
    }

    /** 32 labelled rows (made up for these tests), half of each class. */
    static Path csv(Path file) throws IOException {
        StringBuilder csv = new StringBuilder("text,label\n");
        for (int i = 0; i < 32; i++) {
            csv.append(i % 2 == 0 ? "win a free prize now number " + i + ",spam\n"
                    : "lunch meeting moved to room " + i + ",ham\n");
        }
        return Files.writeString(file, csv);
    }

    /** A one-variant, one-seed, one-step recipe on {@code checkpoint} and {@code csv}: 24 train, 8 eval examples. */
    static Path recipe(Path file, Path checkpoint, Path csv) throws IOException {
        return Files.writeString(file, """
                # test fixture written by TinyBertCheckpoint
                name: bad-inputs
                model: {source: %s}
                task: classification
                data: {source: csv, path: %s, eval_examples: 8}
                seeds: [1]
                steps: 1
                batch_size: 4
                max_sequence_length: 32
                variants:
                  - {name: adamw, optimizer: adamw, options: {lr: 1.0e-3}}
                """.formatted(checkpoint, csv));
    }
}
