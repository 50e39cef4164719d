package dev.tune4j.notebooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The notebooks as committed: stripped of outputs (executed copies go to target/ only), kernelspec {@code java} (what
 * IJava and JJava install under), one magic per cell and alone in it, with relative paths, so the same files open in
 * IJava, JJava and the CI kernel. Every problem is listed with the notebook and cell.
 */
class CommittedNotebooksTest {
    private static final Path NOTEBOOKS = Path.of("").toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();

    static List<Path> notebooks() throws IOException {
        try (Stream<Path> files = Files.list(NOTEBOOKS)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".ipynb")).sorted().toList();
        }
    }

    @Test
    void theThreeNotebooksAreThere() throws IOException {
        assertEquals(List.of("01-quickstart.ipynb", "02-compare-optimizers.ipynb", "03-optimizer-anatomy.ipynb"),
                notebooks().stream().map(p -> p.getFileName().toString()).toList());
    }

    @Test
    void committedNotebooksFollowTheRules() throws IOException {
        List<String> problems = new ArrayList<>();
        for (Path notebook : notebooks()) {
            problems.addAll(problems(notebook.getFileName().toString(), JSON.readTree(notebook.toFile())));
        }
        assertTrue(problems.isEmpty(), "notebook problems:\n" + String.join("\n", problems));
    }

    @Test
    void theRulesCatchOutputsMixedMagicsAndAbsolutePaths() throws IOException {
        JsonNode broken = JSON.readTree("""
                {"nbformat": 4, "metadata": {"kernelspec": {"name": "rapaio"}}, "cells": [
                  {"cell_type": "code", "source": ["%jars /abs/tune4j.jar\\n", "int x = 1;"], "outputs": [],
                   "execution_count": null, "metadata": {}},
                  {"cell_type": "code", "source": "System.out.println(1);", "execution_count": 3, "metadata": {},
                   "outputs": [{"output_type": "stream", "name": "stdout", "text": "1"}]},
                  {"cell_type": "code", "source": "%classpath ../a\\n%jars ../b.jar", "outputs": [],
                   "execution_count": null, "metadata": {}}
                ]}""");
        assertEquals(List.of(
                "x.ipynb: kernelspec name is 'rapaio', expected 'java'",
                "x.ipynb cell 0: a magic must be alone in its cell, one per cell",
                "x.ipynb cell 0: magic path '/abs/tune4j.jar' must be relative to the notebook",
                "x.ipynb cell 1: carries 1 output(s); strip outputs before committing",
                "x.ipynb cell 1: carries execution_count 3; strip outputs before committing",
                "x.ipynb cell 2: a magic must be alone in its cell, one per cell"), problems("x.ipynb", broken));
    }

    /** Every rule this notebook breaks, one message each. */
    static List<String> problems(String name, JsonNode notebook) {
        List<String> problems = new ArrayList<>();
        String kernel = notebook.path("metadata").path("kernelspec").path("name").asText("");
        if (!kernel.equals("java")) {
            problems.add(name + ": kernelspec name is '" + kernel + "', expected 'java'");
        }
        JsonNode cells = notebook.path("cells");
        for (int i = 0; i < cells.size(); i++) {
            JsonNode cell = cells.get(i);
            if (!"code".equals(cell.path("cell_type").asText())) {
                continue;
            }
            String where = name + " cell " + i + ": ";
            List<String> lines = source(cell).lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
            long magics = lines.stream().filter(l -> l.startsWith("%")).count();
            if (magics > 0 && lines.size() > 1) {
                problems.add(where + "a magic must be alone in its cell, one per cell");
            }
            for (String line : lines) {
                if (line.startsWith("%")) {
                    String[] words = line.split("\\s+");
                    for (int w = 1; w < words.length; w++) {
                        if (words[w].startsWith("/") || words[w].startsWith("~")) {
                            problems.add(where + "magic path '" + words[w] + "' must be relative to the notebook");
                        }
                    }
                }
            }
            int outputs = cell.path("outputs").size();
            if (outputs > 0) {
                problems.add(where + "carries " + outputs + " output(s); strip outputs before committing");
            }
            if (!cell.path("execution_count").isNull() && !cell.path("execution_count").isMissingNode()) {
                problems.add(where + "carries execution_count " + cell.path("execution_count").asText()
                        + "; strip outputs before committing");
            }
        }
        return problems;
    }

    private static String source(JsonNode cell) {
        JsonNode source = cell.path("source");
        if (source.isTextual()) {
            return source.asText();
        }
        StringBuilder text = new StringBuilder();
        source.forEach(part -> text.append(part.asText()));
        return text.toString();
    }
}
