package dev.tune4j.optim.q8;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import dev.tune4j.model.CausalLmLoss;
import dev.tune4j.model.llama.LlamaConfig;
import dev.tune4j.model.llama.LlamaForCausalLM;
import dev.tune4j.optim.Optimizer;
import dev.tune4j.optim.OptimizerSettings;
import dev.tune4j.optim.Optimizers;
import dev.tune4j.optim.TrainableParameter;
import dev.tune4j.train.TrainingStep;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Training quality: a tiny Llama trained with adamw8bit against the same run with float32 moments, and the 8-bit
 * moments against a float32 shadow of each step.
 */
class Adam8bitQualityTest {
    // tiny Llama written by the project (not a released model): every matrix but the norms has >= 4096 elements
    private static final LlamaConfig TINY = LlamaConfig.tiny(256, 64, 2, 4, 4, 172);
    private static final int BATCH = 128;
    private static final int LENGTH = 4;
    private static final float[] SIGNED = DynamicQuantizationMap.signed().values();
    private static final float[] UNSIGNED = DynamicQuantizationMap.unsigned().values();

    /**
     * A fixed token batch (project-written fixture) with a loss floor, so that the comparison is not made in the
     * memorization regime where the loss tends to zero and relative gaps lose meaning. Each row is
     * {@code (a, f(a), r, (f(a) + r) mod 253 + 3)}: {@code a} is one of 8 ids, {@code r} a pseudo-random id that no
     * prefix determines (the floor: about a third of ln 16), and the last id needs attention back to position 1.
     */
    private static long[] tokens() {
        long[] ids = new long[BATCH * LENGTH];
        long state = 12345;
        for (int row = 0; row < BATCH; row++) {
            state = (state * 1103515245 + 12345) & 0x7fffffff;
            long a = 3 + row % 8;
            long fa = 11 + 29 * a % 240;
            long r = 3 + (state >> 16) % 253;
            ids[row * LENGTH] = a;
            ids[row * LENGTH + 1] = fa;
            ids[row * LENGTH + 2] = r;
            ids[row * LENGTH + 3] = (fa + r) % 253 + 3;
        }
        return ids;
    }

    private static NDArray loss(LlamaForCausalLM model, NDManager step, long[] ids) {
        NDArray input = step.create(ids, new Shape(BATCH, LENGTH));
        NDArray mask = step.ones(new Shape(BATCH, LENGTH), DataType.INT64);
        NDArray logits = model.forward(new ParameterStore(step, false), new NDList(input, mask), true)
                .singletonOrThrow();
        return CausalLmLoss.compute(logits, CausalLmLoss.labelsFromIds(input, mask), mask);
    }

    /**
     * libtorch's multi-threaded CPU kernels are not bit-reproducible from run to run (measured: the float32 loss at
     * step 100 varied by 0.4 % between identical runs, and one 8-bit run hit a loss spike the others did not), which
     * the chaotic training dynamics amplify; with one thread every run is identical, so the 2 % check is
     * deterministic.
     */
    private static int threadsBefore;

    @BeforeAll
    static void oneLibtorchThread() {
        Engine.getInstance(); // loads the native library
        threadsBefore = JniUtils.getNumThreads();
        JniUtils.setNumThreads(1);
    }

    @AfterAll
    static void restoreLibtorchThreads() {
        JniUtils.setNumThreads(threadsBefore);
    }

    /** Losses of {@code steps} steps of adamw8bit (min_8bit_size as given) from the same seeded init. */
        private static double[] train(int steps, long min8bitSize, ShadowCheck shadow) {
        Engine.getInstance().setRandomSeed(42);
        long[] ids = tokens();
        var settings = OptimizerSettings.of(Map.of("min_8bit_size", min8bitSize), steps);
        try (NDManager manager = NDManager.newBaseManager();
                Optimizer adam = Optimizers.create(Adam8bitFactory.ADAMW_ID, settings)) {
            var model = new LlamaForCausalLM(TINY).initialize(manager, DataType.FLOAT32);
            Optimizer optimizer = shadow == null ? adam : shadow.wrap(adam);
            var step = new TrainingStep(manager, model, optimizer, 1.0);
            double[] losses = new double[steps + 1];
            for (int i = 1; i <= steps; i++) {
                losses[i] = step.run(s -> loss(model, s, ids)).loss();
            }
            return losses;
        }
    }

    private static void compare(int steps) {
        var shadow = new ShadowCheck(5);
        double[] eightBit = train(steps, 4096, shadow);
        double[] reference = train(steps, Long.MAX_VALUE / 4, null);
        assertEquals(eightBit[1], reference[1], 0.0, "the first loss comes before any update");
        double maxGap = 0;
        StringBuilder trace = new StringBuilder();
        for (int i = 25; i <= steps; i += 25) {
            double gap = Math.abs(eightBit[i] - reference[i]) / reference[i];
            maxGap = Math.max(maxGap, gap);
            trace.append(String.format(" %d: %.4f/%.4f", i, eightBit[i], reference[i]));
        }
        System.out.printf("adamw8bit vs fp32 over %d steps: max relative loss gap %.5f; shadow checks %d tensors"
                + " (max error / allowed %.3f), non-finite gradient elements %d;%s%n", steps, maxGap,
                shadow.checkedTensors, shadow.worstRatio, shadow.nonFiniteGradients, trace);
        assertTrue(reference[steps] < reference[1] * 0.7, "the reference did not learn: " + trace);
        assertTrue(maxGap <= 0.02, "8-bit loss left the 2% band: max gap " + maxGap + trace);
        assertTrue(shadow.checkedTensors > 0, "no quantized tensor was checked");
    }

    @Test
    void hundredStepsStayWithinTwoPercentOfFloat32() {
        compare(100);
    }

    @Test
    @Tag("slow")
    void fiveHundredStepsStayWithinTwoPercentOfFloat32() {
        compare(500);
    }

    /**
     * Wraps the optimizer: every {@code every}-th step, for each quantized tensor, computes the float32 moments from
     * the dequantized moments before the step and the gradient (the update the kernel does in registers), and checks
     * that the stored 8-bit moments after the step are within half the gap between the map values around each
     * normalized value, times the block's absmax (a full gap where the sign guard moves a tiny negative first moment
     * off zero; the distance to −0.99296874 for normalized values below it, as the signed map has no −1).
     */
    private static final class ShadowCheck {
        private final int every;
        private int checkedTensors;
        private double worstRatio;
        private long nonFiniteGradients;

        ShadowCheck(int every) {
            this.every = every;
        }

        Optimizer wrap(Optimizer adam) {
            return new Optimizer() {
                @Override
                public String id() {
                    return adam.id();
                }

                @Override
                public void step(List<TrainableParameter> parameters, OptionalDouble loss) {
                    boolean check = (adam.stepCount() + 1) % every == 0;
                    List<float[][]> before = new ArrayList<>();
                    List<float[]> gradients = new ArrayList<>();
                    if (check) {
                        for (TrainableParameter parameter : parameters) {
                            if (Adam8bit.quantizes(adam, parameter)) {
                                before.add(Adam8bit.dequantizedMoments(adam, parameter));
                                gradients.add(parameter.gradient().toFloatArray());
                            }
                        }
                    }
                    adam.step(parameters, loss);
                    if (check) {
                        int k = 0;
                        for (TrainableParameter parameter : parameters) {
                            if (Adam8bit.quantizes(adam, parameter)) {
                                verify(parameter.name(), before.get(k), gradients.get(k),
                                        Adam8bit.dequantizedMoments(adam, parameter));
                                k++;
                            }
                        }
                    }
                }

                @Override
                public long stepCount() {
                    return adam.stepCount();
                }

                @Override
                public void setLearningRateScale(double scale) {
                    adam.setLearningRateScale(scale);
                }

                @Override
                public double learningRate() {
                    return adam.learningRate();
                }

                @Override
                public long stateBytes() {
                    return adam.stateBytes();
                }

                @Override
                public Map<String, Double> telemetry() {
                    return adam.telemetry();
                }

                @Override
                public void saveState(Path directory) {
                    throw new UnsupportedOperationException();
                }

                @Override
                public void loadState(Path directory) {
                    throw new UnsupportedOperationException();
                }

                @Override
                public void close() {}
            };
        }

        private void verify(String name, float[][] before, float[] g, float[][] after) {
            int size = g.length;
            float[] m = new float[size];
            float[] v = new float[size];
            for (int i = 0; i < size; i++) {
                float m0 = before[0].length == 0 ? 0 : before[0][i];
                float v0 = before[1].length == 0 ? 0 : before[1][i];
                if (!Float.isFinite(g[i])) {
                    nonFiniteGradients++; // as in bitsandbytes: a NaN/Inf gradient element zeroes its moments
                                          // and leaves its weight (BlockwiseAdamKernel's javadoc)
                    continue;
                }
                m[i] = m0 * 0.9f + g[i] * (float) (1 - 0.9);
                v[i] = v0 * 0.999f + g[i] * g[i] * (float) (1 - 0.999);
            }
            check(name + " m", m, after[0], SIGNED);
            check(name + " v", v, after[1], UNSIGNED);
            checkedTensors++;
        }

        private void check(String what, float[] exact, float[] stored, float[] map) {
            for (int start = 0; start < exact.length; start += 256) {
                int end = Math.min(exact.length, start + 256);
                float absmax = 0;
                for (int i = start; i < end; i++) {
                    absmax = Math.max(absmax, Math.abs(exact[i]));
                }
                for (int i = start; i < end; i++) {
                    double allowed = 0;
                    if (absmax > 0) {
                        double x = exact[i] / absmax;
                        int upper = 0;
                        while (upper < map.length - 1 && map[upper] < x) {
                            upper++;
                        }
                        // below the lowest value (the signed map ends at -0.99296874, not -1) the nearest is map[0]
                        double gap = upper == 0 ? 2 * (map[0] - x) : map[upper] - map[upper - 1];
                        boolean signGuard = x < 0 && map[upper] == 0;
                        allowed = (signGuard ? gap : gap / 2) * absmax + 1e-6 * Math.abs(exact[i]) + 1e-30;
                    }
                    double error = Math.abs(stored[i] - exact[i]);
                    worstRatio = Math.max(worstRatio, allowed == 0 ? 0 : error / allowed);
                    assertTrue(error <= allowed, what + "[" + i + "]: stored " + stored[i] + ", float32 " + exact[i]
                            + ", absmax " + absmax + ", allowed " + allowed);
                }
            }
        }
    }
}
