package dev.tune4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tune4j.optim.Optimizer;
import dev.tune4j.optim.TrainableParameter;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** The pairing of benchmark steps with the reference's: order, gradient refill and the ratio summary. */
class ReferencePairingTest {

    /** Records the order of calls and the gradient each reference step sees, then zeroes it as optimizers do. */
    private static final class RecordingOptimizer implements Optimizer {
        final List<String> log;
        long steps;

        RecordingOptimizer(List<String> log) {
            this.log = log;
        }

        @Override
        public String id() {
            return "recording";
        }

        @Override
        public void step(List<TrainableParameter> parameters, OptionalDouble loss) {
            float[] gradient = parameters.getFirst().gradient().toFloatArray();
            log.add("reference sees " + gradient[0] + ", " + gradient[gradient.length - 1]);
            parameters.getFirst().gradient().subi(parameters.getFirst().gradient());
            steps++;
        }

        @Override
        public long stepCount() {
            return steps;
        }

        @Override
        public void setLearningRateScale(double scale) {}

        @Override
        public double learningRate() {
            return 0;
        }

        @Override
        public long stateBytes() {
            return 0;
        }

        @Override
        public Map<String, Double> telemetry() {
            return Map.of();
        }

        @Override
        public void saveState(Path directory) {}

        @Override
        public void loadState(Path directory) {}

        @Override
        public void close() {}
    }

    @Test
    void theReferenceRunsFirstOnEvenPairsAndSecondOnOddOnesOnTheRefilledGradient() {
        List<String> log = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager()) {
            var parameter = new TrainableParameter("w", manager.zeros(new Shape(4)), manager.zeros(new Shape(4)));
            MemorySegment pattern = MemorySegment.ofArray(new float[] {7, 0, 0, 9});
            var pairing = new ReferencePairing(new RecordingOptimizer(log), parameter, pattern);
            for (int index = 0; index < 3; index++) {
                int pair = index;
                long[] nanos = pairing.pair(index, () -> {
                    log.add("measured " + pair);
                    return 5;
                });
                assertEquals(5, nanos[0], "the measured supplier's nanoseconds come first");
            }
        }
        assertEquals(List.of("reference sees 7.0, 9.0", "measured 0", "measured 1", "reference sees 7.0, 9.0",
                "reference sees 7.0, 9.0", "measured 2"), log);
    }

    @Test
    void summaryIsTheMedianTheSmallestAndTheLargestRatio() {
        assertArrayEquals(new double[] {2.5, 1, 5}, ReferencePairing.summary(new double[] {3, 1, 2, 5}));
        assertArrayEquals(new double[] {1.25, 1.25, 1.25}, ReferencePairing.summary(new double[] {1.25}));
    }
}
