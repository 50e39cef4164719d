package dev.tune4j.integration;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import dev.tune4j.nn.ParameterNames;
import dev.tune4j.optim.Optimizer;
import dev.tune4j.optim.OptimizerSettings;
import dev.tune4j.optim.Optimizers;
import dev.tune4j.optim.OptionSchema;
import dev.tune4j.train.TrainingStep;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The engine-op path of every optimizer id (option {@code engine_ops: true}, what parameters off the CPU always take)
 * against its Java-kernel path on the CPU, on the tiny models and real text of {@link OptimizerGoldenWeightsTest}
 * (same options, parameter groups, weight decay and gradient clipping). A run trains in legs, with the state saved
 * after each leg and loaded by a new optimizer for the next, so a leg on one path that continues from the other
 * path's saved state checks that both paths keep the same state format: 6 steps on the tiny Llama in three legs of
 * two, engine ops, Java, engine ops (both directions of loading), against a reference run on the Java path.
 *
 * <p>Whole runs are compared over a few steps only: over 100 steps a rounding-sized difference grows through the
 * training feedback until it leaves any float32 bound (measured 2026-12-06, worst weight after 100 steps, all-engine
 * run against the Java reference: adam_engine 0.072 on the tiny Llama although its two runs differ only in how the
 * clipping norm is rounded; adam 0.067, adamw 0.0028). The 100-step check is {@link EngineOpsStepParityTest}: each
 * step of a Java run repeated on the engine path from the same state and gradient (slow profile).
 *
 * <p>Every weight of each run must equal the reference's within {@link #ABSOLUTE} + {@link #RELATIVE}·|w|. Why those
 * numbers: the two paths compute the same float32 formulas, but not bit for bit (the Java Adam kernel fuses
 * multiply-adds where the engine rounds twice, the engine's Adam divides by √v + eps·√(1−β2^t) instead of
 * multiplying by 1/√(1−β2^t), SOAA's sums are reduced in another order, the clipping norm of the engine path is a
 * float32 reduction), so the weights drift apart by a few float32 roundings of each step's update, compounded through
 * the training feedback (different weights give slightly different gradients). Each step moves a weight by at most
 * about lr = 1e-2. Measured worst differences after 12 steps in the same three legs: adam 4.1e-6, adamw 1.0e-5,
 * adam_engine 1.9e-5, adamw_engine 7.2e-7, soaa 1.9e-6, galore/galore_adamw 1.2e-5, galore_soaa 1.1e-6, adam8bit
 * 2.0e-6, adamw8bit 1.5e-6, galore_adam8bit 2.9e-6 (8-bit ids with float32 moments, see below); the bounds leave a
 * margin of 10× over the largest. A real defect (a wrong constant, a lost weight decay, a state
 * not written back, a state loaded into the wrong tensor) moves weights by a sizeable fraction of lr per step and fails
 * far beyond them.
 *
 * <p>8-bit ids run here with float32 moments for every tensor ({@code min_8bit_size} beyond every size), which checks
 * their engine-op float32 path, groups, clipping and state round trip. With quantized moments a model-level
 * comparison measures the training's sensitivity rather than the paths: a moment code differs by one where a
 * rounding puts a value on the other side of a midpoint of the map, and where that is the second moment's code next
 * to zero the update m/(√v/√(1−β2^t) + eps) jumps by orders of magnitude. Measured on the tiny Llama after 12 steps
 * with quantized moments: adamw8bit weights 1.77 apart (lm_head −1.46 on the Java path, 0.31 on the crossed one,
 * where steps of at most about lr = 1e-2 keep a weight within about 0.2 of its start: both paths take such jumps).
 * The quantized step itself is checked step by step against the Java kernel ({@code BlockwiseEngineOpsTest}: one
 * step from the same state, in chunks; codes differ by at most one, in at most 1% of the elements) and against the
 * scalar twin over 50 steps ({@code Adam8bitKernelTest}), in optim-8bit.
 *
 * <p>{@code adam_engine} and {@code adamw_engine} have one path (DJL's native update, which is also the engine-op
 * path of {@code adam}/{@code adamw} with DJL's placement of eps); with {@code engine_ops} on, only their clipping norm
 * is computed the engine-op way, so their runs here check that and the state's round trip.
 *
 * <p>GaLore ids run with one basis, computed at step 1 from the same gradient on both paths ({@code update_proj_gap}
 * beyond the run). A refresh later in the run computes the top-r singular subspace of a gradient that already differs
 * by float32 roundings; where σ_r and σ_{r+1} are close, such a perturbation turns the basis by an angle of about
 * (perturbation)/(σ_r − σ_{r+1}), and the runs go apart by a sizeable fraction of lr per step (measured: 0.035 on
 * the tiny Llama with a refresh every 5 steps), as two Java runs would from any perturbation of that size. That is
 * the refresh's sensitivity, not a difference between the paths: the refresh itself is the same host code on both.
 */
class EngineOpsParityTest {
    /** Absolute part of the bound on every weight, see the class comment. */
    static final double ABSOLUTE = 2e-4;
    /** Relative part of the bound on every weight. */
    static final double RELATIVE = 1e-3;

    private static final int DEFAULT_STEPS = 6;

    @TempDir
    Path directory;

    /** Every registered id, from the registry, so a new id cannot be left out. */
    static List<String> optimizerIds() {
        return List.copyOf(Optimizers.all().keySet());
    }

    @ParameterizedTest
    @MethodSource("optimizerIds")
    void engineOpsMatchJavaKernelsAcrossSavedState(String id) {
        Map<String, float[]> reference = train(id, ParityModels.LLAMA, DEFAULT_STEPS, false);
        assertClose(id + " llama engine->java->engine", reference,
                train(id, ParityModels.LLAMA, DEFAULT_STEPS, true, false, true));
    }

    /**
     * The weights after {@code steps} steps in legs of equal length, one per entry of {@code engineOps} (whether that
     * leg takes the engine-op path), each with a new optimizer that loads the state the previous leg saved.
     */
    private Map<String, float[]> train(String id, ParityModels kind, int steps, boolean... engineOps) {
        try (NDManager manager = NDManager.newBaseManager()) {
            Block model = kind.build(manager);
            Function<NDManager, NDArray> loss = kind.loss(model);
            Path saved = null;
            for (int leg = 0; leg < engineOps.length; leg++) {
                Path save = leg == engineOps.length - 1 ? null
                        : directory.resolve(id + "-" + kind + "-" + Arrays.toString(engineOps) + "-" + leg);
                leg(id, manager, model, loss, steps, steps / engineOps.length, engineOps[leg], saved, save);
                saved = save;
            }
            return ParityModels.weights(ParameterNames.of(model));
        }
    }

    /** {@code legSteps} steps of a run of {@code steps} with a new optimizer, loading and saving its state. */
    private static void leg(String id, NDManager manager, Block model, Function<NDManager, NDArray> loss, int steps,
            int legSteps, boolean engineOps, Path load, Path save) {
        Map<String, Object> options = new HashMap<>(OptimizerGoldenWeightsTest.options(id));
        options.put(OptionSchema.ENGINE_OPS, engineOps);
        if (id.startsWith("galore")) {
            options.put("update_proj_gap", 1000); // one basis, from step 1: see the class comment
        }
        if (id.contains("8bit")) {
            options.put("min_8bit_size", 1L << 40); // float32 moments: see the class comment
        }
        try (Optimizer optimizer = Optimizers.create(id, new OptimizerSettings(options,
                OptimizerGoldenWeightsTest.groups(), steps))) {
            assertTrue(optimizer.engineOps() == engineOps, id + ": engine_ops is not what was asked");
            if (load != null) {
                optimizer.loadState(load);
            }
            TrainingStep step = new TrainingStep(manager, model, optimizer, 0.5);
            for (int s = 0; s < legSteps; s++) {
                assertFalse(Double.isNaN(step.run(loss).loss()), id + ": loss is NaN");
            }
            if (save != null) {
                Files.createDirectories(save);
                optimizer.saveState(save);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every weight of {@code actual} within the bound of {@code reference}'s; reports the worst element. */
    private static void assertClose(String what, Map<String, float[]> reference, Map<String, float[]> actual) {
        double worstExcess = Double.NEGATIVE_INFINITY;
        double worstAbsolute = 0;
        String worst = "";
        long differing = 0;
        long total = 0;
        for (var entry : reference.entrySet()) {
            float[] expected = entry.getValue();
            float[] got = actual.get(entry.getKey());
            for (int i = 0; i < expected.length; i++) {
                double difference = Math.abs((double) got[i] - expected[i]);
                double excess = difference - (ABSOLUTE + RELATIVE * Math.abs(expected[i]));
                differing += got[i] != expected[i] ? 1 : 0;
                total++;
                worstAbsolute = Math.max(worstAbsolute, difference);
                if (excess > worstExcess || Double.isNaN(difference)) {
                    worstExcess = Double.isNaN(difference) ? Double.POSITIVE_INFINITY : excess;
                    worst = entry.getKey() + "[" + i + "]: expected " + expected[i] + ", got " + got[i];
                }
            }
        }
        String report = what + ": max |difference| " + worstAbsolute + ", " + differing + " of " + total
                + " weights differ; worst against the bound " + worst;
        System.out.println("engine-ops parity " + report);
        assertTrue(worstExcess <= 0, report);
    }
}
