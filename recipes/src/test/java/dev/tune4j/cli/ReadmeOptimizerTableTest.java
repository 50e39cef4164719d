package dev.tune4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tune4j.optim.Optimizers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * README's optimizer table lists exactly the ids registered through ServiceLoader (every optimizer module is on this
 * module's class path), so adding, renaming or removing an optimizer without its row fails here instead of leaving
 * the README stale.
 */
class ReadmeOptimizerTableTest {
    private static final Path README = Path.of("..", "README.md"); // surefire runs in the module's directory
    private static final Pattern ID = Pattern.compile("`([a-z0-9_]+)`");

    @Test
    void theOptimizerTableListsEveryRegisteredIdAndNoOther() throws IOException {
        Set<String> registered = new TreeSet<>(Optimizers.all().keySet());
        assertFalse(registered.isEmpty(), "no optimizer registered on the class path");
        List<String> rows = optimizerTableRows(Files.readAllLines(README));
        Set<String> listed = new TreeSet<>();
        for (String row : rows) {
            Matcher ids = ID.matcher(row.split("\\|")[1]);
            boolean any = false;
            while (ids.find()) {
                assertTrue(listed.add(ids.group(1)), "README lists " + ids.group(1) + " twice");
                any = true;
            }
            assertTrue(any, "a row of README's optimizer table names no id: " + row);
        }
        Set<String> missing = new TreeSet<>(registered);
        missing.removeAll(listed);
        Set<String> unknown = new TreeSet<>(listed);
        unknown.removeAll(registered);
        assertEquals(Set.of(), missing, "registered ids missing from README's optimizer table");
        assertEquals(Set.of(), unknown, "ids in README's optimizer table that no optimizer registers");
    }

    /** The body rows of the first table under "## Optimizers" (header and separator left out). */
    static List<String> optimizerTableRows(List<String> readme) {
        int section = readme.indexOf("## Optimizers");
        assertTrue(section >= 0, "README has no '## Optimizers' section");
        List<String> rows = new ArrayList<>();
        boolean inTable = false;
        for (String line : readme.subList(section + 1, readme.size())) {
            if (line.startsWith("## ")) {
                break;
            }
            if (line.startsWith("|")) {
                inTable = true;
                rows.add(line);
            } else if (inTable) {
                break;
            }
        }
        assertTrue(rows.size() > 2, "no table under '## Optimizers' in README");
        assertTrue(rows.get(0).startsWith("| id |"), "the table's first column is the id: " + rows.get(0));
        return rows.subList(2, rows.size());
    }

    @Test
    void rowsAreReadFromTheFirstTableOfTheSectionOnly() {
        List<String> readme = List.of("## Models", "| id | x |", "|---|---|", "| `nope` | x |", "", "## Optimizers",
                "text", "| id | what | state |", "|---|---|---|", "| `adam`, `adamw` | a | b |", "| `soaa` | c | d |",
                "", "| id | other |", "|---|---|", "| `later` | e |", "## Recipes");
        assertEquals(List.of("| `adam`, `adamw` | a | b |", "| `soaa` | c | d |"), optimizerTableRows(readme));
    }
}
