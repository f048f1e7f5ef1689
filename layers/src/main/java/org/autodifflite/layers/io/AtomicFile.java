package org.autodifflite.layers.io;

import java.io.IOException;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;

/**
 * Writes a text file all at once or not at all: the text goes to a temporary file in the
 * target's directory, is forced to disk, and the temporary file is renamed over the target with
 * an atomic move. A reader sees the previous file or the new one, never half of one; a crash or
 * an error leaves the previous file (or none) and no temporary file.
 *
 * <pre>{@code
 * AtomicFile.write(Path.of("scores.csv"), text);   // ModelFile.save writes the same way
 * }</pre>
 */
public final class AtomicFile {

    private AtomicFile() {
    }

    /**
     * Writes {@code text} to {@code file} in UTF-8, atomically. A new file gets the permissions
     * {@code rw-r--r--}, a replaced one keeps its own (where the file system has POSIX
     * permissions).
     *
     * @param file the file to write (replaced if it exists); its directory must exist
     * @param text the whole content
     * @throws IOException if writing or renaming fails; the previous file, if any, is then kept
     *     and the temporary file removed
     */
    public static void write(Path file, CharSequence text) throws IOException {
        Objects.requireNonNull(text, "text");
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        // The temporary file lives next to the target: a rename within one directory (one file
        // system) is what the atomic move needs.
        Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
        try {
            keepPermissions(tmp, target);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                Writer w = Channels.newWriter(ch, StandardCharsets.UTF_8);
                w.append(text);
                w.flush();
                ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Gives the temporary file the permissions the target has (or {@code rw-r--r--} for a new
     * file) instead of the owner-only ones of a temporary file; skipped where POSIX permissions
     * are not supported.
     */
    private static void keepPermissions(Path tmp, Path target) throws IOException {
        try {
            Files.setPosixFilePermissions(tmp, Files.exists(target) ? Files.getPosixFilePermissions(target)
                    : PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the platform's defaults apply
        }
    }
}
