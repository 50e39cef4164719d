package dev.tune4j.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tune4j.model.llama.LlamaConfig;
import dev.tune4j.model.llama.LlamaForCausalLM;
import dev.tune4j.nn.ParameterNames;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PEFT's per-module {@code rank_pattern} / {@code alpha_pattern}, a regex {@code target_modules} and
 * {@code all-linear}, read from hand-written adapter_config.json fixtures (see the fixtures' README); every expected
 * rank and scale is worked out by hand below.
 */
class PeftPatternsTest {
    // tiny Llama written by the project: 2 layers, hidden 16, 2 heads (1 key-value head), MLP 24
    private static final LlamaConfig TINY = LlamaConfig.tiny(40, 16, 2, 2, 1, 24);

    private static Path fixture(String name) throws URISyntaxException {
        return Path.of(PeftPatternsTest.class.getResource(name + "/" + PeftAdapters.CONFIG).toURI()).getParent();
    }

    /** Each adapted module's [rank, scale], by full name. */
    private static Map<String, double[]> adapted(LoraConfig config) {
        try (NDManager manager = NDManager.newBaseManager()) {
            var model = Lora.build(config, () -> new LlamaForCausalLM(TINY)).initialize(manager, DataType.FLOAT32);
            var parameters = ParameterNames.of(model);
            Map<String, double[]> found = new TreeMap<>();
            Lora.adapters(model).forEach((name, layer) -> {
                Shape a = parameters.get(name + ".lora_A.weight").getArray().getShape();
                found.put(name, new double[] {a.get(0), layer.scaling()});
            });
            return found;
        }
    }

    @Test
    void rankAndAlphaPatternsGiveEachModuleItsOwnRankAndScale() throws Exception {
        LoraConfig config = PeftAdapters.readConfig(fixture("patterns"));
        Map<String, double[]> adapted = adapted(config);
        assertEquals(4, adapted.size(), adapted.keySet().toString());
        // q_proj: no rank key matches -> r 4; alpha key "q_proj" matches the suffix -> 64; 64 / 4 = 16
        assertModule(adapted, "model.layers.0.self_attn.q_proj", 4, 16);
        assertModule(adapted, "model.layers.1.self_attn.q_proj", 4, 16);
        // layer 0 v_proj: the first rank key "layers\.0\.self_attn\.v_proj" matches after "model." -> 2 (the later
        // "v_proj" is not consulted); no alpha key matches -> lora_alpha 16; 16 / 2 = 8
        assertModule(adapted, "model.layers.0.self_attn.v_proj", 2, 8);
        // layer 1 v_proj: the first rank key does not match, "v_proj" does -> 8; the alpha key naming it in full
        // matches -> 4; 4 / 8 = 0.5
        assertModule(adapted, "model.layers.1.self_attn.v_proj", 8, 0.5);
    }

    @Test
    void patternsSurviveSavingAndLoadingTheAdapter(@TempDir Path dir) throws Exception {
        LoraConfig config = PeftAdapters.readConfig(fixture("patterns"));
        try (NDManager manager = NDManager.newBaseManager()) {
            var model = Lora.build(config, () -> new LlamaForCausalLM(TINY)).initialize(manager, DataType.FLOAT32);
            PeftAdapters.save(model, config, dir);
            var again = Lora.build(PeftAdapters.readConfig(dir), () -> new LlamaForCausalLM(TINY))
                    .initialize(manager, DataType.FLOAT32);
            PeftAdapters.load(again, dir); // shapes of rank 2, 4 and 8 must all fit
        }
        assertEquals(config.rankPattern(), PeftAdapters.readConfig(dir).rankPattern());
        assertEquals(config.alphaPattern(), PeftAdapters.readConfig(dir).alphaPattern());
    }

    @Test
    void aTargetModulesStringIsARegexTheWholeNameMustMatch() throws Exception {
        Map<String, double[]> adapted = adapted(PeftAdapters.readConfig(fixture("regex-targets")));
        // only layer 1's o_proj and up_proj match in full; rsLoRA: 8 / sqrt(2)
        double scale = 8 / Math.sqrt(2);
        assertEquals(2, adapted.size(), adapted.keySet().toString());
        assertModule(adapted, "model.layers.1.self_attn.o_proj", 2, scale);
        assertModule(adapted, "model.layers.1.mlp.up_proj", 2, scale);
    }

    @Test
    void allLinearAdaptsEveryLinearLayerButTheOutputLayer() throws Exception {
        Map<String, double[]> adapted = adapted(PeftAdapters.readConfig(fixture("all-linear")));
        // 7 Linear layers per decoder layer (q, k, v, o, gate, up, down) x 2 layers; lm_head is the output layer
        assertEquals(14, adapted.size(), adapted.keySet().toString());
        for (String module : new String[] {"self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj",
                "self_attn.o_proj", "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj"}) {
            for (int layer = 0; layer < 2; layer++) {
                assertModule(adapted, "model.layers." + layer + "." + module, 2, 8.0 / 2);
            }
        }
    }

    @Test
    void keysTune4jCannotHonourAreRefusedWithTheirNames() throws Exception {
        IOException refused = assertThrows(IOException.class,
                () -> PeftAdapters.readConfig(fixture("layers-to-transform")));
        assertTrue(refused.getMessage().contains("layers_to_transform is set"), refused.getMessage());
        assertTrue(refused.getMessage().contains("bias is 'lora_only'"), refused.getMessage());
    }

    @Test
    void aPatternKeyThatReachesNoAdaptedModuleIsRefusedNotIgnored() throws Exception {
        LoraConfig config = PeftAdapters.readConfig(fixture("unused-pattern"));
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> adapted(config));
        assertTrue(refused.getMessage().contains(
                "alpha_pattern key 'base_model.model.model.layers.0.self_attn.q_proj' gives no adapted layer its"
                        + " value"), refused.getMessage());
        assertTrue(refused.getMessage().contains("model.layers.0.self_attn.q_proj"), refused.getMessage());
    }

    @Test
    void aTargetPatternThatIsNoRegexIsRefusedAtOnce() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> new LoraConfig(2, 8, 0,
                java.util.List.of(), java.util.List.of(), false, null, null, "q_proj(", Map.of(), Map.of()));
        assertTrue(refused.getMessage().startsWith("target_modules 'q_proj(' is not a regular expression"),
                refused.getMessage());
    }

    private static void assertModule(Map<String, double[]> adapted, String module, int rank, double scale) {
        double[] found = adapted.get(module);
        assertTrue(found != null, module + " is not adapted; adapted: " + adapted.keySet());
        assertEquals(rank, (int) found[0], module + " rank");
        assertEquals(scale, found[1], 0.0, module + " scale");
    }
}
