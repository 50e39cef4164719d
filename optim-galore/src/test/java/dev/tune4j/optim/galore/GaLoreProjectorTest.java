package dev.tune4j.optim.galore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tune4j.optim.Optimizer;
import dev.tune4j.optim.OptimizerSettings;
import dev.tune4j.optim.RuleOptimizer;
import dev.tune4j.optim.RuleState;
import dev.tune4j.optim.TrainableParameter;
import dev.tune4j.testing.MomentumSgd;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GaLoreProjectorTest {

    private static ProjectionSettings settings(int rank, long gap, double scale, ProjectionType type,
            SubspaceMethod method) {
        return new ProjectionSettings(rank, gap, scale, type, method, 2, 8);
    }

    /** A throwaway optimizer whose state store holds the bases of the projectors of a test. */
    private static Optimizer store() {
        return MomentumSgd.of(OptimizerSettings.of(Map.of(), 1));
    }

    /** The state of {@code projector}'s parameter in {@code store}, declaring its bases. */
    private static RuleState bases(Optimizer store, NDManager manager, GaLoreProjector projector) {
        NDArray weight = manager.zeros(projector.fullShape());
        return ((RuleOptimizer<?>) store).state(new TrainableParameter(projector.parameterName(), weight, weight))
                .view("", projector.bases());
    }

    @Test
    void sidesFollowTheReferenceTable() {
        // as the reference GaLore implementation: std projects the smaller side (right for square), reverse_std the larger one
        assertEquals(ProjectionSide.RIGHT, ProjectionType.STD.sideFor(8, 4));
        assertEquals(ProjectionSide.RIGHT, ProjectionType.STD.sideFor(4, 4));
        assertEquals(ProjectionSide.LEFT, ProjectionType.STD.sideFor(4, 8));
        assertEquals(ProjectionSide.LEFT, ProjectionType.REVERSE_STD.sideFor(8, 4));
        assertEquals(ProjectionSide.LEFT, ProjectionType.REVERSE_STD.sideFor(4, 4));
        assertEquals(ProjectionSide.RIGHT, ProjectionType.REVERSE_STD.sideFor(4, 8));
        for (long[] shape : new long[][] {{8, 4}, {4, 8}}) {
            assertEquals(ProjectionSide.LEFT, ProjectionType.LEFT.sideFor(shape[0], shape[1]));
            assertEquals(ProjectionSide.RIGHT, ProjectionType.RIGHT.sideFor(shape[0], shape[1]));
            assertEquals(ProjectionSide.BOTH, ProjectionType.FULL.sideFor(shape[0], shape[1]));
        }
    }

    @Test
    void everyTypeReconstructsTheBestRankRApproximationTimesScale() {
        // G has known singular vectors; back(project(G)) must be α·U_r·S_r·V_rᵀ for every side
        for (int[] shape : new int[][] {{9, 6}, {6, 9}}) {
            KnownSvd known = new KnownSvd(shape[0], shape[1], 4, 3);
            double[][] g = known.matrix(5, 3, 1, 0.5);
            double[][] best = known.matrix(5, 3);
            for (ProjectionType type : ProjectionType.values()) {
                for (SubspaceMethod method : SubspaceMethod.values()) {
                    try (NDManager manager = NDManager.newBaseManager(); Optimizer store = store()) {
                        var projector = new GaLoreProjector("w", new Shape(shape[0], shape[1]),
                                settings(2, 10, 0.5, type, method));
                        RuleState state = bases(store, manager, projector);
                        NDArray gradient = KnownSvd.toArray(manager, g);
                        assertEquals(GaLoreProjector.Refresh.REFRESHED, projector.refreshIfDue(state, gradient, 1, 1));
                        NDArray low = projector.project(state, gradient, manager);
                        Shape expectedShape = switch (type.sideFor(shape[0], shape[1])) {
                            case LEFT -> new Shape(2, shape[1]);
                            case RIGHT -> new Shape(shape[0], 2);
                            case BOTH -> new Shape(2, 2);
                        };
                        assertEquals(expectedShape, low.getShape(), type + " " + method);
                        double[][] back = KnownSvd.toMatrix(projector.projectBack(state, low, manager));
                        double[][] half = new double[shape[0]][shape[1]];
                        for (int i = 0; i < shape[0]; i++) {
                            for (int j = 0; j < shape[1]; j++) {
                                half[i][j] = 0.5 * best[i][j];
                            }
                        }
                        assertTrue(KnownSvd.distance(back, half) < 1e-5, type + " " + method + " "
                                + KnownSvd.distance(back, half));
                        long stored = projector.side().usesLeft() ? shape[0] * 2L : 0;
                        stored += projector.side().usesRight() ? shape[1] * 2L : 0;
                        assertEquals(stored * Float.BYTES, projector.stateBytes(state));
                    }
                }
            }
        }
    }

    @Test
    void refreshesAtStepOneAndEveryGapSteps() {
        KnownSvd known = new KnownSvd(7, 5, 3, 1);
        try (NDManager manager = NDManager.newBaseManager(); Optimizer store = store()) {
            var projector = new GaLoreProjector("w", new Shape(7, 5),
                    settings(2, 3, 1, ProjectionType.STD, SubspaceMethod.EXACT));
            RuleState state = bases(store, manager, projector);
            NDArray gradient = KnownSvd.toArray(manager, known.matrix(3, 2, 1));
            StringBuilder refreshed = new StringBuilder();
            for (long t = 1; t <= 8; t++) {
                if (projector.refreshIfDue(state, gradient, t, 0) == GaLoreProjector.Refresh.REFRESHED) {
                    refreshed.append(t).append(' ');
                }
            }
            assertEquals("1 4 7 ", refreshed.toString()); // (t − 1) mod 3 == 0
        }
    }

    @Test
    void nonFiniteGradientKeepsTheOldBasis() {
        KnownSvd known = new KnownSvd(6, 4, 2, 2);
        try (NDManager manager = NDManager.newBaseManager(); Optimizer store = store()) {
            var projector = new GaLoreProjector("w", new Shape(6, 4),
                    settings(2, 1, 1, ProjectionType.STD, SubspaceMethod.EXACT));
            RuleState state = bases(store, manager, projector);
            double[][] bad = known.matrix(2, 1);
            bad[3][1] = Double.NaN;
            assertEquals(GaLoreProjector.Refresh.SKIPPED_NOT_FINITE,
                    projector.refreshIfDue(state, KnownSvd.toArray(manager, bad), 1, 0));
            assertFalse(projector.hasBasis(state));
            assertEquals(GaLoreProjector.Refresh.REFRESHED,
                    projector.refreshIfDue(state, KnownSvd.toArray(manager, known.matrix(2, 1)), 2, 0));
            float[] basis = FloatTensors.read(projector.tensors(state).get(GaLoreProjector.RIGHT));
            bad[0][0] = Double.POSITIVE_INFINITY;
            assertEquals(GaLoreProjector.Refresh.SKIPPED_NOT_FINITE,
                    projector.refreshIfDue(state, KnownSvd.toArray(manager, bad), 3, 0));
            assertTrue(projector.hasBasis(state));
            assertArrayEquals(basis, FloatTensors.read(projector.tensors(state).get(GaLoreProjector.RIGHT)), 0f);
        }
    }

    @Test
    void fullRankIsTheIdentityWithoutSvd() {
        try (NDManager manager = NDManager.newBaseManager(); Optimizer store = store()) {
            NDArray gradient = KnownSvd.toArray(manager, new KnownSvd(6, 4, 3, 5).matrix(1, 2, 3));
            for (var type : new ProjectionType[] {ProjectionType.STD, ProjectionType.RIGHT}) {
                var projector = new GaLoreProjector("w", new Shape(6, 4), settings(4, 1, 1, type,
                        SubspaceMethod.EXACT));
                RuleState state = bases(store, manager, projector);
                assertTrue(projector.isIdentity() && projector.hasBasis(state));
                assertEquals(GaLoreProjector.Refresh.NOT_DUE, projector.refreshIfDue(state, gradient, 1, 0));
                NDArray low = projector.project(state, gradient, manager);
                assertNotSame(gradient, low);
                assertArrayEquals(FloatTensors.read(gradient), FloatTensors.read(low), 0f);
                assertEquals(0, projector.stateBytes(state));
                assertTrue(projector.bases().isEmpty());
            }
            // rank 4 on the left of a 6×4 matrix is not the whole space: a real basis
            assertFalse(new GaLoreProjector("w", new Shape(6, 4),
                    settings(4, 1, 1, ProjectionType.LEFT, SubspaceMethod.EXACT)).isIdentity());
            assertTrue(new GaLoreProjector("w", new Shape(4, 4),
                    settings(4, 1, 1, ProjectionType.FULL, SubspaceMethod.EXACT)).isIdentity());
        }
    }

    @Test
    void rankLargerThanTheMatrixIsRefusedWithItsName() {
        var e = assertThrows(IllegalArgumentException.class, () -> new GaLoreProjector("model.q_proj.weight",
                new Shape(16, 8), settings(9, 1, 1, ProjectionType.STD, SubspaceMethod.EXACT)));
        assertTrue(e.getMessage().contains("'model.q_proj.weight'") && e.getMessage().contains("(16, 8)")
                && e.getMessage().contains("at most 8"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new GaLoreProjector("b", new Shape(16),
                settings(1, 1, 1, ProjectionType.STD, SubspaceMethod.EXACT)));
    }
}
