package dev.tune4j.data.qa;

import java.util.List;
import java.util.Objects;

/**
 * A TriviaQA reading-comprehension question with its answer aliases and evidence documents.
 *
 * @param id the {@code QuestionId}
 * @param question the question
 * @param answer the canonical answer ({@code Answer.Value})
 * @param aliases every accepted spelling ({@code Answer.Aliases}, the value included)
 * @param evidence the evidence documents' texts (Wikipedia pages, then web search results), in file order
 */
public record TriviaQaExample(String id, String question, String answer, List<String> aliases,
        List<String> evidence) {
    /** Copies the lists; the aliases always contain the answer. */
    public TriviaQaExample {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(question, "question");
        Objects.requireNonNull(answer, "answer");
        aliases = aliases.contains(answer) ? List.copyOf(aliases)
                : java.util.stream.Stream.concat(java.util.stream.Stream.of(answer), aliases.stream()).toList();
        evidence = List.copyOf(evidence);
    }

    /**
     * Extractive QA over the evidence (distant supervision, as TriviaQA's baselines do): one example per evidence
     * document, whose answer is the earliest case-insensitive, whole-word occurrence of any alias (longest alias
     * first on a tie); a document without one is unanswerable.
     */
    public List<QaExample> extractive() {
        List<QaExample> examples = new java.util.ArrayList<>();
        for (int d = 0; d < evidence.size(); d++) {
            String document = evidence.get(d);
            QaAnswer found = findAlias(document);
            examples.add(new QaExample(id + "--" + d, question, document,
                    found == null ? List.of() : List.of(found), found == null));
        }
        return examples;
    }

    /** The causal-LM prompt: {@code "Question: …\nAnswer:"}; the target is {@link #answer()} after a space. */
    public String prompt() {
        return "Question: " + question + "\nAnswer:";
    }

    private QaAnswer findAlias(String document) {
        String lower = document.toLowerCase(java.util.Locale.ROOT);
        int bestStart = -1;
        int bestLength = 0;
        for (String alias : aliases) {
            String needle = alias.toLowerCase(java.util.Locale.ROOT);
            if (needle.isBlank() || needle.length() != alias.length()) {
                continue; // lower-casing changed the length: offsets would not map back
            }
            for (int at = lower.indexOf(needle); at >= 0; at = lower.indexOf(needle, at + 1)) {
                boolean wordStart = at == 0 || !Character.isLetterOrDigit(lower.charAt(at - 1));
                int end = at + needle.length();
                boolean wordEnd = end == lower.length() || !Character.isLetterOrDigit(lower.charAt(end));
                if (wordStart && wordEnd) {
                    if (bestStart < 0 || at < bestStart || (at == bestStart && needle.length() > bestLength)) {
                        bestStart = at;
                        bestLength = needle.length();
                    }
                    break;
                }
            }
        }
        return bestStart < 0 ? null
                : new QaAnswer(document.substring(bestStart, bestStart + bestLength), bestStart);
    }
}
