package dev.tune4j.task;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.tune4j.data.qa.DocStrideWindows;
import dev.tune4j.data.qa.QaExample;
import dev.tune4j.data.qa.QaWindow;
import dev.tune4j.data.qa.SquadMetrics;
import dev.tune4j.data.qa.SquadReader;
import dev.tune4j.model.ClassificationLoss;
import dev.tune4j.model.bert.BertConfig;
import dev.tune4j.model.bert.BertForQuestionAnswering;
import dev.tune4j.tokenizer.Tokenizers;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Extractive question answering (SQuAD format) with a BERT encoder and a start/end head. Contexts longer than
 * {@code maxSequenceLength} are cut into overlapping windows (stride half the context room); a window without the
 * answer is trained to point at {@code [CLS]}. Evaluation picks, per question, the best span over its windows
 * (start &lt;= end, at most {@value #MAX_ANSWER_TOKENS} tokens) and reports SQuAD exact match and F1 (in [0, 1]).
 */
public final class QuestionAnsweringTask extends TrainingTask {
    private static final int MAX_QUESTION_TOKENS = 64;
    private static final int MAX_ANSWER_TOKENS = 30;
    private static final int EVAL_BATCH = 16;

    private final BertConfig config;
    private final List<QaWindow> train;
    private final List<QaExample> evalExamples;
    private final List<List<QaWindow>> evalWindows;

    private QuestionAnsweringTask(PretrainedModel model, BertConfig config, List<QaWindow> train,
            List<QaExample> evalExamples, List<List<QaWindow>> evalWindows, String description) {
        super(model, description, List.of(TrivialBaseline.firstSentence(evalExamples)));
        this.config = config;
        this.train = train;
        this.evalExamples = evalExamples;
        this.evalWindows = evalWindows;
    }

    /** Reads the SQuAD file(s) of {@code data} and cuts every question's context into windows. */
    public static QuestionAnsweringTask prepare(PretrainedModel model, DataSettings data) throws IOException {
        BertConfig config = config(model, Task.QUESTION_ANSWERING, BertConfig.class, "BERT");
        if (data.source() != ExampleSource.SQUAD) {
            throw notASource(data.source(), Task.QUESTION_ANSWERING);
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
        int length = data.maxSequenceLength();
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
        return new QuestionAnsweringTask(model, config, train, heldOut, evalWindows, description);
    }

    private static List<QaExample> head(List<QaExample> examples, Integer count) {
        return count == null || count >= examples.size() ? examples : examples.subList(0, count);
    }

    @Override
    public Task task() {
        return Task.QUESTION_ANSWERING;
    }

    @Override
    public int trainSize() {
        return train.size();
    }

    @Override
    Block newBlock() {
        return new BertForQuestionAnswering(config);
    }

    @Override
    Block initialize(Block block, NDManager manager) {
        return ((BertForQuestionAnswering) block).initialize(manager, DataType.FLOAT32);
    }

    @Override
    boolean isNewParameter(String parameter) {
        return parameter.startsWith("qa_outputs.") || parameter.startsWith("bert.pooler.");
    }

    @Override
    public MicroBatch microBatch(Block model, int[] examples) {
        List<QaWindow> windows = new ArrayList<>(examples.length);
        for (int example : examples) {
            windows.add(train.get(example));
        }
        Padded batch = Padded.of(windows);
        return new MicroBatch(batch.realTokens, manager -> loss(manager, logits(model, manager, batch, true), windows));
    }

    /** Mean of the start and end cross-entropies. */
    private static NDArray loss(NDManager manager, NDList logits, List<QaWindow> windows) {
        long[] starts = windows.stream().mapToLong(QaWindow::startPosition).toArray();
        long[] ends = windows.stream().mapToLong(QaWindow::endPosition).toArray();
        return half(ClassificationLoss.compute(logits.get(0), manager.create(starts))
                .add(ClassificationLoss.compute(logits.get(1), manager.create(ends))));
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
                    NDList logits = logits(model, scope, batch, false);
                    lossSum += value(loss(scope, logits, part)) * part.size();
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
        metrics.put(EVAL_LOSS, lossSum / windowCount);
        metrics.put("eval_exact_match", exact / evalExamples.size());
        metrics.put("eval_f1", f1 / evalExamples.size());
        return metrics;
    }

    private static NDList logits(Block model, NDManager manager, Padded batch, boolean training) {
        Shape shape = new Shape(batch.size, batch.length);
        return forward(model, manager, new NDList(manager.create(batch.ids, shape), manager.create(batch.mask, shape),
                manager.create(batch.tokenTypes, shape)), training);
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
                Arrays.fill(mask, w * length, w * length + window.ids().length, 1);
                real += window.ids().length;
            }
            return new Padded(windows.size(), length, ids, mask, types, real);
        }
    }
}
