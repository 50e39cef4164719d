package dev.tune4j.lora;

import java.util.Collection;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * How PEFT matches the keys of {@code rank_pattern} and {@code alpha_pattern}, and a {@code target_modules} string,
 * against module names. Keys and strings are regular expressions (Python's syntax; the common subset is Java's too).
 */
final class PeftPatterns {
    private PeftPatterns() {}

    /** {@code expression} compiled, or an error naming the config key it came from. */
    static Pattern compile(String expression, String key) {
        try {
            return Pattern.compile(expression);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException(key + " '" + expression + "' is not a regular expression: "
                    + e.getDescription());
        }
    }

    /**
     * The first key (in the given order) that matches {@code moduleName} as PEFT matches it: the whole name must be
     * {@code (.*\.)?(key)}, i.e. the key, as a regular expression, matches the name or a dotted suffix of it.
     */
    static Optional<String> keyFor(Collection<String> keys, String moduleName) {
        for (String key : keys) {
            if (compile("(.*\\.)?(" + key + ")", key).matcher(moduleName).matches()) {
                return Optional.of(key);
            }
        }
        return Optional.empty();
    }
}
