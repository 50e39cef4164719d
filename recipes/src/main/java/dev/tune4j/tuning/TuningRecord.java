package dev.tune4j.tuning;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What tuning did, as {@code <output_dir>/tuning/}{@value #FILE_NAME} keeps it for the report: per variant its grid,
 * each trial's outcome and objective (read from the trial's {@code summary.json}), and the chosen value.
 *
 * @param variants the tuned variants in the recipe's order
 */
public record TuningRecord(List<VariantTuning> variants) {
    /** The directory under a comparison's output directory that holds the trials. */
    public static final String DIRECTORY = "tuning";
    /** The record's file in {@value #DIRECTORY}. */
    public static final String FILE_NAME = "tuning.json";
    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT);

    /** Keeps an unmodifiable copy. */
    public TuningRecord {
        variants = List.copyOf(variants);
    }

    /**
     * One trial.
     *
     * @param value the searched option's value
     * @param directory the trial's run directory, relative to the comparison's output directory
     * @param status the trial's {@code summary.json} status ({@code completed}, {@code diverged}, ...)
     * @param objective its objective at the last evaluation, or null when it has none
     * @param reused whether a finished trial of an earlier comparison was used instead of running it again
     */
    public record Trial(double value, String directory, String status, Double objective, boolean reused) {}

    /**
     * One variant's tuning.
     *
     * @param variant the variant
     * @param option the searched option
     * @param objective the objective key
     * @param higherIsBetter whether the objective is better high
     * @param steps steps of each trial
     * @param seed the trials' seed
     * @param trials the trials in grid order
     * @param chosen the winning value ({@link TrialPick}), or null when no trial has an objective (the variant then
     *     runs with its own options)
     * @param onEdge whether the chosen value is the smallest or largest of the grid
     */
    public record VariantTuning(String variant, String option, String objective, boolean higherIsBetter, int steps,
            int seed, List<Trial> trials, Double chosen, boolean onEdge) {
        /** Keeps an unmodifiable copy of the trials. */
        public VariantTuning {
            trials = List.copyOf(trials);
        }
    }

    /** Variant name to {@code {option: chosen value}}, for the tuned variants that have one. */
    public Map<String, Map<String, Double>> chosenByVariant() {
        Map<String, Map<String, Double>> chosen = new LinkedHashMap<>();
        for (VariantTuning variant : variants) {
            if (variant.chosen() != null) {
                chosen.put(variant.variant(), Map.of(variant.option(), variant.chosen()));
            }
        }
        return chosen;
    }

    /** Writes the record into {@code <outputDir>/tuning/}, through a temporary file. */
    public void write(Path outputDir) throws IOException {
        Path directory = Files.createDirectories(outputDir.resolve(DIRECTORY));
        Path temporary = directory.resolve(FILE_NAME + ".tmp");
        JSON.writeValue(temporary.toFile(), this);
        Files.move(temporary, directory.resolve(FILE_NAME), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * The record of a comparison's output directory.
     *
     * @return empty when the comparison did no tuning
     * @throws IOException when the file is there but unreadable or malformed
     */
    public static Optional<TuningRecord> read(Path outputDir) throws IOException {
        Path file = outputDir.resolve(DIRECTORY).resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(file.toFile(), TuningRecord.class));
        } catch (IOException e) {
            throw new IOException(file + ": not a tuning record: " + e.getMessage(), e);
        }
    }
}
