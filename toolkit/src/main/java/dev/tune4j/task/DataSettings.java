package dev.tune4j.task;

import java.util.Objects;

/**
 * Which examples a task reads and how it splits and cuts them (a recipe's {@code data} block and
 * {@code max_sequence_length}, in the library's own terms).
 *
 * @param source where the examples come from
 * @param path the file or directory of a source that reads the user's files; null for a fetched source
 * @param evalPath a separate evaluation file or directory (IMDB test split, SQuAD dev file); null: held out from
 *     {@code path}
 * @param evidencePath TriviaQA's evidence root directory
 * @param textField text column or JSON field of csv/tsv/jsonl
 * @param labelField label column or JSON field of csv/tsv/jsonl
 * @param trainExamples training examples to use (classification, QA, TriviaQA); null: all that are not held out
 * @param evalExamples evaluation examples; null: {@code evalFraction} of the data
 * @param evalFraction share held out for evaluation when {@code evalExamples} is null (and, for plain text, the
 *     held-out tail of the token stream)
 * @param splitSeed seed of the train/eval split of classification data
 * @param trainTokens plain text: cap on training tokens; null: all
 * @param evalTokens plain text: cap on held-out tokens; null: all
 * @param maxSequenceLength tokens per sequence (classification truncates, plain text packs, QA windows)
 */
public record DataSettings(ExampleSource source, String path, String evalPath, String evidencePath, String textField,
        String labelField, Integer trainExamples, Integer evalExamples, double evalFraction, long splitSeed,
        Integer trainTokens, Integer evalTokens, int maxSequenceLength) {

    /** Checks that the source is named. */
    public DataSettings {
        Objects.requireNonNull(source, "source");
    }
}
