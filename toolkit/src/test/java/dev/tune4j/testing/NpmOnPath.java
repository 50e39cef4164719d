package dev.tune4j.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Test fixture (written by the project): whether an {@code npm} executable is on the {@code PATH}. Tests that must
 * fetch an npm package skip (JUnit assumption) only when this is false, and never pass silently otherwise.
 */
public final class NpmOnPath {
    private NpmOnPath() {}

    /** True if some {@code PATH} entry holds an executable file named {@code npm}. */
    public static boolean available() {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String directory : path.split(File.pathSeparator)) {
            if (!directory.isEmpty() && Files.isExecutable(Path.of(directory, "npm"))) {
                return true;
            }
        }
        return false;
    }

    /** The message a skipped test shows. */
    public static final String SKIP_MESSAGE = "npm is not on the PATH; install Node.js and npm (Debian package 'npm') "
            + "to run the tests that fetch npm packages";
}
