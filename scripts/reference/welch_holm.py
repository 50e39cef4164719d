#!/usr/bin/env python3
"""Reference values of the report's significance tests: Welch's two-sided t-test (scipy.stats.ttest_ind with
equal_var=False) and Holm's step-down correction written here from its definition (sort the m p-values ascending,
multiply the i-th smallest by m - i + 1, take the running maximum, cap at 1), on the per-seed values of the synthetic
runs in WelchTestTest, ConclusionTest and ReportTest. Shares nothing with the Java code. Pairs whose samples are both
constant (every seed the same value) are exact comparisons, outside the Holm family, as the report defines them.

    python3 scripts/reference/welch_holm.py

For each case it prints every pair in variant order (t is first minus second), then the Holm-adjusted p-values, and
the p-values as the report prints them (three significant digits, "< 0.0001" below 1e-4).
"""
import itertools
import math
import warnings

import numpy as np
from scipy import stats

MIB = 1024 * 1024
# scipy warns when one sample is constant (its variance is computed as a rounding residue); the result stays right
warnings.filterwarnings("ignore", message="Precision loss occurred")

CASES = {
    # ConclusionTest: three variants far apart (adamw) and close together (soaa, adam), eval accuracy
    "separated eval_accuracy": {"adamw": [0.80, 0.78, 0.82], "soaa": [0.90, 0.92, 0.91], "adam": [0.89, 0.93, 0.90]},
    # WelchTestTest.matchesScipyOnUnequalCounts: unequal seed counts (3 and 2)
    "unequal counts": {"adamw": [4.0, 4.5, 5.0], "soaa": [2.0, 2.25]},
    # ConclusionTest: seconds to target (after the warm-up steps) with soaa's disturbed seed 3 left out, and kept
    "disturbed left out seconds_to_target": {"adamw": [3.0, 3.5, 4.0], "soaa": [1.5, 1.75]},
    "disturbed kept seconds_to_target": {"adamw": [3.0, 3.5, 4.0], "soaa": [1.5, 1.75, 16.0]},
    # ConclusionTest: SOAA's eval loss above Adam's, against the paper's claim
    "claims eval_loss": {"soaa": [1.5, 1.6, 1.7], "adam": [1.0, 1.1, 1.2]},
    # ReportTest.targetReached(): adam8bit's seed 2 diverged, so it has seeds 1 and 3
    "reached eval_accuracy": {"adamw": [0.5, 0.6, 0.7], "soaa": [0.8, 0.8, 0.8], "adam8bit": [0.7, 0.7]},
    "reached steps_to_target": {"adamw": [8, 9, 10], "soaa": [8, 8, 8], "adam8bit": [8, 8]},
    "reached seconds_to_target": {"adamw": [3.0, 3.5, 4.0], "soaa": [1.5, 1.5, 1.5], "adam8bit": [0.6, 0.6]},
    "reached peak_rss_bytes": {"adamw": [300 * MIB, 310 * MIB, 320 * MIB], "soaa": [200 * MIB] * 3,
                               "adam8bit": [250 * MIB] * 2},
    # ReportTest.noneReached(): final training loss (no evaluation); sgd failed
    "none final_loss": {"adamw": [4.0, 5.0], "galore": [9.0, 9.0], "soaa": [3.0, 3.5]},
}


def holm(pvalues):
    order = sorted(range(len(pvalues)), key=lambda k: pvalues[k])
    adjusted = [0.0] * len(pvalues)
    running = 0.0
    m = len(pvalues)
    for rank, k in enumerate(order):
        running = max(running, min(1.0, (m - rank) * pvalues[k]))
        adjusted[k] = running
    return adjusted


def printed(p):
    if p < 1e-4:
        return "< 0.0001"
    magnitude = math.floor(math.log10(p))
    return "%.*f" % (max(2, 2 - magnitude), p)


for name, samples in CASES.items():
    print(name)
    pairs = list(itertools.combinations(samples, 2))
    family = []
    for a, b in pairs:
        x, y = np.array(samples[a], dtype=float), np.array(samples[b], dtype=float)
        if np.all(x == x[0]) and np.all(y == y[0]):
            print("  %s vs %s: exact, p = %d" % (a, b, 0 if x.mean() != y.mean() else 1))
            continue
        result = stats.ttest_ind(x, y, equal_var=False)
        family.append((a, b, result.pvalue))
        print("  %s vs %s: t = %r, df = %r, p = %r (printed %s)" % (a, b, float(result.statistic),
                                                                    float(result.df), float(result.pvalue),
                                                                    printed(result.pvalue)))
    for (a, b, _), adjusted in zip(family, holm([p for _, _, p in family])):
        print("  Holm %s vs %s: %r (printed %s)" % (a, b, float(adjusted), printed(adjusted)))
