package dev.tune4j.optim.soaa;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tune4j.optim.RuleParameter;
import java.util.ArrayList;
import java.util.List;

/**
 * The engine-op form of one SOAA step's two passes ({@link SoaaKernels} is the Java form): in-place engine operations
 * on each parameter's own device, with the same float32 element math in the same order. The global sums of pass 1
 * (for R) stay on the device and R reaches pass 2 as a device scalar; the per-parameter sums of pass 2 (Σ m̂·u,
 * Σ v̂·u², Fisher wins) stay there too, and the step ends with one host transfer of all its scalars.
 *
 * <p>The sums are float32 engine reductions (pairwise, on the CPU and on a GPU alike), folded in float64 on the
 * device; the Java kernels fold float lanes into double. The two agree to float32 rounding, not bit for bit.
 */
final class SoaaEngineOps {
    private SoaaEngineOps() {}

    /**
     * The host scalars of one engine step.
     *
     * @param ratio R
     * @param gains Σ m̂·u per parameter, in the order of the step's parameters
     * @param curvatures Σ v̂·u² per parameter
     * @param fisherWins elements where the Fisher branch won, over all parameters
     */
    record Sums(double ratio, double[] gains, double[] curvatures, long fisherWins) {}

    /**
     * Both passes over {@code parameters} (float32, each weight with its state on one device; all on one device).
     *
     * @param state the m, s (and v) tensors of each parameter, in the order of {@code parameters}
     * @param decayRates α_g·λ_g per parameter
     * @param dt the trust-region scale before this step
     */
    static Sums step(List<RuleParameter<SoaaOptions>> parameters, List<NDArray[]> state,
            SoaaKernels.MomentConstants k1, float[] decayRates, double dt, double firstBias, double secondBias) {
        int count = parameters.size();
        try (NDManager scope = NDManager.subManagerOf(parameters.getFirst().weight())) {
            NDList squaredSums = new NDList();
            NDList spreadSums = new NDList();
            long elements = 0;
            for (int p = 0; p < count; p++) {
                NDArray[] tensors = state.get(p);
                scope.tempAttachAll(parameters.get(p).gradient(), tensors[0], tensors[1]);
                if (k1.centered()) {
                    scope.tempAttachAll(tensors[2]);
                }
                NDArray[] sums = updateMoments(parameters.get(p).gradient(), tensors, k1);
                squaredSums.add(sums[0]);
                if (sums[1] != null) {
                    spreadSums.add(sums[1]);
                }
                elements += parameters.get(p).size();
            }
            NDArray ratio = ratio(scope, squaredSums, spreadSums, k1.sumOfRatios(), elements, k1.eps(), firstBias,
                    secondBias); // float64 scalar on the device
            NDArray fisherScale = ratio.add(1).muli(dt).toType(DataType.FLOAT32, false); // dt·(1+R)
            NDList gains = new NDList();
            NDList curvatures = new NDList();
            NDList wins = new NDList();
            for (int p = 0; p < count; p++) {
                RuleParameter<SoaaOptions> parameter = parameters.get(p);
                scope.tempAttachAll(parameter.weight());
                NDArray[] sums = applyUpdate(parameter.weight(), state.get(p), k1, fisherScale, (float) dt,
                        decayRates[p], (float) parameter.lr());
                gains.add(sums[0]);
                curvatures.add(sums[1]);
                wins.add(sums[2]);
            }
            NDList all = new NDList(ratio.reshape(1), NDArrays.stack(gains).toType(DataType.FLOAT64, false),
                    NDArrays.stack(curvatures).toType(DataType.FLOAT64, false),
                    NDArrays.stack(wins).sum().toType(DataType.FLOAT64, false).reshape(1));
            double[] host = NDArrays.concat(all).toDoubleArray(); // the one host transfer of the step
            double[] gainValues = new double[count];
            double[] curvatureValues = new double[count];
            System.arraycopy(host, 1, gainValues, 0, count);
            System.arraycopy(host, 1 + count, curvatureValues, 0, count);
            return new Sums(host[0], gainValues, curvatureValues, (long) host[1 + 2 * count]);
        }
    }

    /**
     * Pass 1 of one tensor in place (m, s and for CENTERED v); returns its float32 sums: {Σ m², Σ v̂-source} or
     * {Σ m̂²/(v̂+ε), null}.
     */
    private static NDArray[] updateMoments(NDArray g, NDArray[] tensors, SoaaKernels.MomentConstants k) {
        NDArray m = tensors[0]; // first moment EMA, weight's shape
        NDArray s = tensors[1]; // EMA of g², weight's shape
        NDArray deviation = k.centered() ? g.sub(m.mul(k.previousMomentScale())) : null; // g − m̂_{t−1}
        m.muli(k.beta1()).addi(g.mul(k.oneMinusBeta1()));
        s.muli(k.beta2()).addi(g.mul(g).muli(k.oneMinusBeta2()));
        NDArray variance = s;
        if (k.centered()) {
            variance = tensors[2]; // centred variance EMA, weight's shape
            variance.muli(k.beta2()).addi(deviation.mul(deviation).muli(k.centredWeight()));
        }
        if (k.sumOfRatios()) {
            NDArray mHat = m.mul(k.firstCorrection());
            NDArray vHat = variance.mul(k.secondCorrection());
            return new NDArray[] {mHat.mul(mHat).divi(vHat.addi(k.eps())).sum(), null};
        }
        return new NDArray[] {m.mul(m).sum(), variance.sum()};
    }

    /** R as a float64 device scalar, from the float32 sums of pass 1. */
    private static NDArray ratio(NDManager scope, NDList squaredSums, NDList spreadSums, boolean sumOfRatios,
            long elements, float eps, double firstBias, double secondBias) {
        if (elements == 0) {
            return scope.create(0.0);
        }
        NDArray squared = NDArrays.stack(squaredSums).toType(DataType.FLOAT64, false).sum();
        if (sumOfRatios) {
            return squared;
        }
        NDArray spread = NDArrays.stack(spreadSums).toType(DataType.FLOAT64, false).sum();
        NDArray denominator = spread.divi(secondBias).addi(elements * (double) eps);
        return squared.divi(firstBias * firstBias).divi(denominator);
    }

    /**
     * Pass 2 of one tensor: D = max(dt·(1+R)·v̂, √ŝ), u = m̂·dt/(D + ε), θ ← θ + (−α·λ·θ − α·u) in place; returns
     * {Σ m̂·u, Σ v̂·u², Fisher wins} as device scalars.
     */
    private static NDArray[] applyUpdate(NDArray weight, NDArray[] tensors, SoaaKernels.MomentConstants k1,
            NDArray fisherScale, float dt, float decayRate, float lr) {
        NDArray mHat = tensors[0].mul(k1.firstCorrection());
        NDArray sHat = tensors[1].mul(k1.secondCorrection());
        NDArray vHat = k1.centered() ? tensors[2].mul(k1.secondCorrection()) : sHat;
        NDArray fisher = vHat.mul(fisherScale);
        NDArray root = sHat.sqrt();
        NDArray wins = fisher.gt(root).sum();
        NDArray u = mHat.mul(dt).divi(NDArrays.maximum(fisher, root).addi(k1.eps()));
        weight.addi(weight.mul(-decayRate).addi(u.mul(-lr)));
        NDArray gain = mHat.mul(u).sum();
        NDArray curvature = vHat.mul(u).muli(u).sum();
        return new NDArray[] {gain, curvature, wins};
    }

    /** The state tensors of each parameter: m, s and, with {@code centered}, v. */
    static List<NDArray[]> stateOf(List<RuleParameter<SoaaOptions>> parameters, boolean centered) {
        List<NDArray[]> state = new ArrayList<>(parameters.size());
        for (RuleParameter<SoaaOptions> parameter : parameters) {
            NDArray m = parameter.state().tensor("m");
            NDArray s = parameter.state().tensor("s");
            state.add(centered ? new NDArray[] {m, s, parameter.state().tensor("v")} : new NDArray[] {m, s});
        }
        return state;
    }
}
