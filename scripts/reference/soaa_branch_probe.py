#!/usr/bin/env python3
"""Which branch of SOAA's max(dt·(1+R)·v̂, √ŝ) wins, for both readings of R, on synthetic gradients (numpy, seeded).

Backs the "SOAA behaviour" notes in docs/algorithms.md; asserts nothing, prints the share of elements where the
Fisher branch wins after 20 steps with dt = 1 (dt only scales the Fisher branch by at most 2 more).

    python3 scripts/reference/soaa_branch_probe.py
"""
import numpy as np

BETA1, BETA2, EPS, STEPS = 0.9, 0.999, 1e-8, 20


def fisher_share(n, scale, sum_of_ratios, rng):
    mean = rng.standard_normal(n)  # each element's own mean gradient: a signal-to-noise ratio of about 1
    m = np.zeros(n)
    s = np.zeros(n)
    for t in range(1, STEPS + 1):
        g = scale * (mean + rng.standard_normal(n))
        m = BETA1 * m + (1 - BETA1) * g
        s = BETA2 * s + (1 - BETA2) * g * g
    mhat, shat = m / (1 - BETA1**STEPS), s / (1 - BETA2**STEPS)
    vhat = shat
    ratio = np.sum(mhat**2 / (vhat + EPS)) if sum_of_ratios else np.sum(mhat**2) / np.sum(vhat + EPS)
    return float(np.mean((1 + ratio) * vhat > np.sqrt(shat))), ratio


if __name__ == "__main__":
    rng = np.random.default_rng(2024)
    for sum_of_ratios in (False, True):
        print("sum_of_ratios" if sum_of_ratios else "ratio_of_sums (default)")
        for n in (1_000, 10_000, 100_000):
            for scale in (1e-3, 1e-2, 1e-1):
                share, ratio = fisher_share(n, scale, sum_of_ratios, rng)
                print(f"  n={n:>7} |g|~{scale:g}: R={ratio:.4g}  Fisher branch wins for {100 * share:.1f}% of elements")
