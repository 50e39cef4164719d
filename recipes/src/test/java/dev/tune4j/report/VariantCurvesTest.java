package dev.tune4j.report;

import dev.tune4j.runfiles.RunStatus;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;

class VariantCurvesTest {
    private static SeedRun run(int seed, RunStatus status, double... losses) {
        List<TrainStep> steps = new ArrayList<>();
        for (int i = 0; i < losses.length; i++) {
            steps.add(new TrainStep(i + 1, losses[i], 10, (i + 1) * seed, 1000, 8, 8));
        }
        RunMetrics metrics = new RunMetrics(steps, List.of());
        return new SeedRun(seed, status, null, null, "adamw", 1L, metrics, RunStatistics.compute(metrics, null, 0),
                false, false);
    }

    @Test
    void pointsOnlyAtStepsEveryCompletedSeedLoggedAndNoneFromDivergedSeeds() {
        VariantCurves curves = VariantCurves.of(List.of(
                run(1, RunStatus.COMPLETED, 4, 3, 2, 1, 0),
                run(2, RunStatus.COMPLETED, 6, 5, 4),
                run(3, RunStatus.DIVERGED, 100, 100)));
        // steps 1-3; at step 1 losses 4 and 6: mean 5, sample std sqrt(((-1)^2 + 1^2) / 1) = sqrt(2)
        assertEquals(List.of(1.0, 2.0, 3.0), curves.lossByStep().x());
        assertEquals(List.of(5.0, 4.0, 3.0), curves.lossByStep().mean());
        assertEquals(Math.sqrt(2), curves.lossByStep().std().getFirst(), 1e-12);
        // elapsed is step * seed: at step 2, seeds 1 and 2 are at 2 s and 4 s, mean 3 s
        assertEquals(List.of(1.5, 3.0, 4.5), curves.lossByTime().x());
        assertEquals(curves.lossByStep().mean(), curves.lossByTime().mean());
        assertEquals(List.of(), curves.evalLossByStep().x());
    }
}
