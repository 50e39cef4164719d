#!/usr/bin/env python3
"""The 8-bit Adam dynamic quantization maps in float32 with numpy, built from the construction described in
docs/algorithms.md#dynamic-quantization-map (not from the Java code), printing the anchors DynamicQuantizationMapTest checks.

    python3 scripts/reference/dynamic_map.py
"""
import numpy as np


def dynamic_map(signed, exponent_levels=7):
    values = []
    for i in range(exponent_levels):
        k = 2**i if signed else 2 ** (i + 1)
        edges = np.linspace(0.1, 1.0, k + 1, dtype=np.float32)
        midpoints = (edges[:-1] + edges[1:]) / np.float32(2)
        scaled = np.float32(10.0 ** (i - (exponent_levels - 1))) * midpoints
        values.extend(scaled.tolist())
        if signed:
            values.extend((-scaled).tolist())
    values += [0.0, 1.0]
    table = np.sort(np.array(values, dtype=np.float32))
    assert table.size == 256, table.size
    return table


def per_decade(table):
    # positive values per decade [1e-7, 1e-6), ..., [0.1, 1], counting 1.0 in the top one
    counts = []
    for i in range(7):
        low, high = 10.0 ** (i - 7), 10.0 ** (i - 6)
        counts.append(int(np.sum((table >= low) & ((table < high) if i < 6 else (table <= high)))))
    return counts


if __name__ == "__main__":
    signed = dynamic_map(True)
    print("signed:   0=%.8g 127=%.8g 128=%.8g 191=%.8g 254=%.8g 255=%.8g" % tuple(signed[[0, 127, 128, 191, 254, 255]]))
    print("          negative=%d positive=%d per decade=%s" % ((signed < 0).sum(), (signed > 0).sum(), per_decade(signed)))
    unsigned = dynamic_map(False)
    print("unsigned: 0=%.8g 1=%.8g 2=%.8g 128=%.9g 254=%.8g 255=%.8g" % tuple(unsigned[[0, 1, 2, 128, 254, 255]]))
    print("          per decade=%s" % per_decade(unsigned))
