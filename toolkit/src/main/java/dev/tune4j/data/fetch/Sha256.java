package dev.tune4j.data.fetch;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 digests of fetched files, as lower-case hex, and the check against a pinned value. */
public final class Sha256 {
    private Sha256() {}

    /** The digest of a file, read as a stream. */
    public static String of(Path file) throws IOException {
        MessageDigest digest = newDigest();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** The digest of bytes in memory. */
    public static String of(byte[] bytes) {
        return HexFormat.of().formatHex(newDigest().digest(bytes));
    }

    /**
     * Throws unless {@code file} has the expected digest.
     *
     * @param what names the file in the error, e.g. "npm package llama-tokenizer-js@1.2.2"
     * @throws IOException naming {@code what}, the file, the expected and the actual digest
     */
    public static void verify(Path file, String expected, String what) throws IOException {
        String actual = of(file);
        if (!actual.equalsIgnoreCase(expected)) {
            throw new IOException("sha256 mismatch for " + what + " (" + file + "): expected " + expected
                    + ", actual " + actual + ". The source served other bytes than the pinned ones; check the "
                    + "name and version, and update the pinned sha256 only after checking the new contents");
        }
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256 MessageDigest", e);
        }
    }
}
