package dev.tune4j.optim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.DoublePredicate;

/**
 * The typed options an optimizer accepts, with defaults and validity rules. {@link #parse} turns the loose map a
 * recipe gives ({@code lr: 1e-3}, {@code betas: [0.9, 0.999]}) into {@link Options}, reporting every unknown name
 * and invalid value at once, each naming the option.
 */
public final class OptionSchema {
    /**
     * The option every optimizer accepts: {@code engine_ops: true} runs the rule as in-place engine operations on the
     * parameters' own device even on the CPU (parameters on another device always take that path); default false,
     * the Java kernels. Optimizer-wide: a parameter group may not override it.
     */
    public static final String ENGINE_OPS = "engine_ops";

    private static final Option ENGINE_OPS_OPTION = new Option(ENGINE_OPS, Kind.FLAG, false, x -> true, "", List.of());

    private final String optimizerId;
    private final Map<String, Option> options;

    private record Option(String name, Kind kind, Object fallback, DoublePredicate valid, String rule,
            List<String> choices) {}

    private enum Kind { NUMBER, INTEGER, PAIR, CHOICE, FLAG, TEXT, TEXTS }

    private OptionSchema(String optimizerId, Map<String, Option> options) {
        this.optimizerId = optimizerId;
        this.options = Map.copyOf(options);
    }

    /** Starts a schema for the optimizer {@code id}. */
    public static Builder builder(String optimizerId) {
        return new Builder(optimizerId);
    }

    /** The option names. */
    public Set<String> names() {
        return options.keySet();
    }

    /**
     * Validates {@code raw} against the schema and fills in defaults.
     *
     * @param where names the source in errors (e.g. {@code variant 'soaa'} or {@code group 'no_decay'})
     * @throws IllegalArgumentException listing every unknown option and invalid value
     */
    public Options parse(Map<String, ?> raw, String where) {
        List<String> problems = new ArrayList<>();
        Map<String, Object> values = new LinkedHashMap<>();
        for (Option option : options.values()) {
            values.put(option.name(), option.fallback());
        }
        for (var entry : raw.entrySet()) {
            Option option = options.get(entry.getKey());
            if (option == null) {
                problems.add("unknown option '" + entry.getKey() + "' (" + optimizerId + " accepts "
                        + String.join(", ", options.keySet().stream().sorted().toList()) + ")");
                continue;
            }
            try {
                values.put(option.name(), convert(option, entry.getValue()));
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(optimizerId + " options of " + where + ": " + String.join("; ", problems));
        }
        return new Options(optimizerId, values);
    }

    private static Object convert(Option option, Object value) {
        String name = option.name();
        return switch (option.kind()) {
            case NUMBER -> checked(option, number(name, value));
            case INTEGER -> {
                double number = number(name, value);
                if (number != Math.rint(number) || Math.abs(number) > Long.MAX_VALUE / 2.0) {
                    throw new IllegalArgumentException("option '" + name + "' must be a whole number, got " + value);
                }
                checked(option, number);
                yield (long) number;
            }
            case PAIR -> {
                if (!(value instanceof List<?> list) || list.size() != 2) {
                    throw new IllegalArgumentException("option '" + name + "' must be a list of two numbers, got "
                            + value);
                }
                yield List.of(checked(option, number(name + "[0]", list.get(0))),
                        checked(option, number(name + "[1]", list.get(1))));
            }
            case CHOICE -> {
                String text = String.valueOf(value).toLowerCase(java.util.Locale.ROOT);
                if (!option.choices().contains(text)) {
                    throw new IllegalArgumentException("option '" + name + "' must be one of " + option.choices()
                            + ", got " + value);
                }
                yield text;
            }
            case FLAG -> {
                if (!(value instanceof Boolean flag)) {
                    throw new IllegalArgumentException("option '" + name + "' must be true or false, got " + value);
                }
                yield flag;
            }
            case TEXT -> {
                if (!(value instanceof String text) || text.isBlank()) {
                    throw new IllegalArgumentException("option '" + name + "' must be a non-empty word, got " + value);
                }
                yield text.strip();
            }
            case TEXTS -> texts(name, value);
        };
    }

    private static List<String> texts(String name, Object value) {
        List<?> items = value instanceof String text ? List.of(text.split(",")) : value instanceof List<?> list
                ? list : null;
        if (items == null || items.isEmpty()) {
            throw new IllegalArgumentException("option '" + name + "' must be a non-empty list of words (or one "
                    + "comma-separated string), got " + value);
        }
        List<String> words = new ArrayList<>();
        for (Object item : items) {
            if (!(item instanceof String word) || word.isBlank()) {
                throw new IllegalArgumentException("option '" + name + "' must hold non-empty words, got " + item
                        + " in " + value);
            }
            words.add(word.strip());
        }
        return List.copyOf(words);
    }

    private static double number(String name, Object value) {
        if (value instanceof Number number) {
            return number.doubleValue();
        }
        if (value instanceof String text) {
            try {
                return Double.parseDouble(text.strip());
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw new IllegalArgumentException("option '" + name + "' must be a number, got " + value);
    }

    private static double checked(Option option, double value) {
        if (Double.isNaN(value) || !option.valid().test(value)) {
            throw new IllegalArgumentException("option '" + option.name() + "' must be " + option.rule() + ", got "
                    + value);
        }
        return value;
    }

    /** Builds a schema. */
    public static final class Builder {
        private final String optimizerId;
        private final Map<String, Option> options = new LinkedHashMap<>();

        private Builder(String optimizerId) {
            this.optimizerId = optimizerId;
            add(ENGINE_OPS_OPTION);
        }

        /** A number with a rule ({@code rule} describes it in errors, e.g. "> 0"). */
        public Builder number(String name, double fallback, DoublePredicate valid, String rule) {
            return add(new Option(name, Kind.NUMBER, fallback, valid, rule, List.of()));
        }

        /** A whole number with a rule; {@code fallback} may be null for a required value. */
        public Builder integer(String name, Long fallback, DoublePredicate valid, String rule) {
            return add(new Option(name, Kind.INTEGER, fallback, valid, rule, List.of()));
        }

        /** A pair of numbers, each satisfying the rule (e.g. betas). */
        public Builder pair(String name, double first, double second, DoublePredicate valid, String rule) {
            return add(new Option(name, Kind.PAIR, List.of(first, second), valid, rule, List.of()));
        }

        /** One of fixed lower-case words. */
        public Builder choice(String name, String fallback, String... choices) {
            return add(new Option(name, Kind.CHOICE, fallback, x -> true, "", List.of(choices)));
        }

        /** A boolean. */
        public Builder flag(String name, boolean fallback) {
            return add(new Option(name, Kind.FLAG, fallback, x -> true, "", List.of()));
        }

        /** The standard Adam-family options: lr, betas, eps, weight_decay. */
        public Builder adamFamily(double lr, double beta1, double beta2, double eps, double weightDecay) {
            number("lr", lr, x -> x > 0 && Double.isFinite(x), "a finite number > 0");
            pair("betas", beta1, beta2, x -> x >= 0 && x < 1, "in [0, 1)");
            number("eps", eps, x -> x >= 0 && Double.isFinite(x), "a finite number >= 0");
            return number("weight_decay", weightDecay, x -> x >= 0 && Double.isFinite(x), "a finite number >= 0");
        }

        /** A free word, e.g. another optimizer's id; {@code fallback} may be null for a required value. */
        public Builder text(String name, String fallback) {
            return add(new Option(name, Kind.TEXT, fallback, x -> true, "", List.of()));
        }

        /** A list of words (a YAML list or one comma-separated string), e.g. parameter-name patterns. */
        public Builder texts(String name, List<String> fallback) {
            return add(new Option(name, Kind.TEXTS, List.copyOf(fallback), x -> true, "", List.of()));
        }

        /**
         * Every option of {@code other} (a wrapper accepting its inner optimizer's options).
         *
         * @throws IllegalArgumentException if {@code other} has an option of a name this schema already has
         */
        public Builder include(OptionSchema other) {
            for (Option option : other.options.values()) {
                if (option == ENGINE_OPS_OPTION) {
                    continue; // every schema has it
                }
                if (options.containsKey(option.name())) {
                    throw new IllegalArgumentException("option '" + option.name() + "' of " + other.optimizerId
                            + " clashes with the option of the same name of " + optimizerId);
                }
                add(option);
            }
            return this;
        }

        private Builder add(Option option) {
            options.put(option.name(), option);
            return this;
        }

        /** The schema. */
        public OptionSchema build() {
            return new OptionSchema(optimizerId, options);
        }
    }
}
