package dev.tune4j.data.qa;

import java.util.List;
import java.util.Objects;

/**
 * An extractive question-answering example: a question about a context whose answer is a span of the context, or
 * no span at all (SQuAD v2.0 unanswerable questions, TriviaQA evidence without the answer).
 *
 * @param id the question id
 * @param question the question
 * @param context the passage the answer is taken from
 * @param answers the gold spans (several annotators may give several); empty when unanswerable
 * @param impossible whether the context does not answer the question
 */
public record QaExample(String id, String question, String context, List<QaAnswer> answers, boolean impossible) {
    /** Checks that spans lie in the context and spell their text, and that only answerable ones have spans. */
    public QaExample {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(question, "question");
        Objects.requireNonNull(context, "context");
        answers = List.copyOf(answers);
        if (impossible != answers.isEmpty()) {
            throw new IllegalArgumentException("question " + id + (impossible
                    ? " is marked impossible but has answers" : " is answerable but has no answer span"));
        }
        for (QaAnswer answer : answers) {
            if (answer.end() > context.length()
                    || !context.regionMatches(answer.start(), answer.text(), 0, answer.text().length())) {
                throw new IllegalArgumentException("question " + id + ": answer '" + answer.text() + "' at "
                        + answer.start() + " does not match the context there");
            }
        }
    }

    /** The gold answer texts (empty when unanswerable), for {@link SquadMetrics}. */
    public List<String> answerTexts() {
        return answers.stream().map(QaAnswer::text).toList();
    }
}
