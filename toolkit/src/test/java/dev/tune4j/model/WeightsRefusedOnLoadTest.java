package dev.tune4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import dev.tune4j.checkpoint.Checkpoint;
import dev.tune4j.checkpoint.SafeTensorsWriter;
import dev.tune4j.model.bert.BertConfig;
import dev.tune4j.model.bert.BertForSequenceClassification.Pooling;
import dev.tune4j.model.bert.BertForSequenceClassification;
import dev.tune4j.nn.ParameterNames;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints that used to load and then silently corrupt a run: integer or boolean tensors cast into float weights,
 * and NaN or infinite weights that made the run "diverge" at step 1 and blamed the optimizer.
 */
class WeightsRefusedOnLoadTest {
    // a tiny BERT written by this test (seeded random init), not a released checkpoint
    private static final BertConfig BERT = BertConfig.tiny(13, 8, 1, 2, 12);
    private static final String QUERY = "bert.encoder.layer.0.attention.self.query.weight";
    private static final String DENSE = "bert.encoder.layer.0.output.dense.weight";

    @TempDir
    Path directory;

    /** Saves a seeded tiny BERT, with {@code change} applied to each (name, array) before writing. */
    private void saveCheckpoint(NDManager manager, BiFunction<String, NDArray, NDArray> change) throws IOException {
        Engine.getInstance().setRandomSeed(7);
        var original = freshModel(manager);
        List<SafeTensorsWriter.Entry> entries = new ArrayList<>();
        for (var entry : ParameterNames.of(original).entrySet()) {
            entries.add(SafeTensorsWriter.Entry.of(entry.getKey(),
                    change.apply(entry.getKey(), entry.getValue().getArray())));
        }
        BERT.write(directory);
        SafeTensorsWriter.write(directory.resolve(Checkpoint.SINGLE_FILE), entries, Map.of("format", "pt"));
    }

    private static BertForSequenceClassification freshModel(NDManager manager) {
        return new BertForSequenceClassification(BERT, 2, Pooling.MEAN).initialize(manager, DataType.FLOAT32);
    }

    @Test
    void integerAndBooleanTensorsForFloatWeightsAreRefusedByName() throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            saveCheckpoint(manager, (name, array) -> name.equals(QUERY) ? array.mul(100).toType(DataType.INT8, false)
                    : name.equals(DENSE) ? array.gt(0) : array);
            var model = freshModel(manager);
            try (Checkpoint checkpoint = Checkpoint.open(directory)) {
                IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                        () -> ModelWeights.load(model, checkpoint));
                String message = refused.getMessage();
                assertTrue(message.contains("integer or boolean tensors for floating-point parameters (2)"), message);
                assertTrue(message.contains(QUERY + " (checkpoint " + QUERY + " is I8, the model's float32)"),
                        message);
                assertTrue(message.contains(DENSE + " (checkpoint " + DENSE + " is BOOL, the model's float32)"),
                        message);
                assertTrue(message.contains("set model.allow_integer_weights: true"), message);
            }
        }
    }

    @Test
    void integerTensorsLoadWhenExplicitlyAllowed() throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            saveCheckpoint(manager, (name, array) -> name.equals(QUERY)
                    ? array.mul(100).toType(DataType.INT8, false) : array);
            var model = freshModel(manager);
            try (Checkpoint checkpoint = Checkpoint.open(directory)) {
                ModelWeights.load(model, checkpoint, name -> false, true);
                NDArray expected = checkpoint.load(QUERY, manager).toType(DataType.FLOAT32, false);
                assertEquals(expected, ParameterNames.of(model).get(QUERY).getArray());
            }
        }
    }

    @Test
    void nanAndInfiniteWeightsAreNamedWithFileAndCountsBeforeAnyTraining() throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            saveCheckpoint(manager, (name, array) -> {
                if (name.equals(QUERY)) {
                    NDArray copy = array.duplicate();
                    copy.set(new NDIndex("0, 0:3"), Float.NaN);
                    return copy;
                }
                if (name.equals(DENSE)) {
                    NDArray copy = array.duplicate();
                    copy.set(new NDIndex("1, 2"), Float.NEGATIVE_INFINITY);
                    return copy;
                }
                return array;
            });
            var model = freshModel(manager);
            try (Checkpoint checkpoint = Checkpoint.open(directory)) {
                IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                        () -> ModelWeights.load(model, checkpoint));
                String message = refused.getMessage();
                Path file = directory.resolve(Checkpoint.SINGLE_FILE);
                assertTrue(message.contains("holds NaN or infinite weights in 2 tensors"), message);
                assertTrue(message.contains(QUERY + " in " + file + ": 3 NaN and 0 infinite of 64 values"), message);
                assertTrue(message.contains(DENSE + " in " + file + ": 0 NaN and 1 infinite of 96 values"), message);
                assertTrue(message.contains("no training was started"), message);
            }
        }
    }
}
