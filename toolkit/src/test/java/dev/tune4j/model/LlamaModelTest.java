package dev.tune4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.tune4j.model.llama.LlamaConfig;
import dev.tune4j.model.llama.LlamaForCausalLM;
import dev.tune4j.nn.ParameterNames;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LlamaModelTest {
    // tiny Llama-2 architecture written by the project: V=11, E=8, H=2, KV=1 (GQA), d=4, I=12, 2 layers
    private static final LlamaConfig TINY = LlamaConfig.tiny(11, 8, 2, 2, 1, 12);

    private static NDArray logits(LlamaForCausalLM model, NDArray ids, NDArray mask) {
        NDList inputs = mask == null ? new NDList(ids) : new NDList(ids, mask);
        return model.forward(new ParameterStore(ids.getManager(), false), inputs, false).singletonOrThrow();
    }

    @Test
    void parameterNamesAndShapesAreHuggingFaces() {
        try (NDManager manager = NDManager.newBaseManager()) {
            var model = new LlamaForCausalLM(TINY).initialize(manager, DataType.FLOAT32);
            List<String> expected = new ArrayList<>(List.of("model.embed_tokens.weight"));
            for (int i = 0; i < 2; i++) {
                String p = "model.layers." + i + ".";
                expected.addAll(List.of(p + "self_attn.q_proj.weight", p + "self_attn.k_proj.weight",
                        p + "self_attn.v_proj.weight", p + "self_attn.o_proj.weight", p + "mlp.gate_proj.weight",
                        p + "mlp.up_proj.weight", p + "mlp.down_proj.weight", p + "input_layernorm.weight",
                        p + "post_attention_layernorm.weight"));
            }
            expected.addAll(List.of("model.norm.weight", "lm_head.weight"));
            var names = ParameterNames.of(model);
            assertEquals(expected, List.copyOf(names.keySet()));
            assertEquals(new Shape(4, 8), names.get("model.layers.0.self_attn.k_proj.weight").getArray().getShape());
            assertEquals(new Shape(12, 8), names.get("model.layers.1.mlp.gate_proj.weight").getArray().getShape());
            assertEquals(new Shape(8, 12), names.get("model.layers.1.mlp.down_proj.weight").getArray().getShape());
            assertEquals(new Shape(11, 8), names.get("lm_head.weight").getArray().getShape());
        }
    }

    @Test
    void tiedEmbeddingsHaveNoLmHead() {
        var tied = new LlamaConfig(11, 8, 12, 1, 2, 2, 64, 1e-5, 10000, true, 1, 2);
        try (NDManager manager = NDManager.newBaseManager()) {
            var model = new LlamaForCausalLM(tied).initialize(manager, DataType.FLOAT32);
            assertTrue(ParameterNames.of(model).keySet().stream().noneMatch(n -> n.startsWith("lm_head")));
            NDArray ids = manager.create(new long[] {1, 5, 7}, new Shape(1, 3));
            assertEquals(new Shape(1, 3, 11), logits(model, ids, null).getShape());
        }
    }

    @Test
    void causalEarlierPositionsIgnoreLaterTokens() {
        Engine.getInstance().setRandomSeed(7);
        try (NDManager manager = NDManager.newBaseManager()) {
            var model = new LlamaForCausalLM(TINY).initialize(manager, DataType.FLOAT32);
            NDArray a = logits(model, manager.create(new long[] {1, 4, 9, 3, 2}, new Shape(1, 5)), null);
            NDArray b = logits(model, manager.create(new long[] {1, 4, 9, 8, 6}, new Shape(1, 5)), null);
            assertArrayEquals(a.get(":, :3").toFloatArray(), b.get(":, :3").toFloatArray(), 1e-6f);
            assertTrue(a.get(":, 4").sub(b.get(":, 4")).abs().max().getFloat() > 1e-4, "last position must differ");
        }
    }

    @Test
    void rightPaddingDoesNotChangeRealPositions() {
        Engine.getInstance().setRandomSeed(11);
        try (NDManager manager = NDManager.newBaseManager()) {
            var model = new LlamaForCausalLM(TINY).initialize(manager, DataType.FLOAT32);
            NDArray alone = logits(model, manager.create(new long[] {1, 4, 9}, new Shape(1, 3)), null);
            NDArray padded = logits(model, manager.create(new long[] {1, 4, 9, 0, 0}, new Shape(1, 5)),
                    manager.create(new long[] {1, 1, 1, 0, 0}, new Shape(1, 5)));
            assertArrayEquals(alone.toFloatArray(), padded.get(":, :3").toFloatArray(), 1e-5f);
        }
    }

    @Test
    void groupedQueryAttentionEqualsFullAttentionWithRepeatedHeads() {
        // KV=1 serving 2 query heads must equal KV=2 whose second k/v head copies the first
        var full = LlamaConfig.tiny(11, 8, 1, 2, 2, 12);
        var grouped = LlamaConfig.tiny(11, 8, 1, 2, 1, 12);
        Engine.getInstance().setRandomSeed(3);
        try (NDManager manager = NDManager.newBaseManager()) {
            var g = new LlamaForCausalLM(grouped).initialize(manager, DataType.FLOAT32);
            var f = new LlamaForCausalLM(full).initialize(manager, DataType.FLOAT32);
            var gp = ParameterNames.of(g);
            var fp = ParameterNames.of(f);
            for (var entry : gp.entrySet()) {
                NDArray source = entry.getValue().getArray();
                NDArray target = fp.get(entry.getKey()).getArray();
                NDArray value = entry.getKey().matches(".*\\.(k|v)_proj\\.weight") ? ai.djl.ndarray.NDArrays.concat(new NDList(source, source), 0) : source;
                target.set(new NDIndex("..."), value);
            }
            NDArray ids = manager.create(new long[] {1, 3, 5, 7, 9, 2}, new Shape(2, 3));
            assertArrayEquals(logits(g, ids, null).toFloatArray(), logits(f, ids, null).toFloatArray(), 1e-6f);
        }
    }

    @Test
    void outOfVocabularyIdsAndOverlongSequencesAreRejected() {
        try (NDManager manager = NDManager.newBaseManager()) {
            var model = new LlamaForCausalLM(TINY).initialize(manager, DataType.FLOAT32);
            var e = assertThrows(IllegalArgumentException.class,
                    () -> logits(model, manager.create(new long[] {1, 11}, new Shape(1, 2)), null));
            assertTrue(e.getMessage().contains("token id 11 is outside the model's vocabulary [0, 11)"), e.getMessage());
            var small = new LlamaConfig(11, 8, 12, 1, 2, 2, 4, 1e-5, 10000, false, 1, 2);
            var short4 = new LlamaForCausalLM(small).initialize(manager, DataType.FLOAT32);
            var e2 = assertThrows(IllegalArgumentException.class,
                    () -> logits(short4, manager.zeros(new Shape(1, 5), DataType.INT64), null));
            assertTrue(e2.getMessage().contains("sequence length 5 exceeds the model's max_position_embeddings 4"),
                    e2.getMessage());
        }
    }

    @Test
    void float64GradientsMatchFiniteDifferences() {
        Engine.getInstance().setRandomSeed(5);
        try (NDManager manager = NDManager.newBaseManager()) {
            var model = new LlamaForCausalLM(TINY).initialize(manager, DataType.FLOAT64);
            // weights 6x HF's 0.02 init: every path carries a sizeable gradient, yet softmax does not saturate
            for (var parameter : ParameterNames.of(model).values()) {
                NDArray w = parameter.getArray();
                if (!parameter.getName().contains("norm")) {
                    w.set(new NDIndex("..."), w.mul(6));
                }
            }
            long[] ids = {1, 4, 9, 3, 2, 1, 7, 5, 0, 0};
            long[] mask = {1, 1, 1, 1, 1, 1, 1, 1, 0, 0};
            var samples = GradientCheck.run(model, step -> {
                NDArray idArray = step.create(ids, new Shape(2, 5));
                NDArray maskArray = step.create(mask, new Shape(2, 5));
                NDArray out = model.forward(new ParameterStore(step, false), new NDList(idArray, maskArray), true)
                        .singletonOrThrow();
                return CausalLmLoss.compute(out, CausalLmLoss.labelsFromIds(idArray, maskArray), maskArray);
            }, 3, 1e-4);
            double worst = samples.stream().mapToDouble(GradientCheck.Sample::relativeError).max().orElseThrow();
            var worstSample = samples.stream().max(java.util.Comparator.comparingDouble(
                    GradientCheck.Sample::relativeError)).orElseThrow();
            System.out.printf("tiny Llama float64 gradient check: %d elements, max relative error %.2e%n",
                    samples.size(), worst);
            assertTrue(worst < 1e-6, "max relative error " + worst + " at " + worstSample);
            assertTrue(samples.stream().allMatch(s -> Math.abs(s.autograd()) > 1e-8),
                    "every parameter must receive a gradient: " + samples);
        }
    }
}
