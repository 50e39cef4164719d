package dev.tune4j.recipe;

/**
 * Where a piece of recipe text came from: a line and column (1-based) of a file, or a {@code key=value} override of
 * the command line (line and column 0).
 *
 * @param source the file name as the user gave it, the built-in's resource name, or {@code override 'k=v'}
 * @param line 1-based line, 0 for an override
 * @param column 1-based column; for an override its 1-based position among the overrides, which orders its errors
 */
public record SourceLocation(String source, int line, int column) {

    /** The location of everything the {@code position}-th (1-based) override brings in. */
    static SourceLocation override(String keyEqualsValue, int position) {
        return new SourceLocation("override '" + keyEqualsValue + "'", 0, position);
    }

    /** Whether this points into a file (rather than at an override). */
    public boolean inFile() {
        return line > 0;
    }

    /** {@code file:line:column}, or the override's description. */
    @Override
    public String toString() {
        return inFile() ? source + ":" + line + ":" + column : source;
    }
}
