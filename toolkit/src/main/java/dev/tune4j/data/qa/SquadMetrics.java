package dev.tune4j.data.qa;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * SQuAD's exact match and token F1, as the official evaluation scripts compute them: answers are normalized
 * (lower-cased, ASCII punctuation removed, the articles a/an/the removed, whitespace collapsed), a prediction scores
 * the maximum over the gold answers, and an unanswerable question (no gold answer, SQuAD v2.0) counts as the single
 * gold answer "" so only an empty prediction scores 1.
 */
public final class SquadMetrics {
    private static final Pattern ARTICLES = Pattern.compile("\\b(a|an|the)\\b");
    private static final String PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

    private SquadMetrics() {}

    /** The official {@code normalize_answer}. */
    public static String normalize(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        StringBuilder kept = new StringBuilder(lower.length());
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            if (PUNCTUATION.indexOf(c) < 0) {
                kept.append(c);
            }
        }
        String withoutArticles = ARTICLES.matcher(kept).replaceAll(" ");
        return String.join(" ", withoutArticles.trim().split("\\s+")).trim();
    }

    /** 1 if the normalized prediction equals some normalized gold answer, else 0. */
    public static double exactMatch(String prediction, List<String> golds) {
        double best = 0;
        for (String gold : goldsOrEmpty(golds)) {
            best = Math.max(best, normalize(prediction).equals(normalize(gold)) ? 1 : 0);
        }
        return best;
    }

    /** The best token-overlap F1 over the gold answers. */
    public static double f1(String prediction, List<String> golds) {
        double best = 0;
        for (String gold : goldsOrEmpty(golds)) {
            best = Math.max(best, f1(prediction, gold));
        }
        return best;
    }

    private static double f1(String prediction, String gold) {
        List<String> predicted = tokens(prediction);
        List<String> expected = tokens(gold);
        if (predicted.isEmpty() || expected.isEmpty()) {
            return predicted.equals(expected) ? 1 : 0;
        }
        Map<String, Integer> counts = new HashMap<>();
        expected.forEach(token -> counts.merge(token, 1, Integer::sum));
        int same = 0;
        for (String token : predicted) {
            Integer left = counts.get(token);
            if (left != null && left > 0) {
                same++;
                counts.put(token, left - 1);
            }
        }
        if (same == 0) {
            return 0;
        }
        double precision = (double) same / predicted.size();
        double recall = (double) same / expected.size();
        return 2 * precision * recall / (precision + recall);
    }

    private static List<String> tokens(String text) {
        String normalized = normalize(text);
        return normalized.isEmpty() ? List.of() : List.of(normalized.split(" "));
    }

    private static List<String> goldsOrEmpty(List<String> golds) {
        return golds.isEmpty() ? List.of("") : golds;
    }
}
