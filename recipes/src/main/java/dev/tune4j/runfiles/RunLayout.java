package dev.tune4j.runfiles;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a recipe's runs live: {@code <output_dir>/<variant>/seed-<n>/}, with the comparison's resolved recipe
 * ({@value MetricKeys#RECIPE_FILE}) and report files directly under {@code <output_dir>}. A run keeps its trained
 * model in {@value #MODEL_DIR}/ (full fine-tuning: a Hugging Face model directory) or {@value #ADAPTER_DIR}/ (LoRA: a
 * PEFT adapter directory), plus {@value #MERGED_DIR}/ (the adapter merged into the base model) when asked.
 */
public final class RunLayout {
    /** A full fine-tuning run's model: a Hugging Face model directory. */
    public static final String MODEL_DIR = "model";
    /** A LoRA run's adapter: a PEFT adapter directory. */
    public static final String ADAPTER_DIR = "adapter";
    /** A LoRA run's adapter merged into its base model: a Hugging Face model directory. */
    public static final String MERGED_DIR = "merged";

    private RunLayout() {}

    /**
     * Creates the recipe's {@code output_dir} (and its parents) if needed.
     *
     * @throws FileSystemException naming the path, when it or a parent is a file, with how to fix it
     */
    public static Path createOutputDirectory(Path outputDir) throws IOException {
        try {
            return Files.createDirectories(outputDir);
        } catch (FileAlreadyExistsException e) {
            throw new FileSystemException(outputDir.toString(), null, "output_dir cannot be created: "
                    + (e.getFile() == null ? outputDir : e.getFile()) + " is a file, not a directory; set output_dir"
                    + " to another path (e.g. output_dir=runs/mine) or move the file away");
        }
    }

    /** The directory of one run. */
    public static Path runDirectory(Path outputDir, String variant, int seed) {
        return outputDir.resolve(variant).resolve("seed-" + seed);
    }
}
