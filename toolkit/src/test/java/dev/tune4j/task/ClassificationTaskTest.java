package dev.tune4j.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import dev.tune4j.importer.MiniLmImporter;
import dev.tune4j.lora.LoraConfig;
import dev.tune4j.model.bert.BertForSequenceClassification;
import dev.tune4j.optim.Optimizer;
import dev.tune4j.optim.OptimizerSettings;
import dev.tune4j.optim.Optimizers;
import dev.tune4j.tokenizer.BertTokenizerFiles;
import dev.tune4j.train.TrainingStep;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A classification model trained with the library alone: the real MiniLM, a csv of labelled texts, LoRA. */
class ClassificationTaskTest {
    private static PretrainedModel minilm;

    @TempDir
    Path work;

    @BeforeAll
    static void importMiniLm() throws Exception {
        minilm = new PretrainedModel(MiniLmImporter.MODEL_NAME, MiniLmImporter.CONFIG,
                MiniLmImporter.ensureImported(line -> {}), BertTokenizerFiles.minilm(), false, false);
    }

    private DataSettings csv(ExampleSource source) throws Exception {
        StringBuilder rows = new StringBuilder("text,label\n");
        for (int i = 0; i < 12; i++) {
            rows.append(i % 2 == 0 ? "a sunny day at the beach " + i + ",good\n"
                    : "the train was late " + i + ",bad\n");
        }
        Path file = Files.writeString(work.resolve("texts.csv"), rows);
        return new DataSettings(source, file.toString(), null, null, "text", "label", null, 4, 0.1, 7, null, null, 32);
    }

    @Test
    void trainsAndEvaluatesWithoutRecipes() throws Exception {
        StringWriter log = new StringWriter();
        TrainingTask task = TrainingTask.prepare(Task.CLASSIFICATION, minilm, csv(ExampleSource.CSV),
                BertForSequenceClassification.Pooling.MEAN, new PrintWriter(log));
        assertEquals(8, task.trainSize());
        assertTrue(log.toString().startsWith("tune4j: data csv (12 texts): 8 train / 4 eval"), log.toString());
        // stratified: 4 + 4 train, 2 + 2 eval; the tie goes to class 0, right on 2 of 4 eval texts;
        // F1 = 2*2/(2+4) for class 0 and 0 for class 1, mean 1/3
        TrivialBaseline majority = task.baselines().getFirst();
        assertEquals(TrivialBaseline.MAJORITY_CLASS, majority.name());
        assertEquals(0.5, majority.metrics().get("eval_accuracy"), 1e-15);
        assertEquals(1.0 / 3, majority.metrics().get("eval_macro_f1"), 1e-15);
        // class frequencies (4+1)/(8+2) = 1/2 each: every eval text costs ln 2
        TrivialBaseline prior = task.baselines().get(1);
        assertEquals(TrivialBaseline.CLASS_PRIOR, prior.name());
        assertEquals(Math.log(2), prior.metrics().get(TrainingTask.EVAL_LOSS), 1e-15);
        LoraConfig lora = new LoraConfig(4, 8, 0, List.of("query", "value"), List.of("classifier"), false, null, null);
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(3);
            Block model = task.newModel(manager, lora);
            try (Optimizer adamw = Optimizers.create("adamw", OptimizerSettings.of(Map.of("lr", 1e-3), 2))) {
                TrainingStep step = new TrainingStep(manager, model, adamw, Double.POSITIVE_INFINITY);
                for (int s = 0; s < 2; s++) {
                    TrainingTask.MicroBatch batch = task.microBatch(model, new int[] {2 * s, 2 * s + 1});
                    assertTrue(batch.tokens() > 0);
                    assertTrue(Double.isFinite(step.run(batch.loss()).loss()));
                }
            }
            Map<String, Double> metrics = task.evaluate(model, manager);
            assertEquals(List.of(TrainingTask.EVAL_LOSS, "eval_accuracy", "eval_macro_f1"),
                    List.copyOf(metrics.keySet()));
            assertTrue(metrics.values().stream().allMatch(Double::isFinite), metrics.toString());
        }
    }

    @Test
    void refusesAModelOrSourceOfAnotherTaskWithTheRunnersMessages() throws Exception {
        IllegalArgumentException llama = assertThrows(IllegalArgumentException.class,
                () -> CausalLmTask.prepare(minilm, csv(ExampleSource.TEXT)));
        assertEquals("causal_lm needs a Llama model, but all-MiniLM-L6-v2 is bert", llama.getMessage());
        IllegalArgumentException source = assertThrows(IllegalArgumentException.class,
                () -> ClassificationTask.prepare(minilm, csv(ExampleSource.SQUAD),
                        BertForSequenceClassification.Pooling.MEAN));
        assertEquals("data.source 'squad' is not a classification source (spam-assassin, csv, tsv, jsonl, imdb)",
                source.getMessage());
    }
}
