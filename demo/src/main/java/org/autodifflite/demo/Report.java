package org.autodifflite.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.autodifflite.check.CheckReport;

/** Writes a check report's HTML page. */
final class Report {

    private Report() {
    }

    /**
     * Writes {@link CheckReport#toHtml()} to a file, making its folder if needed.
     *
     * @param report the report
     * @param file where to write it
     * @throws UncheckedIOException if the file cannot be written
     */
    static void writeHtml(CheckReport report, Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(file, report.toHtml(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the HTML report to " + file.toAbsolutePath(), e);
        }
    }
}
