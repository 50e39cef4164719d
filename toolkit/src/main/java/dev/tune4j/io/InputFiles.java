package dev.tune4j.io;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The one place where tune4j checks an input file before reading it and decodes it as UTF-8, so that every reader
 * fails the same clear way instead of with the JDK's bare {@code Is a directory}, {@code Input length = 1} or a path
 * alone:
 *
 * <ul>
 *   <li>a missing file is a {@link NoSuchFileException} whose message is {@code <path>: <what> not found; <fix>};
 *   <li>a directory, FIFO, socket or device is a {@link FileSystemException} saying what it is and that a regular file
 *       was expected (reading a FIFO would block forever, so it is never opened);
 *   <li>bytes that are not UTF-8 are a {@link NotUtf8Exception} naming the byte offset and line of the first bad byte.
 * </ul>
 */
public final class InputFiles {
    private InputFiles() {}

    /**
     * Checks that {@code file} is a regular file (following links).
     *
     * @param what what the file should be, e.g. {@code "data file (data.path)"}
     * @throws NoSuchFileException if nothing is there
     * @throws FileSystemException if it is a directory or not a regular file
     */
    public static Path requireRegularFile(Path file, String what) throws FileSystemException {
        if (Files.isRegularFile(file)) {
            return file;
        }
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, what + " not found (looked at "
                    + file.toAbsolutePath().normalize() + "); check the path");
        }
        if (Files.isDirectory(file)) {
            throw new FileSystemException(file.toString(), null, "is a directory, but a " + what + " must be a"
                    + " file; give the path of the file inside it");
        }
        throw new FileSystemException(file.toString(), null, "is not a regular file (a FIFO, socket or device), but"
                + " a " + what + " must be one; tune4j does not read from pipes or devices because they can block"
                + " forever. Copy the data into a file and give that path");
    }

    /**
     * The whole file as UTF-8 text, after {@link #requireRegularFile}.
     *
     * @throws NotUtf8Exception naming the offset and line of the first byte that is not UTF-8
     */
    public static String readUtf8(Path file, String what) throws IOException {
        requireRegularFile(file, what);
        byte[] bytes = Files.readAllBytes(file);
        CharsetDecoder decoder = strictDecoder();
        try {
            return decoder.decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw notUtf8(file, what, bytes);
        }
    }

    /**
     * A strict UTF-8 reader of {@code file}, after {@link #requireRegularFile}. A {@link CharacterCodingException}
     * from it should be turned into a clear one with {@link #notUtf8(Path, String)}.
     */
    public static BufferedReader newUtf8Reader(Path file, String what) throws IOException {
        requireRegularFile(file, what);
        return new BufferedReader(new InputStreamReader(Files.newInputStream(file), strictDecoder()));
    }

    /**
     * The exception for a file that failed to decode as UTF-8: reads it again to find the first bad byte.
     *
     * @param what what the file should be, e.g. {@code "metrics file"}
     */
    public static NotUtf8Exception notUtf8(Path file, String what) throws IOException {
        return notUtf8(file, what, Files.readAllBytes(file));
    }

    private static NotUtf8Exception notUtf8(Path file, String what, byte[] bytes) {
        CharsetDecoder decoder = strictDecoder();
        ByteBuffer input = ByteBuffer.wrap(bytes);
        CharBuffer output = CharBuffer.allocate(8192);
        long line = 1;
        while (true) {
            int start = input.position();
            var result = decoder.decode(input, output, true);
            for (int i = start; i < input.position(); i++) {
                if (bytes[i] == '\n') {
                    line++;
                }
            }
            if (result.isError() || !result.isOverflow()) {
                return new NotUtf8Exception(file, input.position(), line, what);
            }
            output.clear();
        }
    }

    private static CharsetDecoder strictDecoder() {
        return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
    }
}
