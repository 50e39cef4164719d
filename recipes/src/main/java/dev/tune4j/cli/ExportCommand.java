package dev.tune4j.cli;

import dev.tune4j.run.ModelExport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tune4j export RUN_OR_CHECKPOINT_DIR --output DIR [--merged]}: writes the saved model of a run or checkpoint
 * as a Hugging Face model directory, or a LoRA run's PEFT adapter directory ({@link ModelExport}). A source without a
 * saved model, a full model with {@code --merged}, or an output directory that is not empty are usage errors (exit 2).
 */
@Command(
        name = "export",
        mixinStandardHelpOptions = true,
        description = "Write the saved model of a run or checkpoint as a Hugging Face model directory (full"
                + " fine-tuning, or a LoRA adapter merged into its base with --merged) or a PEFT adapter directory.")
final class ExportCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RUN_OR_CHECKPOINT_DIR",
            description = "A run directory (<output_dir>/<variant>/seed-<n>), one of its checkpoints, or a model or"
                    + " adapter directory.")
    private Path source;

    @Option(names = "--output", required = true, paramLabel = "DIR",
            description = "The directory to write; must not exist or be empty.")
    private Path output;

    @Option(names = "--merged", description = "Fold a LoRA adapter into its base model and write the full model.")
    private boolean merged;

    @Override
    public Integer call() throws IOException {
        try {
            ModelExport.export(source, output, merged, spec.commandLine().getOut());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        return Tune4jCommand.EXIT_OK;
    }
}
