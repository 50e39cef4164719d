package dev.tune4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import dev.tune4j.checkpoint.Checkpoint;
import dev.tune4j.importer.MiniLmImporter;
import dev.tune4j.lora.Lora;
import dev.tune4j.lora.LoraConfig;
import dev.tune4j.model.ModelWeights;
import dev.tune4j.model.bert.BertConfig;
import dev.tune4j.model.bert.BertForMaskedLM;
import dev.tune4j.model.bert.BertForQuestionAnswering;
import dev.tune4j.model.bert.BertForSequenceClassification;
import dev.tune4j.model.llama.LlamaConfig;
import dev.tune4j.model.llama.LlamaForCausalLM;
import dev.tune4j.optim.ParameterGroup;
import dev.tune4j.optim.ParameterRole;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The roles the models declare, checked against Hugging Face's parameter names: projections, embeddings, norms,
 * biases and heads, on the real MiniLM import (with each BERT head and with LoRA adapters) and on a tiny Llama.
 */
class ParameterRolesTest {
    private static final Pattern NORM = Pattern.compile(".*(LayerNorm|layernorm|\\.norm)\\.(weight|bias)");
    private static final Pattern HEAD = Pattern.compile(
            "(classifier|qa_outputs|lm_head|bert\\.pooler\\.dense|cls\\.predictions\\.transform\\.dense)\\.weight");
    private static final Pattern EMBEDDING = Pattern.compile(".*(_embeddings|embed_tokens)\\.weight");
    private static final Pattern PROJECTION = Pattern.compile(
            ".*\\.(q_proj|k_proj|v_proj|o_proj|gate_proj|up_proj|down_proj|query|key|value|dense)"
                    + "(\\.lora_[AB])?\\.weight");

    private static LoraConfig lora(String... targets) {
        return new LoraConfig(4, 8, 0, List.of(targets), List.of(), false, null, null);
    }

    /** The role a parameter's HF name implies, written out independently of the models' declarations. */
    private static ParameterRole expected(String name) {
        if (NORM.matcher(name).matches()) {
            return ParameterRole.NORM;
        }
        if (name.endsWith(".bias")) {
            return ParameterRole.BIAS;
        }
        if (HEAD.matcher(name).matches()) {
            return ParameterRole.HEAD;
        }
        if (EMBEDDING.matcher(name).matches()) {
            return ParameterRole.EMBEDDING;
        }
        if (PROJECTION.matcher(name).matches()) {
            return ParameterRole.PROJECTION;
        }
        throw new AssertionError("no expected role for " + name);
    }

    /** Every parameter has exactly the role its name implies; returns how many of each role there are. */
    private static Map<ParameterRole, Integer> checkRoles(Block model) {
        SequencedMap<String, ParameterRole> roles = ParameterRoles.of(model);
        assertEquals(List.copyOf(ParameterNames.of(model).keySet()), List.copyOf(roles.keySet()),
                "one role per parameter, in model order");
        Map<ParameterRole, Integer> counts = new EnumMap<>(ParameterRole.class);
        roles.forEach((name, role) -> {
            assertEquals(expected(name), role, name);
            counts.merge(role, 1, Integer::sum);
        });
        return counts;
    }

    @Test
    void everyMiniLmParameterHasItsRoleUnderEachBertHead() throws Exception {
        Path directory = MiniLmImporter.ensureImported(line -> {});
        BertConfig config = MiniLmImporter.CONFIG;
        try (NDManager manager = NDManager.newBaseManager(); Checkpoint checkpoint = Checkpoint.open(directory)) {
            BertForSequenceClassification classifier = new BertForSequenceClassification(config, 3,
                    BertForSequenceClassification.Pooling.POOLER).initialize(manager, DataType.FLOAT32);
            ModelWeights.LoadReport report = ModelWeights.load(classifier, checkpoint, name -> name.startsWith(
                    "classifier.") || name.startsWith("bert.pooler."), false);
            assertTrue(report.loaded().size() > 100, "the real MiniLM weights loaded: " + report.loaded().size());
            Map<ParameterRole, Integer> counts = checkRoles(classifier);
            // 6 layers x (query, key, value, attention.output.dense, intermediate.dense, output.dense)
            assertEquals(36, counts.get(ParameterRole.PROJECTION));
            assertEquals(3, counts.get(ParameterRole.EMBEDDING)); // word, position, token type
            assertEquals(2 * (1 + 6 * 2), counts.get(ParameterRole.NORM)); // embeddings + 2 per layer, gain and shift
            assertEquals(2, counts.get(ParameterRole.HEAD)); // pooler.dense and classifier
            assertEquals(36 + 2, counts.get(ParameterRole.BIAS));

            checkRoles(new BertForQuestionAnswering(config).initialize(manager, DataType.FLOAT32));
            checkRoles(new BertForMaskedLM(config).initialize(manager, DataType.FLOAT32));
            Map<ParameterRole, Integer> adapted = checkRoles(Lora.build(lora("query", "value"),
                    () -> new BertForSequenceClassification(config, 2, BertForSequenceClassification.Pooling.MEAN))
                    .initialize(manager, DataType.FLOAT32));
            assertEquals(36 + 6 * 2 * 2, adapted.get(ParameterRole.PROJECTION), "lora_A and lora_B of query, value");
        }
    }

    /** The parameters a role-based group selects, and those it selected by name before models declared roles. */
    private static void sameSelection(Block model, ParameterGroup byRole, ParameterGroup byName) {
        Map<String, ParameterRole> roles = ParameterRoles.of(model);
        List<String> selectedByRole = roles.entrySet().stream()
                .filter(entry -> byRole.matches(entry.getKey(), entry.getValue())).map(Map.Entry::getKey).toList();
        List<String> selectedByName = roles.keySet().stream().filter(byName::matches).toList();
        assertFalse(selectedByRole.isEmpty());
        assertEquals(selectedByName, selectedByRole);
    }

    @Test
    void theNoDecayGroupOfRolesSelectsWhatTheRecipesNameGlobsSelected() {
        ParameterGroup noDecay = new ParameterGroup("no_decay", List.of(),
                Set.of(ParameterRole.BIAS, ParameterRole.NORM), Map.of("weight_decay", 0.0));
        try (NDManager manager = NDManager.newBaseManager()) {
            sameSelection(new BertForSequenceClassification(MiniLmImporter.CONFIG, 2,
                    BertForSequenceClassification.Pooling.POOLER).initialize(manager, DataType.FLOAT32), noDecay,
                    new ParameterGroup("no_decay", List.of("**.bias", "**.LayerNorm.*"), Map.of()));
            sameSelection(new LlamaForCausalLM(LlamaConfig.tiny(40, 16, 2, 2, 1, 24))
                    .initialize(manager, DataType.FLOAT32), noDecay,
                    new ParameterGroup("no_decay", List.of("**.*norm.weight"), Map.of()));
        }
    }

    @Test
    void everyTinyLlamaParameterHasItsRole() {
        LlamaConfig config = LlamaConfig.tiny(40, 16, 2, 2, 1, 24);
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<ParameterRole, Integer> counts = checkRoles(new LlamaForCausalLM(config)
                    .initialize(manager, DataType.FLOAT32));
            assertEquals(2 * 7, counts.get(ParameterRole.PROJECTION)); // q, k, v, o, gate, up, down per layer
            assertEquals(1, counts.get(ParameterRole.EMBEDDING));
            assertEquals(2 * 2 + 1, counts.get(ParameterRole.NORM));
            assertEquals(1, counts.get(ParameterRole.HEAD));
            assertEquals(null, counts.get(ParameterRole.BIAS)); // Llama's linear maps have no bias
            Map<ParameterRole, Integer> adapted = checkRoles(Lora.build(lora("q_proj", "v_proj"),
                    () -> new LlamaForCausalLM(config)).initialize(manager, DataType.FLOAT32));
            assertEquals(2 * 7 + 2 * 2 * 2, adapted.get(ParameterRole.PROJECTION));
        }
    }
}
