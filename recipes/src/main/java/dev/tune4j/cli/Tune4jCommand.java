package dev.tune4j.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * The {@code tune4j} command line. Subcommands arrive with the features they drive; each is a picocli command class
 * in this package, registered below.
 *
 * <p>Exit codes: {@value #EXIT_OK} success, {@value #EXIT_FAILURE} the work failed (one line on stderr says why),
 * {@value #EXIT_USAGE} bad command line (one line on stderr, never a stack trace), {@value #EXIT_INTERRUPTED} a run
 * or comparison stopped early, after its checkpoint (a signal ends the JVM with 128 + its number instead). Set
 * {@code TUNE4J_DEBUG=1} to get stack traces of failures.
 */
@Command(
        name = "tune4j",
        mixinStandardHelpOptions = true,
        versionProvider = Tune4jVersion.class,
        description = "Fine-tune Llama-2 and BERT models on DJL and compare optimizers (SOAA, GaLore, 8-bit Adam, Adam/AdamW).",
        subcommands = {EnvCommand.class, ImportCommand.class, DataCommand.class, BenchCommand.class,
                ListRecipesCommand.class, CopyRecipeCommand.class, ValidateRecipeCommand.class, RunRecipeCommand.class,
                CompareCommand.class, ReportCommand.class, ExportCommand.class},
        usageHelpAutoWidth = true)
public final class Tune4jCommand implements Runnable {
    /** Success. */
    public static final int EXIT_OK = 0;
    /** The requested work failed. */
    public static final int EXIT_FAILURE = 1;
    /** The command line was wrong. */
    public static final int EXIT_USAGE = 2;
    /** A run or comparison was stopped before its end (the shell's code for SIGINT); {@code --resume} goes on. */
    public static final int EXIT_INTERRUPTED = 130;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        // `tune4j` alone: show what there is to run, and say it was not a complete command.
        spec.commandLine().usage(spec.commandLine().getErr());
        throw new ParameterException(spec.commandLine(), "no subcommand given");
    }

    /** Builds the configured command line; tests call this and {@link CommandLine#execute} directly. */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new Tune4jCommand());
        commandLine.setParameterExceptionHandler(Tune4jCommand::usageError);
        commandLine.setExecutionExceptionHandler(Tune4jCommand::failure);
        return commandLine;
    }

    /** Entry point of the {@code ./tune4j} launcher. */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    private static int usageError(ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        PrintWriter err = command.getErr();
        StringBuilder line = new StringBuilder("tune4j: ").append(stripPeriod(e.getMessage()));
        if (e instanceof CommandLine.UnmatchedArgumentException unmatched && !unmatched.getSuggestions().isEmpty()) {
            line.append(" (did you mean ").append(String.join(" or ", unmatched.getSuggestions())).append("?)");
        }
        line.append("; see '").append(command.getCommandSpec().qualifiedName()).append(" --help'");
        err.println(line);
        err.flush();
        return EXIT_USAGE;
    }

    private static int failure(Exception e, CommandLine command, ParseResult parseResult) {
        PrintWriter err = command.getErr();
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        err.println("tune4j " + command.getCommandName() + ": " + message.lines().findFirst().orElse(message));
        if ("1".equals(System.getenv("TUNE4J_DEBUG"))) {
            e.printStackTrace(err);
        }
        err.flush();
        return EXIT_FAILURE;
    }

    private static String stripPeriod(String message) {
        return message.endsWith(".") ? message.substring(0, message.length() - 1) : message;
    }
}
