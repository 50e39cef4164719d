package dev.tune4j.recipe;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/** The "did you mean" of an error message: the known word nearest to a misspelt one by edit distance. */
final class DidYouMean {
    private DidYouMean() {}

    /** The candidate closest to {@code word}, if one is close enough to be a likely typo. */
    static Optional<String> closest(String word, Collection<String> candidates) {
        int allowed = word.length() <= 3 ? 1 : Math.max(2, word.length() / 4);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            int distance = editDistance(word.toLowerCase(Locale.ROOT),
                    candidate.toLowerCase(Locale.ROOT));
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        return bestDistance <= allowed ? Optional.of(best) : Optional.empty();
    }

    /** {@code " (did you mean 'x'?)"} when there is a close candidate, else {@code "; known: a, b, c"}. */
    static String hint(String word, Collection<String> candidates) {
        return closest(word, candidates)
                .map(match -> " (did you mean '" + match + "'?)")
                .orElseGet(() -> "; known: " + String.join(", ", candidates));
    }

    /** Levenshtein distance with an adjacent swap counted as one edit. */
    static int editDistance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int substitution = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + substitution);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
