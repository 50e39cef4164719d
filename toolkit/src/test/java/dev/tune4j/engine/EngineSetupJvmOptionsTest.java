package dev.tune4j.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A JVM started without the options tune4j needs (a notebook kernel from a bare kernelspec) is told which one is
 * missing by {@link EngineSetup#configure()}: each case starts a real child JVM with some of the options left out.
 */
class EngineSetupJvmOptionsTest {

    /** The child's main: configure, then print OK or the refusal. */
    public static final class Probe {
        public static void main(String[] args) {
            try {
                EngineSetup.configure();
                System.out.println("OK");
            } catch (IllegalStateException e) {
                System.out.println("REFUSED " + e.getMessage());
            }
        }
    }

    @Test
    void thisTestJvmHasBothOptions() {
        assertEquals(List.of(), EngineSetup.missingJvmOptions());
    }

    @Test
    void bothOptionsMissingAreBothNamed() throws Exception {
        String output = runProbe(List.of());
        assertTrue(output.startsWith("REFUSED this JVM was started without --add-modules jdk.incubator.vector and"
                + " --enable-native-access=ALL-UNNAMED, "), output);
        assertTrue(output.contains("kernel.json"), output);
    }

    @Test
    void onlyTheVectorModuleMissing() throws Exception {
        String output = runProbe(List.of("--enable-native-access=ALL-UNNAMED"));
        assertTrue(output.startsWith("REFUSED this JVM was started without --add-modules jdk.incubator.vector, "),
                output);
    }

    @Test
    void onlyNativeAccessMissing() throws Exception {
        String output = runProbe(List.of("--add-modules", "jdk.incubator.vector"));
        assertTrue(output.startsWith("REFUSED this JVM was started without --enable-native-access=ALL-UNNAMED, "),
                output);
    }

    @Test
    void bothOptionsGivenConfigures() throws Exception {
        String output = runProbe(List.of("--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"));
        assertEquals("OK", output);
    }

    private static String runProbe(List<String> options) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(options);
        command.add("-Dai.djl.offline=true");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Probe.class.getName());
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "probe JVM did not end");
        return output;
    }
}
