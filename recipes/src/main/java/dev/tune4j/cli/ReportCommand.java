package dev.tune4j.cli;

import dev.tune4j.report.Report;
import dev.tune4j.report.WrittenReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tune4j report <runs-dir>}: (re)writes the comparison report of a runs directory from its run files and
 * prints the files it wrote, then the conclusion. A runs directory that does not exist is a usage error (exit 2);
 * one without runs, or with malformed run files, is a failure (exit 1, one line naming the file).
 */
@Command(
        name = "report",
        mixinStandardHelpOptions = true,
        description = "Write report.md, report.html, summary.csv, summary.json and charts/*.png into RUNS_DIR from "
                + "its <variant>/seed-<n>/ runs.")
final class ReportCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RUNS_DIR",
            description = "Output directory of a comparison: <variant>/seed-<n>/ runs and recipe.resolved.yaml.")
    private Path runsDir;

    @Override
    public Integer call() throws IOException {
        if (!Files.exists(runsDir)) {
            throw new ParameterException(spec.commandLine(), "runs directory " + runsDir + " does not exist");
        }
        if (!Files.isDirectory(runsDir)) {
            throw new ParameterException(spec.commandLine(), runsDir + " is not a directory");
        }
        WrittenReport report = Report.write(runsDir);
        PrintWriter out = spec.commandLine().getOut();
        report.files().forEach(out::println);
        out.println(report.conclusion());
        out.flush();
        return Tune4jCommand.EXIT_OK;
    }
}
