package dev.tune4j.recipe;

import dev.tune4j.optim.OptimizerFactory;
import dev.tune4j.optim.OptimizerPlan;
import dev.tune4j.optim.Optimizers;
import dev.tune4j.tuning.SearchGrid;
import dev.tune4j.tuning.TuningPlan;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code tune:} part of a recipe's checks: each block's own values (at least 2 trials, positive steps, an
 * objective the task reports, one searched option with at least two distinct numbers, as many as the trials), then
 * what the blocks mean together: every variant gets the same budget (tuned or not, the same trials and steps, so
 * that no variant wins by having been searched harder), the default lr grid has an lr to centre on, and the
 * optimizer accepts every value of its grid. Values that failed to bind are skipped; nothing here throws.
 */
final class TuneChecks {
    private final Recipe recipe;
    private final KeyLocations locations;
    private final ProblemCollector problems;
    private final Map<VariantSpec, OptimizerPlan<?>> plans;
    private final Set<String> reported = new HashSet<>();

    TuneChecks(Recipe recipe, KeyLocations locations, ProblemCollector problems,
            Map<VariantSpec, OptimizerPlan<?>> plans) {
        this.recipe = recipe;
        this.locations = locations;
        this.problems = problems;
        this.plans = plans;
    }

    /** Checks every block, then the variants' budgets. */
    void check() {
        boolean blocksOk = block(recipe.tune(), "tune");
        List<VariantSpec> variants = recipe.variants();
        if (variants == null || locations.failed("variants")) {
            return;
        }
        for (int i = 0; i < variants.size(); i++) {
            VariantSpec variant = variants.get(i);
            if (variant != null) {
                blocksOk &= block(variant.tune(), KeyLocations.item("variants", i) + ".tune");
            }
        }
        if (blocksOk && variants.stream().allMatch(v -> v != null && v.options() != null)) {
            budgets(variants);
        }
    }

    /** One block's own values; false if one is broken or failed to bind. */
    private boolean block(TuneSpec tune, String path) {
        if (tune == null) {
            return !locations.failed(path);
        }
        boolean ok = true;
        if (tune.trials() != null && tune.trials() < 2) {
            ok = error(path + ".trials", "needs at least 2 (one point tunes nothing), found " + tune.trials());
        }
        if (tune.steps() != null && tune.steps() <= 0) {
            ok = error(path + ".steps", "must be > 0, found " + tune.steps());
        }
        if (tune.objective() != null && recipe.task() != null
                && !TuningPlan.objectives(recipe.task()).contains(tune.objective())) {
            ok = error(path + ".objective", "'" + tune.objective() + "' is not what a " + recipe.task().spelling()
                    + " evaluation reports; one of " + String.join(", ", TuningPlan.objectives(recipe.task())));
        }
        if (tune.space() != null) {
            ok &= space(tune, path);
        }
        for (String key : List.of("enabled", "trials", "steps", "seed", "objective", "space")) {
            ok &= !locations.failed(path + "." + key);
        }
        return ok;
    }

    private boolean space(TuneSpec tune, String path) {
        Map<String, Object> space = tune.space();
        if (space.size() != 1) {
            return error(path + ".space", "search one option, found " + space.size() + (space.isEmpty() ? ""
                    : " (" + String.join(", ", space.keySet()) + ")") + ": a grid over several options multiplies"
                    + " the budget; tune the one that matters most (usually lr)");
        }
        Map.Entry<String, Object> option = space.entrySet().iterator().next();
        String optionPath = KeyLocations.child(path + ".space", option.getKey());
        if (!(option.getValue() instanceof List<?> values) || values.size() < 2) {
            return error(optionPath, "expected a list of at least 2 numbers, e.g. [1.0e-4, 3.0e-4, 1.0e-3]");
        }
        Set<Double> seen = new HashSet<>();
        for (int i = 0; i < values.size(); i++) {
            if (!(values.get(i) instanceof Number number) || !Double.isFinite(number.doubleValue())) {
                return error(KeyLocations.item(optionPath, i), "expected a finite number, found '" + values.get(i)
                        + "'");
            }
            if (!seen.add(number.doubleValue())) {
                return error(KeyLocations.item(optionPath, i), number + " is listed twice");
            }
        }
        if (tune.trials() != null && tune.trials() != values.size()) {
            return error(path + ".trials", "is " + tune.trials() + " but " + optionPath + " lists " + values.size()
                    + " values: the trials are the points of the grid");
        }
        return true;
    }

    /** Every variant tuned or none, with the same trials and steps; grids the optimizer accepts. */
    private void budgets(List<VariantSpec> variants) {
        VariantSpec reference = null;
        for (int i = 0; i < variants.size(); i++) {
            VariantSpec variant = variants.get(i);
            String path = KeyLocations.item("variants", i);
            boolean enabled = TuningPlan.enabled(recipe, variant);
            if (reference == null) {
                reference = variant;
                if (!enabled) {
                    continue;
                }
            } else if (enabled != TuningPlan.enabled(recipe, reference)) {
                error(variant.tune() != null ? path + ".tune" : path, "tuning is " + (enabled ? "on" : "off")
                        + " here but " + (enabled ? "off" : "on") + " for variant '" + reference.name() + "': every"
                        + " variant gets the same tuning budget, so tune all of them or none");
                continue;
            }
            if (!enabled) {
                continue;
            }
            String tunePath = variant.tune() != null ? path + ".tune" : "tune";
            Integer steps = TuningPlan.steps(recipe, variant);
            if (steps == null) {
                error(tunePath, "set tune.steps: the recipe counts epochs, and trials need a number of steps");
                continue;
            }
            if (reference != variant) {
                sameBudget("trials", TuningPlan.trials(recipe, variant), TuningPlan.trials(recipe, reference),
                        variant, reference, tunePath);
                Integer referenceSteps = TuningPlan.steps(recipe, reference);
                if (referenceSteps != null) {
                    sameBudget("steps", steps, referenceSteps, variant, reference, tunePath);
                }
            }
            grid(variant, path);
        }
    }

    private void sameBudget(String key, int here, int there, VariantSpec variant, VariantSpec reference,
            String tunePath) {
        if (here != there) {
            String path = locations.has(tunePath + "." + key) ? tunePath + "." + key : tunePath;
            error(path, "every variant gets the same budget, but variant '" + variant.name() + "' would get " + here
                    + " " + key + " and '" + reference.name() + "' " + there + "; a variant searched harder would"
                    + " win by its budget, not its optimizer");
        }
    }

    /** The default grid's lr, and every grid value through the optimizer's own check. */
    private void grid(VariantSpec variant, String path) {
        Map<String, Object> space = TuningPlan.space(recipe, variant);
        String option;
        List<?> values;
        if (space == null) {
            if (!(variant.options().get("lr") instanceof Number lr)) {
                error(path + ".options", "the default search space is an lr grid around the variant's lr: set"
                        + " options.lr (a number > 0) or give tune.space");
                return;
            }
            if (!(lr.doubleValue() > 0 && Double.isFinite(lr.doubleValue()))) {
                return; // the optimizer's own option check reports this lr at options.lr
            }
            option = "lr";
            values = SearchGrid.defaultLearningRates(lr.doubleValue(), TuningPlan.trials(recipe, variant),
                    variant.lora()).values();
        } else {
            option = space.keySet().iterator().next();
            values = (List<?>) space.get(option);
        }
        OptimizerFactory factory = variant.optimizer() == null ? null : Optimizers.all().get(variant.optimizer());
        if (factory == null || !plans.containsKey(variant)) {
            return; // the optimizer or its options were reported already
        }
        String spacePath = variant.tune() != null && variant.tune().space() != null ? path + ".tune.space"
                : "tune.space";
        for (Object value : values) {
            try {
                factory.check(variant.withOptions(variant.name(), Map.of(option, value)).optimizerSettings(1));
            } catch (IllegalArgumentException refused) {
                error(space == null ? path + ".options" : KeyLocations.child(spacePath, option), option + " = "
                        + value + " is refused by " + variant.optimizer() + ": " + refused.getMessage());
                return;
            }
        }
    }

    /**
     * Reports an error once (a value of the recipe's block that every variant inherits is refused once, not per
     * variant); returns false, so that callers can write {@code ok = error(...)}.
     */
    private boolean error(String path, String message) {
        if (reported.add(path + ": " + message)) {
            problems.error(locations.of(path), path, message);
        }
        return false;
    }
}
