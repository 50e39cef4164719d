/**
 * Tuning with an equal budget: each variant's search grid ({@link dev.tune4j.tuning.SearchGrid}), what a recipe's
 * {@code tune:} blocks resolve to for a variant ({@link dev.tune4j.tuning.TuningPlan}), the rule that picks a
 * trial ({@link dev.tune4j.tuning.TrialPick}) and the record of what tuning did
 * ({@link dev.tune4j.tuning.TuningRecord}).
 */
package dev.tune4j.tuning;
