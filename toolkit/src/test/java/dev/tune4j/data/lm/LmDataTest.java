package dev.tune4j.data.lm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tune4j.data.DataFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LmDataTest {
    @TempDir
    Path directory;

    @Test
    void heldOutIsTheLastPartByPosition() {
        TokenStream stream = new TokenStream(new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
        HeldOutSplit split = stream.splitByPosition(0.2);
        assertArrayEquals(new int[] {1, 2, 3, 4, 5, 6, 7, 8}, split.train());
        assertArrayEquals(new int[] {9, 10}, split.heldOut());
        assertArrayEquals(new int[] {1, 2, 3}, stream.head(3).ids());
        assertThrows(IllegalArgumentException.class, () -> stream.splitByPosition(1.0));
    }

    @Test
    void packingMakesFixedLengthSequencesAndCountsTheRest() {
        PackedSequences packed = PackedSequences.pack(new int[] {1, 2, 3, 4, 5, 6, 7}, 3);
        assertEquals(2, packed.sequences().size());
        assertArrayEquals(new long[] {1, 2, 3}, packed.sequences().get(0));
        assertArrayEquals(new long[] {4, 5, 6}, packed.sequences().get(1));
        assertEquals(1, packed.droppedTokens());
        assertEquals(4, packed.predictedTokens());
        assertThrows(IllegalArgumentException.class, () -> PackedSequences.pack(new int[] {1, 2}, 3));
    }

    @Test
    void unigramAndBigramByHand() {
        int[] train = {0, 1, 0, 1, 2};
        int[] heldOut = {0, 1, 2};
        // add-one unigram: counts (2, 2, 1), N = 5, V = 3 -> P = (3/8, 3/8, 2/8); scored tokens 1 and 2
        double unigram = -(Math.log(3.0 / 8) + Math.log(2.0 / 8)) / 2;
        assertEquals(unigram, NgramBaselines.unigram(train, heldOut, 3).crossEntropy(), 1e-12);
        // bigram, λ = 0.5: c(0) = 2, c(0,1) = 2; c(1) = 2, c(1,2) = 1
        // P(1|0) = 0.5 * 2/2 + 0.5 * 3/8 = 0.6875; P(2|1) = 0.5 * 1/2 + 0.5 * 2/8 = 0.375
        double bigram = -(Math.log(0.6875) + Math.log(0.375)) / 2;
        NgramBaselines.Baseline result = NgramBaselines.interpolatedBigram(train, heldOut, 3, 0.5);
        assertEquals(bigram, result.crossEntropy(), 1e-12);
        assertEquals(Math.exp(bigram), result.perplexity(), 1e-9);
        // a context never seen in training (2) falls back to the unigram: P(0|2) = 3/8
        assertEquals(-Math.log(3.0 / 8), NgramBaselines.interpolatedBigram(train, new int[] {2, 0}, 3, 0.9)
                .crossEntropy(), 1e-12);
    }

    @Test
    void tunedLambdaIsFromTheGridAndNeverWorseOnItsDevelopmentSlice() {
        // a deterministic pseudo-text: a strong bigram pattern (i -> i+1 mod 7) with noise every 5th token
        int[] tokens = new int[2000];
        for (int i = 1; i < tokens.length; i++) {
            tokens[i] = i % 5 == 0 ? (i * 31) % 11 : (tokens[i - 1] + 1) % 7;
        }
        int[] train = java.util.Arrays.copyOf(tokens, 1800);
        int[] heldOut = java.util.Arrays.copyOfRange(tokens, 1800, 2000);
        NgramBaselines.Baseline tuned = NgramBaselines.interpolatedBigram(train, heldOut, 11);
        double lambda = tuned.lambda();
        assertEquals(0, Math.round(lambda * 100) % 5, "λ = " + lambda + " is on the 0.05 grid");
        assertTrue(lambda > 0.5, "a strong bigram pattern should get a large λ, got " + lambda);
        assertTrue(tuned.crossEntropy() < NgramBaselines.unigram(train, heldOut, 11).crossEntropy());
    }

    @Test
    void mobyDickReaderFollowsTheFileList() throws IOException {
        // project-made miniature of the package layout
        Path data = Files.createDirectories(directory.resolve("pkg/data"));
        Files.writeString(data.resolve("file_list.json"), "[\"chapter_2.txt\", \"chapter_1.txt\"]");
        Files.writeString(data.resolve("chapter_1.txt"), "Call me Ishmael.");
        Files.writeString(data.resolve("chapter_2.txt"), "Second.");
        assertEquals(List.of("Second.", "Call me Ishmael."), PlainTextCorpora.mobyDick(directory.resolve("pkg")));
        Files.delete(data.resolve("chapter_1.txt"));
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> PlainTextCorpora.mobyDick(directory.resolve("pkg")));
        assertTrue(e.getMessage().contains("lists 'chapter_1.txt'"), e.getMessage());
    }
}
