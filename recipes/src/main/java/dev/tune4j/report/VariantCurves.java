package dev.tune4j.report;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import java.util.function.ToIntFunction;

/**
 * A variant's curves over its completed seeds. Each curve has a point only at the steps every completed seed
 * logged, so a mean never mixes a different set of seeds from one point to the next.
 *
 * @param lossByStep training loss against step
 * @param lossByTime training loss against the mean over seeds of {@code elapsed_s} at the same steps
 * @param evalLossByStep evaluation loss against step
 * @param evalMetricsByStep each {@code eval_<metric>} against step, in first-seen order
 */
public record VariantCurves(Curve lossByStep, Curve lossByTime, Curve evalLossByStep,
        Map<String, Curve> evalMetricsByStep) {

    /** The curves of the completed seeds among {@code runs}. */
    public static VariantCurves of(List<SeedRun> runs) {
        List<RunMetrics> completed = runs.stream().filter(SeedRun::countsTowardsAggregates)
                .map(SeedRun::metrics).toList();
        List<List<TrainStep>> train = completed.stream().map(RunMetrics::trainSteps)
                .map(steps -> commonSteps(steps, completed.stream().map(RunMetrics::trainSteps).toList(),
                        TrainStep::step))
                .toList();
        List<List<EvalPoint>> eval = completed.stream().map(RunMetrics::evalPoints)
                .map(points -> commonSteps(points, completed.stream().map(RunMetrics::evalPoints).toList(),
                        EvalPoint::step))
                .toList();
        Curve lossByStep = curve(train, step -> step.step(), TrainStep::loss);
        Curve evalLoss = curve(eval, point -> point.step(), EvalPoint::evalLoss);
        Set<String> metricNames = new LinkedHashSet<>();
        eval.forEach(points -> points.forEach(point -> metricNames.addAll(point.metrics().keySet())));
        Map<String, Curve> metrics = new LinkedHashMap<>();
        for (String name : metricNames) {
            boolean everywhere = eval.stream().allMatch(points -> points.stream()
                    .allMatch(point -> point.metrics().containsKey(name)));
            if (everywhere) {
                metrics.put(name, curve(eval, point -> point.step(), point -> point.metrics().get(name)));
            }
        }
        return new VariantCurves(lossByStep, timeAxis(train, lossByStep), evalLoss, metrics);
    }

    /** The entries of {@code entries} whose step every list in {@code all} has. */
    private static <T> List<T> commonSteps(List<T> entries, List<List<T>> all,
            ToIntFunction<T> step) {
        List<Set<Integer>> stepSets = all.stream()
                .map(list -> {
                    Set<Integer> steps = new HashSet<>();
                    list.forEach(entry -> steps.add(step.applyAsInt(entry)));
                    return steps;
                })
                .toList();
        return entries.stream()
                .filter(entry -> stepSets.stream().allMatch(steps -> steps.contains(step.applyAsInt(entry))))
                .toList();
    }

    /**
     * Mean and std of {@code y} at each aligned position of the seeds' lists (which hold the same steps in the same
     * order), with x from the first seed's entries.
     */
    private static <T> Curve curve(List<List<T>> seeds, ToDoubleFunction<T> x, ToDoubleFunction<T> y) {
        List<Double> xs = new ArrayList<>();
        List<Double> means = new ArrayList<>();
        List<Double> stds = new ArrayList<>();
        if (!seeds.isEmpty()) {
            for (int i = 0; i < seeds.getFirst().size(); i++) {
                int position = i;
                SeedSpread spread = SeedSpread.of(seeds.stream()
                        .map(list -> y.applyAsDouble(list.get(position))).toList());
                xs.add(x.applyAsDouble(seeds.getFirst().get(i)));
                means.add(spread.mean());
                stds.add(spread.std());
            }
        }
        return new Curve(xs, means, stds);
    }

    /** The loss curve re-indexed by the mean over seeds of {@code elapsed_s} at each of its steps. */
    private static Curve timeAxis(List<List<TrainStep>> seeds, Curve lossByStep) {
        List<Double> times = new ArrayList<>();
        for (int i = 0; i < lossByStep.x().size(); i++) {
            int position = i;
            times.add(seeds.stream().mapToDouble(list -> list.get(position).elapsedSeconds()).average()
                    .orElseThrow());
        }
        return new Curve(times, lossByStep.mean(), lossByStep.std());
    }
}
