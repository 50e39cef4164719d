package dev.tune4j.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Which class path a comparison's child runs get (the notebook kernel's case is the one that used to break). */
class ChildClassPathTest {
    private static final String SEP = File.pathSeparator;

    @Test
    void launcherJvmKeepsItsClassPath() {
        assertEquals("/repo/recipes/target/tune4j.jar",
                ComparisonRunner.childClassPath("/repo/recipes/target/tune4j.jar",
                        Path.of("/repo/recipes/target/tune4j.jar")));
    }

    @Test
    void mavenJvmKeepsItsClassPathWhenTheClassesDirectoryIsOnIt() {
        String classPath = "/repo/recipes/target/test-classes" + SEP + "/repo/recipes/target/classes/" + SEP
                + "/m2/picocli.jar";
        assertEquals(classPath, ComparisonRunner.childClassPath(classPath, Path.of("/repo/recipes/target/classes")));
    }

    @Test
    void notebookKernelPutsTheJarItLoadedTune4jFromFirst() {
        String kernel = "/k/kernel-startup-fix.jar" + SEP + "/k/rapaio-jupyter-kernel-3.0.1.jar";
        assertEquals("/repo/recipes/target/tune4j.jar" + SEP + kernel,
                ComparisonRunner.childClassPath(kernel, Path.of("/repo/notebooks/../recipes/target/tune4j.jar")));
    }

    @Test
    void unknownLocationKeepsTheClassPath() {
        assertEquals("/a.jar", ComparisonRunner.childClassPath("/a.jar", null));
    }
}
