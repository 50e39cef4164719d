package dev.tune4j.data.classification;

import dev.tune4j.data.DataFormatException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Labelled texts with a fixed label vocabulary: class {@code i} is {@code labels().get(i)}. Readers return one with
 * the labels sorted by name; the train/eval parts of a split keep their parent's labels so that indices agree.
 *
 * @param source where it came from (a file or folder), for messages
 * @param examples the texts and labels, in reading order
 * @param labels every class name, index = class id
 * @param skippedRows malformed rows the reader skipped ({@code skipBadRows}), 0 otherwise
 */
public record ClassificationDataset(String source, List<TextExample> examples, List<String> labels, int skippedRows) {

    /** Copies the lists and checks that every example's label is in {@code labels}. */
    public ClassificationDataset {
        examples = List.copyOf(examples);
        labels = List.copyOf(labels);
        if (labels.size() != new TreeSet<>(labels).size()) {
            throw new IllegalArgumentException("labels of " + source + " contain duplicates: " + labels);
        }
        for (TextExample example : examples) {
            if (!labels.contains(example.label())) {
                throw new IllegalArgumentException("label '" + example.label() + "' of " + source
                        + " is not one of " + labels);
            }
        }
    }

    /**
     * A dataset with the labels that occur in {@code examples}, sorted, after checking that it can train a
     * classifier.
     *
     * @throws DataFormatException if there is no example, or only one class
     */
    public static ClassificationDataset of(Path source, String labelColumn, List<TextExample> examples,
            int skippedRows) throws DataFormatException {
        if (examples.isEmpty()) {
            throw new DataFormatException(source, 0, "no examples"
                    + (skippedRows > 0 ? " (all " + skippedRows + " rows were malformed and skipped)" : "")
                    + "; a classifier needs labelled rows");
        }
        List<String> labels = new ArrayList<>(new TreeSet<>(examples.stream().map(TextExample::label).toList()));
        if (labels.size() < 2) {
            throw new DataFormatException(source, 0, "the label column '" + labelColumn + "' has a single class '"
                    + labels.getFirst() + "' in all " + examples.size() + " rows; a classifier needs at least two"
                    + " classes (is it the right column?)");
        }
        return new ClassificationDataset(source.toString(), examples, labels, skippedRows);
    }

    /** Number of examples. */
    public int size() {
        return examples.size();
    }

    /** The class id of {@code label}. */
    public int labelId(String label) {
        int id = labels.indexOf(label);
        if (id < 0) {
            throw new IllegalArgumentException("unknown label '" + label + "'; labels are " + labels);
        }
        return id;
    }

    /** The class id of every example, in order. */
    public int[] labelIds() {
        return examples.stream().mapToInt(example -> labelId(example.label())).toArray();
    }

    /** The texts, in order. */
    public List<String> texts() {
        return examples.stream().map(TextExample::text).toList();
    }

    /** Examples per class, in label order (zero counts included). */
    public Map<String, Integer> classCounts() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        labels.forEach(label -> counts.put(label, 0));
        examples.forEach(example -> counts.merge(example.label(), 1, Integer::sum));
        return counts;
    }

    /** The share of the most frequent class: the accuracy of always predicting it. */
    public double majorityShare() {
        int largest = classCounts().values().stream().mapToInt(Integer::intValue).max().orElse(0);
        return examples.isEmpty() ? 0 : (double) largest / examples.size();
    }

    /** One line with the class balance, e.g. {@code 256 examples: ham 174 (68.0%), spam 82 (32.0%)}. */
    public String balance() {
        StringBuilder line = new StringBuilder().append(size()).append(" examples:");
        String separator = " ";
        for (var entry : classCounts().entrySet()) {
            line.append(separator).append(entry.getKey()).append(' ').append(entry.getValue())
                    .append(String.format(" (%.1f%%)", 100.0 * entry.getValue() / Math.max(1, size())));
            separator = ", ";
        }
        return line.toString();
    }
}
