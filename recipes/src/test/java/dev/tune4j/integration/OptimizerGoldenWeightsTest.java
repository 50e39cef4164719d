package dev.tune4j.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.tune4j.model.CausalLmLoss;
import dev.tune4j.model.ClassificationLoss;
import dev.tune4j.model.bert.BertConfig;
import dev.tune4j.model.bert.BertForSequenceClassification;
import dev.tune4j.model.llama.LlamaConfig;
import dev.tune4j.model.llama.LlamaForCausalLM;
import dev.tune4j.nn.ParameterNames;
import dev.tune4j.optim.Optimizer;
import dev.tune4j.optim.OptimizerSettings;
import dev.tune4j.optim.Optimizers;
import dev.tune4j.optim.ParameterGroup;
import dev.tune4j.train.TrainingStep;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Refactoring guard: every optimizer id trains a tiny Llama and a tiny BERT classifier for {@value #STEPS} steps with
 * parameter groups (no decay for biases and norms, another lr for embeddings), weight decay, gradient clipping and a
 * changing lr scale, and the SHA-256 of all weights afterwards, the optimizer's state bytes and the last loss must
 * equal the values recorded in {@value #GOLDEN} before the optimizer SPI was restructured (issue 16). Any change to an
 * optimizer's arithmetic, its group resolution or its handling of the schedule changes a digest.
 *
 * <p>The digests are exact floating-point results, so they hold on the machine kind that recorded them: the file's
 * first line is that machine's fingerprint (CPU model, cores, vector width), and on another kind of machine the test
 * is skipped and says so. To record the file (only before a refactoring, never to make a failure go away), run this
 * test with {@code -Dtune4j.golden.write=true}; it writes the file under {@code src/test/resources}.
 *
 * <p>The models are tiny and freshly initialized (written by the project); the text is real and tokenized by the real
 * Llama-2 and MiniLM tokenizers.
 */
class OptimizerGoldenWeightsTest {
    static final String GOLDEN = "optimizer-golden-weights.txt";
    private static final Path SOURCE = Path.of("src/test/resources/dev/tune4j/integration", GOLDEN);
    private static final int STEPS = 12;
    private static final boolean WRITE = Boolean.getBoolean("tune4j.golden.write");
    private static final Map<String, String> RECORDED = new TreeMap<>();


    private static TinyModelInputs inputs;
    private static Map<String, String> golden;

    @BeforeAll
    static void prepare() throws IOException {
        inputs = TinyModelInputs.tokenize();
        golden = new TreeMap<>();
        if (!WRITE) {
            List<String> lines = Files.readAllLines(SOURCE);
            assumeTrue(lines.getFirst().equals(fingerprint()), "the golden digests were recorded on '"
                    + lines.getFirst() + "', this machine is '" + fingerprint() + "': exact float results differ"
                    + " between machine kinds, so this guard only runs where they were recorded");
            for (String line : lines.subList(1, lines.size())) {
                int split = line.indexOf(' ');
                golden.put(line.substring(0, split), line.substring(split + 1));
            }
        }
    }

    @AfterAll
    static void writeGolden() throws IOException {
        if (WRITE) {
            List<String> lines = new ArrayList<>(List.of(fingerprint()));
            RECORDED.forEach((key, value) -> lines.add(key + " " + value));
            Files.createDirectories(SOURCE.getParent());
            Files.write(SOURCE, lines);
        }
    }

    static List<String> optimizerIds() {
        return List.copyOf(Optimizers.all().keySet());
    }

    @ParameterizedTest
    @MethodSource("optimizerIds")
    void tinyLlamaWeightsAreUnchanged(String id) {
        Engine.getInstance().setRandomSeed(11);
        try (NDManager manager = NDManager.newBaseManager()) {
            Block model = new LlamaForCausalLM(LlamaConfig.tiny(32000, 16, 2, 2, 1, 32))
                    .initialize(manager, DataType.FLOAT32);
            check(id + "/llama", id, manager, model, s -> {
                NDArray ids = TinyModelInputs.matrix(s, inputs.llamaIds());
                NDArray mask = TinyModelInputs.matrix(s, inputs.llamaMask());
                NDArray logits = model.forward(new ParameterStore(s, false), new NDList(ids, mask), true)
                        .singletonOrThrow();
                return CausalLmLoss.compute(logits, CausalLmLoss.labelsFromIds(ids, mask), mask);
            });
        }
    }

    @ParameterizedTest
    @MethodSource("optimizerIds")
    void tinyBertWeightsAreUnchanged(String id) {
        Engine.getInstance().setRandomSeed(12);
        try (NDManager manager = NDManager.newBaseManager()) {
            Block model = new BertForSequenceClassification(BertConfig.tiny(30522, 16, 2, 2, 32), 2,
                    BertForSequenceClassification.Pooling.MEAN).initialize(manager, DataType.FLOAT32);
            check(id + "/bert", id, manager, model, s -> {
                NDArray ids = TinyModelInputs.matrix(s, inputs.bertIds());
                NDArray mask = TinyModelInputs.matrix(s, inputs.bertMask());
                NDArray logits = model.forward(new ParameterStore(s, false), new NDList(ids, mask), true)
                        .singletonOrThrow();
                return ClassificationLoss.compute(logits, s.create(TinyModelInputs.MAIL_LABELS));
            });
        }
    }

    private static void check(String key, String id, NDManager manager, Block model,
            Function<NDManager, NDArray> loss) {
        double lastLoss;
        long stateBytes;
        try (Optimizer optimizer = Optimizers.create(id, new OptimizerSettings(options(id), groups(), STEPS))) {
            TrainingStep step = new TrainingStep(manager, model, optimizer, 0.5);
            lastLoss = Double.NaN;
            for (int s = 0; s < STEPS; s++) {
                optimizer.setLearningRateScale(schedule(s));
                lastLoss = step.run(loss).loss();
            }
            stateBytes = optimizer.stateBytes();
        }
        String actual = digest(model) + " " + stateBytes + " " + Double.toHexString(lastLoss);
        if (WRITE) {
            synchronized (RECORDED) {
                RECORDED.put(key, actual);
            }
            return;
        }
        assertEquals(golden.get(key), actual, key + ": weights digest, state bytes, last loss");
    }

    /** Linear warm-up over 3 steps, then linear decay to 0.2 (the run's schedule, as a plain formula). */
    private static double schedule(int step) {
        return step < 3 ? (step + 1) / 3.0 : 1 - 0.8 * (step - 3) / (STEPS - 4.0);
    }

    /** Options every id accepts, plus the small-model settings of GaLore (rank 4, refresh every 5) and 8-bit. */
    static Map<String, Object> options(String id) {
        Map<String, Object> options = new HashMap<>(Map.of("lr", 1e-2, "weight_decay", 0.02));
        if (id.startsWith("galore")) {
            options.putAll(Map.of("rank", 4, "update_proj_gap", 5));
        }
        if (id.contains("8bit")) {
            options.put("min_8bit_size", 256);
        }
        return options;
    }

    /** No decay for biases and norms, another lr for the embeddings. */
    static List<ParameterGroup> groups() {
        return List.of(
                new ParameterGroup("no_decay", List.of("**.bias", "**.LayerNorm.*", "**.*layernorm.weight",
                        "model.norm.weight"), Map.of("weight_decay", 0.0)),
                new ParameterGroup("embeddings", List.of("**.embed_tokens.weight", "**.word_embeddings.weight"),
                        Map.of("lr", 5e-3)));
    }

    private static String digest(Block model) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            ParameterNames.of(model).forEach((name, parameter) -> {
                sha.update(name.getBytes(StandardCharsets.UTF_8));
                sha.update(parameter.getArray().toByteArray());
            });
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }


    /** What exact float results depend on: the CPU, the cores (libtorch's threads) and the Vector API width. */
    private static String fingerprint() {
        String cpu = "unknown cpu";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst().orElse(cpu);
        } catch (IOException e) {
            // no /proc: keep "unknown cpu"
        }
        return cpu + "; " + Runtime.getRuntime().availableProcessors() + " cores; "
                + FloatVector.SPECIES_PREFERRED.vectorBitSize() + "-bit vectors";
    }
}
