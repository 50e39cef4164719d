#!/usr/bin/env python3
"""SOAA reference vectors in float64 with numpy, written from docs/algorithms.md#soaa-step (not from the Java code).

Prints R, dt and pr with 10 significant digits and W, b with 10 decimals for three steps of two variants:
the default (v-hat = s-hat, ratio of sums) and centered + sum of ratios. SoaaSpecVectorsTest holds these numbers.

    python3 scripts/reference/soaa_vectors.py
"""
import numpy as np

LR, BETA1, BETA2, GAMMA, EPS, WD, T, DT0 = 1e-3, 0.9, 0.999, 0.25, 1e-8, 0.01, 10, 1.0
W0 = np.array([[0.5, -0.3], [0.1, 0.2]])
B0 = np.array([0.05])
GRADIENTS = [
    (np.array([[0.20, -0.10], [0.05, 0.00]]), np.array([0.30])),
    (np.array([[0.15, -0.12], [0.04, 0.01]]), np.array([0.25])),
    (np.array([[0.10, -0.08], [0.02, 0.02]]), np.array([0.20])),
]
LOSSES = [1.00, 0.90, 0.85]


def run(centered, sum_of_ratios):
    # one parameter group: W and b flattened into one vector theta, sums are global
    theta = np.concatenate([W0.ravel(), B0])
    m = np.zeros_like(theta)
    s = np.zeros_like(theta)
    v = np.zeros_like(theta)
    dt, lavg, pr = DT0, 0.0, 0.0
    rows = []
    for t, ((gw, gb), loss) in enumerate(zip(GRADIENTS, LOSSES), start=1):
        g = np.concatenate([gw.ravel(), gb])
        bc1, bc2 = 1 - BETA1**t, 1 - BETA2**t
        mhat_prev = np.zeros_like(m) if t == 1 else m / (1 - BETA1 ** (t - 1))
        m = BETA1 * m + (1 - BETA1) * g
        s = BETA2 * s + (1 - BETA2) * g * g
        mhat, shat = m / bc1, s / bc2
        if centered:
            c = (BETA2 - BETA2**t) / bc2
            v = BETA2 * v + (1 - BETA2) * c * (g - mhat_prev) ** 2
            vhat = v / bc2
        else:
            vhat = shat
        if sum_of_ratios:
            ratio = np.sum(mhat**2 / (vhat + EPS))
        else:
            ratio = np.sum(mhat**2) / np.sum(vhat + EPS)
        denominator = np.maximum(dt * (1 + ratio) * vhat, np.sqrt(shat))
        u = mhat * dt / (denominator + EPS)
        theta = theta - LR * WD * theta
        theta = theta - LR * u
        lavg = BETA1 * lavg + (1 - BETA1) * loss
        lhat = lavg / bc1
        lo = (1 - GAMMA) ** ((t - 1) / T)
        hi = 1 + GAMMA ** ((t - 1) / T)
        dt = min(max((lhat - loss) / max(pr, EPS) * dt, lo), hi)
        pr = LR * (np.sum(mhat * u) - 0.5 * np.sum(vhat * u * u))
        rows.append((t, ratio, dt, pr, theta[:4].copy(), theta[4:].copy()))
    return rows


def show(name, rows):
    print(name)
    for t, ratio, dt, pr, w, b in rows:
        decimals = lambda xs: "[" + ", ".join(f"{x:.10f}".rstrip("0") for x in xs) + "]"
        print(f"  t={t}: R={ratio:.10g} dt={dt:.10g} pr={pr:.10g} W={decimals(w)} b={decimals(b)}")


if __name__ == "__main__":
    show("default (s_hat, ratio_of_sums)", run(centered=False, sum_of_ratios=False))
    show("centered, sum_of_ratios", run(centered=True, sum_of_ratios=True))
