package dev.tune4j.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.tune4j.testing.MomentumSgd;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** The option kinds and the per-parameter state reset that wrapping optimizers (GaLore) use. */
class OptionWordsAndResetTest {
    private static final OptionSchema WRAPPER = OptionSchema.builder("wrapper")
            .text("inner", "adamw")
            .texts("targets", List.of("**.weight"))
            .include(MomentumSgd.SCHEMA)
            .build();

    @Test
    void wordsListsAndIncludedOptionsParse() {
        Options defaults = WRAPPER.parse(Map.of(), "test");
        assertEquals("adamw", defaults.text("inner"));
        assertEquals(List.of("**.weight"), defaults.texts("targets"));
        assertEquals(0.9, defaults.number("momentum"));
        assertTrue(defaults.has("lr") && !defaults.has("betas"));
        Options given = WRAPPER.parse(Map.of("inner", " soaa ", "targets", "a.*, b.**", "lr", 0.5), "test");
        assertEquals("soaa", given.text("inner"));
        assertEquals(List.of("a.*", "b.**"), given.texts("targets"));
        assertEquals(0.5, given.number("lr"));
        var e = assertThrows(IllegalArgumentException.class,
                () -> WRAPPER.parse(Map.of("inner", 3, "targets", List.of("x", 4), "betas", 1), "group 'g'"));
        assertTrue(e.getMessage().contains("option 'inner' must be a non-empty word, got 3")
                && e.getMessage().contains("option 'targets' must hold non-empty words, got 4")
                && e.getMessage().contains("unknown option 'betas'"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> OptionSchema.builder("clash").number("lr", 1, x -> true, "").include(MomentumSgd.SCHEMA));
    }

    @Test
    void resetStateForgetsOneParameter() {
        try (NDManager manager = NDManager.newBaseManager();
                var sgd = MomentumSgd.of(OptimizerSettings.of(Map.of("lr", 1.0, "momentum", 0.5), 3))) {
            NDArray a = manager.create(new float[] {0f});
            NDArray b = manager.create(new float[] {0f, 0f});
            sgd.step(List.of(new TrainableParameter("a", a, manager.create(new float[] {1f})),
                    new TrainableParameter("b", b, manager.create(new float[] {1f, 1f}))), OptionalDouble.empty());
            assertEquals(3 * Float.BYTES, sgd.stateBytes());
            sgd.resetState("a");
            sgd.resetState("unknown");
            assertEquals(2 * Float.BYTES, sgd.stateBytes());
            // a's buffer restarts at 0: buffer = 0.5·0 + 1 = 1, a = −1 − 1 = −2 (without the reset: −1 − 1.5)
            sgd.step(List.of(new TrainableParameter("a", a, manager.create(new float[] {1f}))), OptionalDouble.empty());
            assertEquals(-2f, a.getFloat(), 0f);
        }
    }
}
