package dev.tune4j.recipe;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads YAML text into {@link YamlNode}s that remember where each key and value starts, using Jackson's YAML token
 * stream (which resolves unquoted scalars as YAML 1.1 does: {@code 1e-4} is a number, {@code yes} a boolean).
 * One document per text; aliases ({@code *name}) are refused because a located tree cannot say where their value is.
 */
final class YamlReader {
    private static final YAMLFactory FACTORY = new YAMLFactory();
    /** YAML 1.1/1.2 special floats: group 1 the sign, group 2 set for NaN. */
    private static final Pattern SPECIAL_FLOAT = Pattern.compile("([-+]?)\\.(?:(nan|NaN|NAN)|inf|Inf|INF)");
    /** SnakeYAML's position lines: {@code in 'reader', line 2, column 8:}. */
    private static final Pattern MARK = Pattern.compile("in '[^']*', line (\\d+), column (\\d+):?");

    private final YAMLParser parser;
    private final String source;
    private final SourceLocation fixedLocation; // null: each node at its own line and column of source
    private final ProblemCollector problems = new ProblemCollector();

    private YamlReader(YAMLParser parser, String source, SourceLocation fixedLocation) {
        this.parser = parser;
        this.source = source;
        this.fixedLocation = fixedLocation;
    }

    /**
     * Reads a whole file's text.
     *
     * @param source names the text in locations (the file name)
     * @throws RecipeException for a syntax error (the first one: YAML parsing stops there) or an alias
     */
    static YamlNode read(String text, String source) {
        return read(text, source, null);
    }

    /**
     * Reads a value that is not part of a file (an override's value, a component's default) with every node located
     * at {@code location}.
     *
     * @throws RecipeException if the text is not valid YAML
     */
    static YamlNode readAt(String text, SourceLocation location) {
        return read(text, location.source(), location);
    }

    private static YamlNode read(String text, String source, SourceLocation fixedLocation) {
        try (YAMLParser parser = (YAMLParser) FACTORY.createParser(text)) {
            YamlReader reader = new YamlReader(parser, source, fixedLocation);
            JsonToken first = parser.nextToken();
            YamlNode root = first == null
                    ? new YamlNode.Scalar(YamlNode.ScalarKind.NULL, "", null, reader.location(null))
                    : reader.value(first);
            if (parser.nextToken() != null) {
                reader.problems.error(reader.location(parser.currentTokenLocation()), "",
                        "a recipe is one YAML document; remove the second one (from '---' on)");
            }
            reader.problems.throwIfErrors();
            return root;
        } catch (JsonProcessingException e) {
            SourceLocation where = fixedLocation != null
                    ? fixedLocation
                    : e.getLocation() == null ? new SourceLocation(source, 1, 1)
                    : new SourceLocation(source, e.getLocation().getLineNr(), e.getLocation().getColumnNr());
            throw new RecipeException(List.of(new RecipeProblem(where, "", "not valid YAML: "
                    + syntaxMessage(e.getOriginalMessage(), fixedLocation == null), false)));
        } catch (IOException e) {
            throw new UncheckedIOException("reading YAML from a string", e); // a StringReader does not fail
        }
    }

    /**
     * SnakeYAML's message without its excerpt lines: "while parsing X (from line 2, column 8): expected Y"; the
     * position of the problem itself is the location of the error. Lines are left out for text that is not a file.
     */
    private static String syntaxMessage(String message, boolean withLines) {
        List<String> parts = new ArrayList<>();
        List<String> marks = new ArrayList<>();
        for (String line : message.lines().toList()) {
            Matcher mark = MARK.matcher(line.strip());
            if (mark.matches()) {
                marks.add("line " + mark.group(1) + ", column " + mark.group(2));
            } else if (!line.isBlank() && !Character.isWhitespace(line.charAt(0))) {
                parts.add(line.strip());
            }
        }
        if (withLines && parts.size() > 1 && marks.size() > 1) {
            parts.set(0, parts.get(0) + " (from " + marks.get(0) + ")");
        }
        return String.join(": ", parts);
    }

    private YamlNode value(JsonToken token) throws IOException {
        SourceLocation location = location(parser.currentTokenLocation());
        return switch (token) {
            case START_OBJECT -> mapping(location);
            case START_ARRAY -> sequence(location);
            default -> scalar(token, location);
        };
    }

    private YamlNode.Mapping mapping(SourceLocation location) throws IOException {
        List<YamlNode.Entry> entries = new ArrayList<>();
        for (JsonToken token = parser.nextToken(); token != JsonToken.END_OBJECT; token = parser.nextToken()) {
            // the token stream alternates FIELD_NAME and value inside an object
            String key = parser.currentName();
            SourceLocation keyLocation = location(parser.currentTokenLocation());
            entries.add(new YamlNode.Entry(key, keyLocation, value(parser.nextToken())));
        }
        return new YamlNode.Mapping(entries, location);
    }

    private YamlNode.Sequence sequence(SourceLocation location) throws IOException {
        List<YamlNode> items = new ArrayList<>();
        for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
            items.add(value(token));
        }
        return new YamlNode.Sequence(items, location);
    }

    private YamlNode.Scalar scalar(JsonToken token, SourceLocation location) throws IOException {
        String text = parser.getText();
        if (parser.isCurrentAlias()) {
            problems.error(location, "", "YAML aliases (*" + text + ") are not supported in recipes; write the value"
                    + " out");
            return new YamlNode.Scalar(YamlNode.ScalarKind.NULL, text, null, location);
        }
        return switch (token) {
            case VALUE_NUMBER_INT -> new YamlNode.Scalar(YamlNode.ScalarKind.INTEGER, text,
                    narrowest(parser.getBigIntegerValue()), location);
            case VALUE_NUMBER_FLOAT -> new YamlNode.Scalar(YamlNode.ScalarKind.FLOAT, text, floatValue(text),
                    location);
            case VALUE_TRUE, VALUE_FALSE -> new YamlNode.Scalar(YamlNode.ScalarKind.BOOLEAN, text,
                    token == JsonToken.VALUE_TRUE, location);
            case VALUE_NULL -> new YamlNode.Scalar(YamlNode.ScalarKind.NULL, text, null, location);
            default -> new YamlNode.Scalar(YamlNode.ScalarKind.STRING, text, text, location);
        };
    }

    /**
     * A YAML float: the special values {@code .nan}, {@code .inf}, {@code -.inf} (any of their three spellings, e.g.
     * {@code .NaN}, {@code +.INF}), which Jackson tokenizes as floats but cannot convert, or else Jackson's value.
     */
    private double floatValue(String text) throws IOException {
        Matcher special = SPECIAL_FLOAT.matcher(text);
        if (!special.matches()) {
            return parser.getDoubleValue();
        }
        if (special.group(2) != null) {
            return Double.NaN;
        }
        return "-".equals(special.group(1)) ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }

    /** Integer when it fits, else Long, else the BigInteger (which every typed key then rejects as too large). */
    private static Object narrowest(BigInteger value) {
        if (value.bitLength() < Integer.SIZE) {
            return value.intValue();
        }
        return value.bitLength() < Long.SIZE ? (Object) value.longValue() : value;
    }

    private SourceLocation location(JsonLocation at) {
        if (fixedLocation != null) {
            return fixedLocation;
        }
        return at == null ? new SourceLocation(source, 1, 1) : new SourceLocation(source, at.getLineNr(),
                at.getColumnNr());
    }
}
