package dev.tune4j.recipe;

/**
 * Where a recipe's examples come from and how they are split.
 *
 * @param source {@code spam-assassin} or {@code moby-dick} (fetched by package name), or a user format:
 *     {@code csv}, {@code tsv}, {@code jsonl}, {@code imdb} (an aclImdb directory) for classification; {@code text}
 *     (a .txt file or a directory of them) or {@code triviaqa} for causal LM; {@code squad} for question answering
 * @param path the file or directory of a user format
 * @param evalPath a separate evaluation file or directory (IMDB test split, SQuAD dev file); absent: held out from
 *     {@code path}
 * @param evidencePath TriviaQA's evidence root directory
 * @param textField text column or JSON field of csv/tsv/jsonl
 * @param labelField label column or JSON field of csv/tsv/jsonl
 * @param trainExamples training examples to use (classification, QA); absent: all that are not held out
 * @param evalExamples evaluation examples (classification, QA); absent: {@code eval_fraction} of the data
 * @param evalFraction share held out for evaluation when {@code eval_examples} is absent (and, for causal LM, the
 *     held-out tail of the token stream)
 * @param splitSeed seed of the train/eval split (the same for every variant and seed, so all runs see the same
 *     examples)
 * @param trainTokens causal LM: cap on training tokens; absent: all
 * @param evalTokens causal LM: cap on held-out tokens; absent: all
 */
public record DataSpec(
        String source,
        @OptionalKey String path,
        @OptionalKey String evalPath,
        @OptionalKey String evidencePath,
        @DefaultValue("text") String textField,
        @DefaultValue("label") String labelField,
        @OptionalKey Integer trainExamples,
        @OptionalKey Integer evalExamples,
        @DefaultValue("0.1") double evalFraction,
        @DefaultValue("2024") long splitSeed,
        @OptionalKey Integer trainTokens,
        @OptionalKey Integer evalTokens) {}
