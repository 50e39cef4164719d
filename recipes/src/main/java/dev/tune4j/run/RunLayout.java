package dev.tune4j.run;

import java.nio.file.Path;

/**
 * Where a recipe's runs live: {@code <output_dir>/<variant>/seed-<n>/}, with the comparison's resolved recipe
 * ({@value MetricKeys#RECIPE_FILE}) and report files directly under {@code <output_dir>}.
 */
public final class RunLayout {
    private RunLayout() {}

    /** The directory of one run. */
    public static Path runDirectory(Path outputDir, String variant, int seed) {
        return outputDir.resolve(variant).resolve("seed-" + seed);
    }
}
