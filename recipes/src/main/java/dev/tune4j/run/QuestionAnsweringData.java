package dev.tune4j.run;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.tune4j.data.qa.DocStrideWindows;
import dev.tune4j.data.qa.QaExample;
import dev.tune4j.data.qa.QaWindow;
import dev.tune4j.data.qa.SquadMetrics;
import dev.tune4j.data.qa.SquadReader;
import dev.tune4j.model.ClassificationLoss;
import dev.tune4j.model.bert.BertConfig;
import dev.tune4j.model.bert.BertForQuestionAnswering;
import dev.tune4j.model.nn.EngineScalars;
import dev.tune4j.recipe.DataSpec;
import dev.tune4j.recipe.Recipe;
import dev.tune4j.recipe.VariantSpec;
import dev.tune4j.tokenizer.Tokenizers;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Extractive question answering (SQuAD format) with a BERT encoder and a start/end head. Contexts longer than
 * {@code max_sequence_length} are cut into overlapping windows (stride half the context room); a window without the
 * answer is trained to point at {@code [CLS]}. Evaluation picks, per question, the best span over its windows
 * (start &lt;= end, at most {@value #MAX_ANSWER_TOKENS} tokens) and reports SQuAD exact match and F1 (in [0, 1]).
 */
public final class QuestionAnsweringData implements TaskData {
    private static final int MAX_QUESTION_TOKENS = 64;
    private static final int MAX_ANSWER_TOKENS = 30;
    private static final int EVAL_BATCH = 16;

    private final Recipe recipe;
    private final ModelSource model;
    private final BertConfig config;
    private final List<QaWindow> train;
    private final List<QaExample> evalExamples;
    private final List<List<QaWindow>> evalWindows;
    private final String description;

    private QuestionAnsweringData(Recipe recipe, ModelSource model, BertConfig config, List<QaWindow> train,
            List<QaExample> evalExamples, List<List<QaWindow>> evalWindows, String description) {
        this.recipe = recipe;
        this.model = model;
        this.config = config;
        this.train = train;
        this.evalExamples = evalExamples;
        this.evalWindows = evalWindows;
        this.description = description;
    }

    static QuestionAnsweringData prepare(Recipe recipe, ModelSource model, PrintWriter log) throws IOException {
        if (!(model.config() instanceof BertConfig config)) {
            throw new IllegalArgumentException("question_answering needs a BERT model, but " + model.name() + " is "
                    + model.config().modelType());
        }
        DataSpec data = recipe.data();
        if (!"squad".equals(data.source())) {
            throw new IllegalArgumentException("data.source '" + data.source()
                    + "' is not a question_answering source (squad)");
        }
        List<QaExample> all = SquadReader.read(Path.of(data.path()));
        List<QaExample> trainExamples;
        List<QaExample> heldOut;
        if (data.evalPath() != null) {
            trainExamples = all;
            heldOut = SquadReader.read(Path.of(data.evalPath()));
        } else {
            int evalCount = Math.max(1, (int) Math.round(all.size() * data.evalFraction()));
            heldOut = all.subList(0, evalCount);
            trainExamples = all.subList(evalCount, all.size());
        }
        trainExamples = head(trainExamples, data.trainExamples());
        heldOut = head(heldOut, data.evalExamples());
        int length = recipe.maxSequenceLength();
        int stride = Math.max(1, (length - MAX_QUESTION_TOKENS - 3) / 2);
        List<QaWindow> train = new ArrayList<>();
        List<List<QaWindow>> evalWindows = new ArrayList<>();
        try (HuggingFaceTokenizer tokenizer = Tokenizers.load(model.tokenizer(), 1 << 20)) {
            DocStrideWindows windows = new DocStrideWindows(tokenizer, length, stride, MAX_QUESTION_TOKENS);
            for (QaExample example : trainExamples) {
                train.addAll(windows.windows(example));
            }
            for (QaExample example : heldOut) {
                evalWindows.add(windows.windows(example));
            }
        }
        String description = "squad: " + trainExamples.size() + " train questions (" + train.size()
                + " windows of " + length + " tokens) / " + heldOut.size() + " eval questions";
        return new QuestionAnsweringData(recipe, model, config, train, heldOut, evalWindows, description);
    }

    private static List<QaExample> head(List<QaExample> examples, Integer count) {
        return count == null || count >= examples.size() ? examples : examples.subList(0, count);
    }

    @Override
    public ModelSource model() {
        return model;
    }

    @Override
    public int trainSize() {
        return train.size();
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public Block newModel(NDManager manager, VariantSpec variant) throws IOException {
        return model.build(manager, () -> new BertForQuestionAnswering(config),
                (block, owner) -> block.initialize(owner, DataType.FLOAT32),
                name -> name.startsWith("qa_outputs.") || name.startsWith("bert.pooler."),
                variant.lora() ? model.lora(recipe.lora(), "QUESTION_ANS") : null);
    }

    @Override
    public MicroBatch microBatch(Block model, int[] examples) {
        List<QaWindow> windows = new ArrayList<>(examples.length);
        for (int example : examples) {
            windows.add(train.get(example));
        }
        Padded batch = Padded.of(windows);
        return new MicroBatch(batch.realTokens, manager -> {
            NDList logits = forward(model, manager, batch, true);
            return loss(manager, logits, windows);
        });
    }

    private static NDArray loss(NDManager manager, NDList logits, List<QaWindow> windows) {
        long[] starts = windows.stream().mapToLong(QaWindow::startPosition).toArray();
        long[] ends = windows.stream().mapToLong(QaWindow::endPosition).toArray();
        NDArray sum = ClassificationLoss.compute(logits.get(0), manager.create(starts))
                .add(ClassificationLoss.compute(logits.get(1), manager.create(ends)));
        return sum.div(EngineScalars.of(sum, 2)); // div(Number) would leave backward a freed scalar (EngineScalars)
    }

    @Override
    public Map<String, Double> evaluate(Block model, NDManager manager) {
        double exact = 0;
        double f1 = 0;
        double lossSum = 0;
        int windowCount = 0;
        for (int q = 0; q < evalExamples.size(); q++) {
            QaExample example = evalExamples.get(q);
            List<QaWindow> windows = evalWindows.get(q);
            String best = "";
            double bestScore = Double.NEGATIVE_INFINITY;
            for (int start = 0; start < windows.size(); start += EVAL_BATCH) {
                List<QaWindow> part = windows.subList(start, Math.min(windows.size(), start + EVAL_BATCH));
                Padded batch = Padded.of(part);
                try (NDManager scope = manager.newSubManager()) {
                    NDList logits = forward(model, scope, batch, false);
                    lossSum += loss(scope, logits, part).toType(DataType.FLOAT64, false).getDouble() * part.size();
                    windowCount += part.size();
                    float[] startLogits = logits.get(0).toFloatArray();
                    float[] endLogits = logits.get(1).toFloatArray();
                    for (int w = 0; w < part.size(); w++) {
                        QaWindow window = part.get(w);
                        int first = window.contextOffset();
                        int last = first + window.charStarts().length - 1;
                        int row = w * batch.length;
                        for (int s = first; s <= last; s++) {
                            for (int e = s; e <= Math.min(last, s + MAX_ANSWER_TOKENS - 1); e++) {
                                double score = startLogits[row + s] + endLogits[row + e];
                                if (score > bestScore) {
                                    bestScore = score;
                                    best = window.answerText(example.context(), s, e);
                                }
                            }
                        }
                    }
                }
            }
            exact += SquadMetrics.exactMatch(best, example.answerTexts());
            f1 += SquadMetrics.f1(best, example.answerTexts());
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("eval_loss", lossSum / windowCount);
        metrics.put("eval_exact_match", exact / evalExamples.size());
        metrics.put("eval_f1", f1 / evalExamples.size());
        return metrics;
    }

    private static NDList forward(Block model, NDManager manager, Padded batch, boolean training) {
        Shape shape = new Shape(batch.size, batch.length);
        NDList inputs = new NDList(manager.create(batch.ids, shape), manager.create(batch.mask, shape),
                manager.create(batch.tokenTypes, shape));
        return model.forward(new ParameterStore(manager, false), inputs, training);
    }

    /** Windows padded to their longest, with token types (which {@link dev.tune4j.data.batch.PaddedBatch} lacks). */
    private record Padded(int size, int length, long[] ids, long[] mask, long[] tokenTypes, long realTokens) {
        static Padded of(List<QaWindow> windows) {
            int length = windows.stream().mapToInt(w -> w.ids().length).max().orElseThrow();
            long[] ids = new long[windows.size() * length];
            long[] mask = new long[ids.length];
            long[] types = new long[ids.length];
            long real = 0;
            for (int w = 0; w < windows.size(); w++) {
                QaWindow window = windows.get(w);
                System.arraycopy(window.ids(), 0, ids, w * length, window.ids().length);
                System.arraycopy(window.tokenTypeIds(), 0, types, w * length, window.ids().length);
                java.util.Arrays.fill(mask, w * length, w * length + window.ids().length, 1);
                real += window.ids().length;
            }
            return new Padded(windows.size(), length, ids, mask, types, real);
        }
    }
}
