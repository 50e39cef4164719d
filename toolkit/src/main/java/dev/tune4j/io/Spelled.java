package dev.tune4j.io;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * An enum constant that users write as one word in a configuration file or on the command line, such as
 * {@code spam-assassin} or {@code gpu}. The one place where such a word becomes its constant.
 */
public interface Spelled {

    /** The word users write; by default the constant's name in lower case. */
    default String spelling() {
        return ((Enum<?>) this).name().toLowerCase(Locale.ROOT);
    }

    /** The constant of {@code type} spelled {@code word}, if there is one (a null word has none). */
    static <E extends Enum<E> & Spelled> Optional<E> parse(Class<E> type, String word) {
        return Arrays.stream(type.getEnumConstants()).filter(constant -> constant.spelling().equals(word))
                .findFirst();
    }

    /** Every spelling of {@code type}, in declaration order, for messages and completion. */
    static <E extends Enum<E> & Spelled> List<String> spellings(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(Spelled::spelling).toList();
    }
}
