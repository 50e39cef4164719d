package dev.tune4j.optim.soaa;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tune4j.optim.OptimizerSettings;
import dev.tune4j.optim.ParameterRole;
import dev.tune4j.optim.RuleParameter;
import dev.tune4j.optim.StateSpec;
import dev.tune4j.optim.TensorMemory;
import dev.tune4j.optim.UpdateRule;
import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * SOAA (Vo &amp; Vo, arXiv 2410.02293, Algorithm 1): Adam whose denominator is the larger of a scaled diagonal Fisher
 * estimate and √ŝ, with a trust-region factor dt adapted from the ratio of observed to predicted loss reduction.
 *
 * <p>Paper: "Efficient Second-Order Neural Network Optimization via Adaptive Trust Region Methods", AgileSoDA,
 * preprint of October 2024 (its first page names James Vo), arXiv 2410.02293, §2.1.3, Algorithm 1.
 *
 * <p>One step t (g the gradient, α_g and λ_g the learning rate and weight decay of the element's parameter group):
 * <pre>
 *   m ← β1·m + (1−β1)·g          s ← β2·s + (1−β2)·g²          m̂ = m/(1−β1^t)    ŝ = s/(1−β2^t)    v̂ = ŝ
 *   R = Σ m̂² / Σ (v̂ + ε)                                       (global: every element of every parameter)
 *   D = max(dt·(1+R)·v̂, √ŝ)        u = m̂·dt/(D + ε)            θ ← (1 − α_g·λ_g)·θ − α_g·u
 *   if a loss l is given:
 *     l_avg ← β1·l_avg + (1−β1)·l    l̂ = l_avg/(1−β1^t)
 *     dt ← min(max((l̂ − l)/max(pr, ε)·dt, (1−γ)^((t−1)/T)), 1 + γ^((t−1)/T))
 *     pr ← Σ_groups α_g·(Σ m̂·u − 0.5·Σ v̂·u²)                    (u of this step, i.e. from the old dt)
 * </pre>
 * State: m and s per element (float32, 8 bytes per parameter; 12 with {@code fisher_variance: centered}); dt, pr,
 * l_avg and t are single optimizer-wide doubles (dt starts at {@code dt0}, pr and l_avg at 0). T is the run's total
 * optimizer steps ({@link OptimizerSettings#totalSteps()}, handed to {@link SoaaFactory#rule}); after T the formulas
 * keep running.
 *
 * <p><b>Where this reading differs from the printed algorithm.</b> Algorithm 1 uses v̂ in F and pr but never defines
 * it (it initialises a v that no line updates); here v̂ = ŝ, as in the two independent third-party readings (the nadir
 * C++ port and the zij catalogue). The printed ratio of sums, paper loss-average order (l_avg before dt), lr-scaled
 * weight decay and global sums are kept; Σ in R and pr are sums over elements (the paper writes no scope).
 *
 * <p><b>Where it differs from Tadam</b> (Yang, Cho &amp; Lee 2023, the predecessor whose code has the same state
 * names): Tadam uses a separate centred variance for v̂ (option {@code fisher_variance: centered}: v ← β2·v +
 * (1−β2)·c_t·(g − m̂_{t−1})², c_t = (β2−β2^t)/(1−β2^t), m̂_{t−1} from m before its update, v̂ = v/(1−β2^t)); a sum of
 * ratios Σ m̂²/(v̂+ε) for R (option {@code fisher_sum: sum_of_ratios}); per-tensor or per-group sums, dt and pr
 * (here always global, since the loss is global); weight decay θ ← θ − λ·θ not scaled by α (here α_g·λ_g); and it
 * folds the loss into l_avg after updating dt (here before, as printed). Tadam's thresholded dt rule is not offered.
 *
 * <p>Without a loss ({@link OptionalDouble#empty()}) the step still moves θ with the current dt, and dt, pr and l_avg
 * stay as they are. Weights, gradients and state must be float32. On the CPU both memory passes are Java Vector API
 * kernels over their memory in place ({@link SoaaKernels}); when any parameter is off the CPU, or with
 * {@code engine_ops: true}, the whole step takes the engine-op path ({@link SoaaEngineOps}: in-place engine ops on
 * the parameters' device, the global sums reduced there, one host transfer of scalars per step; same state). A
 * parameter whose wrapper decays the weight itself ({@link RuleParameter#decay()} false, GaLore's projected
 * parameters) gets λ_g = 0 here.
 *
 * <p>Options ({@link SoaaOptions}): {@code lr} 1e-3, {@code betas} (0.9, 0.999), {@code gamma} 0.25 in (0, 1),
 * {@code eps} 1e-8, {@code weight_decay} 0, {@code dt0} 1, {@code fisher_variance} s_hat | centered, {@code fisher_sum}
 * ratio_of_sums | sum_of_ratios; only {@code lr} and {@code weight_decay} may differ between parameter groups
 * ({@link SoaaFactory#checkGroup} refuses the others before anything is allocated).
 */
public final class SoaaRule implements UpdateRule<SoaaOptions> {
    private final double beta1;
    private final double beta2;
    private final double gamma;
    private final double eps;
    private final boolean centered;
    private final boolean sumOfRatios;
    private final long totalSteps;
    private final boolean engineOps;

    // rule-wide scalar state (one trust region for every parameter); per-parameter m, s, v are declared by state()
    private double dt; // trust-region scale dt, scalar
    private double predictedReduction; // pr, scalar
    private double lossAverage; // l_avg, scalar

    // telemetry of the last step
    private double lastRatio = Double.NaN;
    private double lastLower = Double.NaN;
    private double lastUpper = Double.NaN;
    private double lastLossEstimate = Double.NaN;
    private double lastFisherFraction = Double.NaN;

    /**
     * SOAA with the optimizer-wide {@code options} (betas, gamma, eps, dt0, fisher_variance, fisher_sum: one trust
     * region for all parameters) for a run of {@code totalSteps} optimizer steps; each parameter's lr and weight decay
     * come from its group's options.
     */
    SoaaRule(SoaaOptions options, long totalSteps, boolean engineOps) {
        this.engineOps = engineOps;
        this.beta1 = options.beta1();
        this.beta2 = options.beta2();
        this.gamma = options.gamma();
        this.eps = options.eps();
        this.centered = options.centered();
        this.sumOfRatios = options.sumOfRatios();
        this.totalSteps = totalSteps;
        this.dt = options.dt0();
    }

    /** The trust-region scale dt that the next step uses. */
    public double trustRegionScale() {
        return dt;
    }

    /** The predicted reduction pr of the last step that had a loss (0 before). */
    public double predictedReduction() {
        return predictedReduction;
    }

    /**
     * {@code m} (first moment EMA) and {@code s} (EMA of g²), and with {@code fisher_variance: centered} also {@code v}
     * (centred variance EMA): float32 of the parameter's shape.
     */
    @Override
    public List<StateSpec> state(String name, Shape shape, ParameterRole role, SoaaOptions options) {
        StateSpec m = StateSpec.float32("m", shape);
        StateSpec s = StateSpec.float32("s", shape);
        return centered ? List.of(m, s, StateSpec.float32("v", shape)) : List.of(m, s);
    }

    /** Pass 1 multiplies each gradient element by the clipping factor as it reads it (the only pass that reads g). */
    @Override
    public boolean scalesGradients() {
        return true;
    }

    @Override
    public void step(long t, List<RuleParameter<SoaaOptions>> parameters, OptionalDouble loss) {
        boolean engine = false;
        for (RuleParameter<SoaaOptions> parameter : parameters) {
            engine |= parameter.usesEngineOps(engineOps);
        }
        for (RuleParameter<SoaaOptions> parameter : parameters) {
            requireFloat32(parameter, engine);
        }
        double firstBias = 1 - Math.pow(beta1, t);
        double secondBias = 1 - Math.pow(beta2, t);
        SoaaKernels.MomentConstants momentConstants = new SoaaKernels.MomentConstants(
                (float) beta1, (float) (1 - beta1), (float) beta2, (float) (1 - beta2),
                (float) ((1 - beta2) * (beta2 - Math.pow(beta2, t)) / secondBias),
                t == 1 ? 0f : (float) (1 / (1 - Math.pow(beta1, t - 1))),
                (float) (1 / firstBias), (float) (1 / secondBias), (float) eps, centered, sumOfRatios);
        long elements = 0;
        for (RuleParameter<SoaaOptions> parameter : parameters) {
            elements += parameter.size();
        }
        if (engine) {
            for (RuleParameter<SoaaOptions> parameter : parameters) {
                parameter.scaleGradientTensor(); // the engine ops take no scale
            }
            float[] decayRates = new float[parameters.size()];
            for (int p = 0; p < decayRates.length; p++) {
                RuleParameter<SoaaOptions> parameter = parameters.get(p);
                decayRates[p] = (float) (parameter.lr() * parameter.decayed(parameter.options().weightDecay()));
            }
            SoaaEngineOps.Sums sums = SoaaEngineOps.step(parameters, SoaaEngineOps.stateOf(parameters, centered),
                    momentConstants, decayRates, dt, firstBias, secondBias);
            double predicted = 0;
            for (int p = 0; p < decayRates.length; p++) {
                predicted += parameters.get(p).lr() * (sums.gains()[p] - 0.5 * sums.curvatures()[p]);
            }
            trustRegion(t, sums.ratio(), predicted, sums.fisherWins(), elements, firstBias, loss);
            return;
        }

        // pass 1: moments and the sums of R
        SoaaKernels.MomentSums momentSums = new SoaaKernels.MomentSums();
        for (RuleParameter<SoaaOptions> parameter : parameters) {
            SoaaKernels.updateMoments(TensorMemory.of(parameter.gradient()), parameter.gradientScale(),
                    TensorMemory.of(firstMoment(parameter)), TensorMemory.of(secondMoment(parameter)),
                    variance(parameter), parameter.size(), momentConstants, momentSums);
        }
        double ratio;
        if (sumOfRatios) {
            ratio = momentSums.ratios;
        } else {
            double denominator = momentSums.variance / secondBias + elements * eps;
            ratio = elements == 0 ? 0 : momentSums.squaredMoment / (firstBias * firstBias) / denominator;
        }

        // pass 2: the update and the sums of pr
        double predicted = 0;
        long fisherWins = 0;
        for (RuleParameter<SoaaOptions> parameter : parameters) {
            double lr = parameter.lr();
            double decayRate = lr * parameter.decayed(parameter.options().weightDecay());
            SoaaKernels.UpdateConstants updateConstants = new SoaaKernels.UpdateConstants((float) (1 / firstBias),
                    (float) (1 / secondBias), (float) (dt * (1 + ratio)), (float) dt, (float) eps, (float) decayRate,
                    (float) lr, centered);
            SoaaKernels.UpdateSums updateSums = new SoaaKernels.UpdateSums();
            SoaaKernels.applyUpdate(TensorMemory.of(parameter.weight()), TensorMemory.of(firstMoment(parameter)),
                    TensorMemory.of(secondMoment(parameter)), variance(parameter), parameter.size(), updateConstants,
                    updateSums);
            predicted += lr * (updateSums.gain - 0.5 * updateSums.curvature);
            fisherWins += updateSums.fisherWins;
        }
        trustRegion(t, ratio, predicted, fisherWins, elements, firstBias, loss);
    }

    /** The trust region after both passes, in the paper's order (the same for both paths). */
    private void trustRegion(long t, double ratio, double predicted, long fisherWins, long elements, double firstBias,
            OptionalDouble loss) {
        double exponent = (t - 1) / (double) totalSteps;
        lastLower = Math.pow(1 - gamma, exponent);
        lastUpper = 1 + Math.pow(gamma, exponent);
        lastRatio = ratio;
        lastFisherFraction = elements == 0 ? 0 : fisherWins / (double) elements;
        if (loss.isPresent()) {
            double observed = loss.getAsDouble();
            lossAverage = beta1 * lossAverage + (1 - beta1) * observed;
            double lossEstimate = lossAverage / firstBias;
            dt = Math.min(Math.max((lossEstimate - observed) / Math.max(predictedReduction, eps) * dt, lastLower),
                    lastUpper);
            predictedReduction = predicted;
            lastLossEstimate = lossEstimate;
        }
    }

    // m: first moment EMA, same shape as the weight, float32
    private static NDArray firstMoment(RuleParameter<SoaaOptions> parameter) {
        return parameter.state().tensor("m");
    }

    // s: EMA of g², same shape as the weight, float32
    private static NDArray secondMoment(RuleParameter<SoaaOptions> parameter) {
        return parameter.state().tensor("s");
    }

    // v: centred variance EMA, same shape as the weight, float32; only with fisher_variance: centered
    private MemorySegment variance(RuleParameter<SoaaOptions> parameter) {
        return centered ? TensorMemory.of(parameter.state().tensor("v")) : null;
    }

    private static void requireFloat32(RuleParameter<SoaaOptions> parameter, boolean engine) {
        for (NDArray array : List.of(parameter.weight(), parameter.gradient())) {
            String what = array == parameter.weight() ? "weight" : "gradient";
            if (array.getDataType() != DataType.FLOAT32) {
                throw new IllegalArgumentException("soaa: " + what + " of parameter '" + parameter.name() + "' is "
                        + array.getDataType().toString().toLowerCase(Locale.ROOT)
                        + "; SOAA's kernels need float32 weights and gradients (train in float32)");
            }
            if (!engine && !array.getDevice().getDeviceType().equals(Device.Type.CPU)) {
                throw new IllegalArgumentException("soaa: " + what + " of parameter '" + parameter.name() + "' is on "
                        + array.getDevice() + " while its weight is on the CPU; keep weight and gradient on one"
                        + " device");
            }
        }
    }

    /** dt, pr, R, the dt bounds lo and hi, the bias-corrected loss average l̂ and the Fisher-branch fraction. */
    @Override
    public Map<String, Double> telemetry() {
        Map<String, Double> values = new LinkedHashMap<>();
        values.put("dt", dt);
        values.put("pr", predictedReduction);
        values.put("R", lastRatio);
        values.put("dt_lo", lastLower);
        values.put("dt_hi", lastUpper);
        values.put("loss_average", lastLossEstimate);
        values.put("fisher_fraction", lastFisherFraction);
        return values;
    }

    /** dt, pr and l_avg, the variant (centered, sum_of_ratios) and the last step's telemetry where known. */
    @Override
    public Map<String, Double> scalars() {
        Map<String, Double> values = new LinkedHashMap<>();
        values.put("dt", dt);
        values.put("pr", predictedReduction);
        values.put("l_avg", lossAverage);
        values.put("centered", centered ? 1.0 : 0.0);
        values.put("sum_of_ratios", sumOfRatios ? 1.0 : 0.0);
        values.put("last_R", lastRatio);
        values.put("last_dt_lo", lastLower);
        values.put("last_dt_hi", lastUpper);
        values.put("last_loss_average", lastLossEstimate);
        values.put("last_fisher_fraction", lastFisherFraction);
        values.values().removeIf(value -> Double.isNaN(value)); // telemetry not yet known; restored as NaN
        return values;
    }

    @Override
    public void restoreScalars(Map<String, Double> scalars) {
        for (String name : List.of("dt", "pr", "l_avg")) {
            if (!scalars.containsKey(name)) {
                throw new IllegalArgumentException("saved soaa state has no scalar '" + name
                        + "'; it was not written by this optimizer, start the optimizer fresh instead");
            }
        }
        boolean savedCentered = scalars.getOrDefault("centered", 0.0) != 0;
        boolean savedSumOfRatios = scalars.getOrDefault("sum_of_ratios", 0.0) != 0;
        if (savedCentered != centered || savedSumOfRatios != sumOfRatios) {
            throw new IllegalArgumentException("saved soaa state was written with fisher_variance "
                    + (savedCentered ? "centered" : "s_hat") + " and fisher_sum "
                    + (savedSumOfRatios ? "sum_of_ratios" : "ratio_of_sums") + "; resume with the same options");
        }
        dt = scalars.get("dt");
        predictedReduction = scalars.get("pr");
        lossAverage = scalars.get("l_avg");
        lastRatio = scalars.getOrDefault("last_R", Double.NaN);
        lastLower = scalars.getOrDefault("last_dt_lo", Double.NaN);
        lastUpper = scalars.getOrDefault("last_dt_hi", Double.NaN);
        lastLossEstimate = scalars.getOrDefault("last_loss_average", Double.NaN);
        lastFisherFraction = scalars.getOrDefault("last_fisher_fraction", Double.NaN);
    }
}
