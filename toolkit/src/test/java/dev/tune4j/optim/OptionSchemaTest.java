package dev.tune4j.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OptionSchemaTest {
    private static final OptionSchema ADAM_LIKE = OptionSchema.builder("adam_like")
            .adamFamily(1e-3, 0.9, 0.999, 1e-8, 0)
            .choice("variant", "plain", "plain", "fancy")
            .integer("rank", 8L, x -> x > 0, "> 0")
            .build();

    @Test
    void defaultsAndTypedValues() {
        Options options = ADAM_LIKE.parse(Map.of("lr", "2e-3", "betas", List.of(0.8, 0.99), "rank", 4), "test");
        assertEquals(2e-3, options.number("lr"));
        assertEquals(0.8, options.pair("betas", 0));
        assertEquals(0.99, options.pair("betas", 1));
        assertEquals(1e-8, options.number("eps"));
        assertEquals(4, options.integer("rank"));
        assertEquals("plain", options.choice("variant"));
    }

    @Test
    void everyProblemIsNamedAtOnce() {
        var e = assertThrows(IllegalArgumentException.class, () -> ADAM_LIKE.parse(Map.of("lr", 0, "betas",
                List.of(0.9, 1.0), "eps", -1, "lrr", 1, "variant", "odd", "rank", 2.5), "variant 'x'"));
        String message = e.getMessage();
        assertTrue(message.startsWith("adam_like options of variant 'x': "), message);
        for (String expected : List.of("option 'lr' must be a finite number > 0, got 0.0",
                "option 'betas' must be in [0, 1), got 1.0", "option 'eps' must be a finite number >= 0, got -1.0",
                "unknown option 'lrr' (adam_like accepts betas, engine_ops, eps, lr, rank, variant, weight_decay)",
                "option 'variant' must be one of [plain, fancy], got odd", "option 'rank' must be a whole number")) {
            assertTrue(message.contains(expected), "missing <" + expected + "> in " + message);
        }
    }

    @Test
    void wrongTypesAreErrors() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> ADAM_LIKE.parse(Map.of("betas", 0.9, "lr", "fast"), "t"));
        assertTrue(e.getMessage().contains("option 'betas' must be a list of two numbers, got 0.9"), e.getMessage());
        assertTrue(e.getMessage().contains("option 'lr' must be a number, got fast"), e.getMessage());
    }

    @Test
    void groupPatternsAreGlobsOverDottedNames() {
        var noDecay = new ParameterGroup("no_decay", List.of("**.bias", "**.LayerNorm.*"), Map.of());
        assertTrue(noDecay.matches("bert.encoder.layer.0.attention.self.query.bias"));
        assertTrue(noDecay.matches("bert.embeddings.LayerNorm.weight"));
        assertTrue(!noDecay.matches("bert.encoder.layer.0.attention.self.query.weight"));
        var embeddings = new ParameterGroup("embed", List.of("model.embed_tokens.weight"), Map.of());
        assertTrue(embeddings.matches("model.embed_tokens.weight"));
        assertTrue(!embeddings.matches("model.embed_tokens.weight2"));
        var layerZero = new ParameterGroup("l0", List.of("model.layers.0.*.*.weight"), Map.of());
        assertTrue(layerZero.matches("model.layers.0.self_attn.q_proj.weight"));
        assertTrue(!layerZero.matches("model.layers.1.self_attn.q_proj.weight"));
    }
}
