package org.autodifflite.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.autodifflite.core.Tensor;

/**
 * Loads a user's own data for {@code train --csv FILE --label COLUMN}: a comma-separated file
 * whose first line names the columns, one sample per following line, every field a number and
 * the label column 0 or 1. Blank lines are skipped. Any malformed row is an error naming the file,
 * the line number (the header is line 1) and the column, so the user can go straight to it.
 */
final class CsvData {

    private CsvData() {
    }

    /**
     * Reads the file.
     *
     * @param file the CSV file
     * @param labelColumn the name of the column holding the 0/1 labels; every other column is a
     *     feature
     * @return the data set, samples as columns
     * @throws IllegalArgumentException if the file cannot be read, has no header or no rows, the
     *     label column is missing, or a row is short, long, or holds something other than a finite
     *     number (or, in the label column, 0 or 1)
     */
    static Dataset load(Path file, String labelColumn) {
        List<String> lines;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            lines = in.lines().toList();
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("CSV file " + file + " does not exist", e);
        } catch (IOException | UncheckedIOException e) {
            throw new IllegalArgumentException("cannot read CSV file " + file + ": " + e.getMessage(), e);
        }
        if (lines.isEmpty() || lines.get(0).isBlank()) {
            throw new IllegalArgumentException(file + " line 1: expected a header naming the columns"
                    + " (for example: amount,hour,fraud), found " + (lines.isEmpty() ? "an empty file" : "a blank line"));
        }
        String[] header = split(stripBom(lines.get(0)));
        int label = -1;
        for (int c = 0; c < header.length; c++) {
            if (header[c].isEmpty()) {
                throw new IllegalArgumentException(file + " line 1: column " + (c + 1) + " has no name");
            }
            for (int d = 0; d < c; d++) {
                if (header[d].equals(header[c])) {
                    throw new IllegalArgumentException(file + " line 1: column name '" + header[c]
                            + "' appears twice (columns " + (d + 1) + " and " + (c + 1) + ")");
                }
            }
            if (header[c].equals(labelColumn)) {
                label = c;
            }
        }
        if (label < 0) {
            throw new IllegalArgumentException(file + ": no column named '" + labelColumn
                    + "'; the header has " + List.of(header) + ". Pass one of them with --label");
        }
        if (header.length < 2) {
            throw new IllegalArgumentException(file + ": only the label column '" + labelColumn
                    + "' is present; at least one feature column is needed");
        }
        List<String> names = new ArrayList<>();
        for (int c = 0; c < header.length; c++) {
            if (c != label) {
                names.add(header[c]);
            }
        }
        List<double[]> rows = new ArrayList<>();
        List<Double> labels = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            int lineNo = i + 1;
            String[] fields = split(line);
            if (fields.length != header.length) {
                throw new IllegalArgumentException(file + " line " + lineNo + ": expected "
                        + header.length + " fields (one per header column), found " + fields.length
                        + (fields.length < header.length ? "; the row is short, missing '"
                                + header[fields.length] + "'" : ""));
            }
            double[] row = new double[header.length - 1];
            for (int c = 0, k = 0; c < fields.length; c++) {
                double v = number(file, lineNo, c, header[c], fields[c]);
                if (c == label) {
                    if (v != 0 && v != 1) {
                        throw new IllegalArgumentException(file + " line " + lineNo + ", label column '"
                                + header[c] + "': " + fields[c] + " is not 0 or 1");
                    }
                    labels.add(v);
                } else {
                    row[k++] = v;
                }
            }
            rows.add(row);
        }
        if (rows.isEmpty()) {
            throw new IllegalArgumentException(file + ": the header is the only line; no samples to train on");
        }
        Tensor x = Tensor.zeros(names.size(), rows.size());
        Tensor y = Tensor.zeros(1, rows.size());
        for (int j = 0; j < rows.size(); j++) {
            for (int f = 0; f < names.size(); f++) {
                x.set(f, j, rows.get(j)[f]);
            }
            y.set(0, j, labels.get(j));
        }
        return new Dataset(file.getFileName().toString(), names, x, y);
    }

    private static double number(Path file, int lineNo, int col, String name, String field) {
        String where = file + " line " + lineNo + ", column " + (col + 1) + " '" + name + "': ";
        if (field.isEmpty()) {
            throw new IllegalArgumentException(where + "the field is empty; every field must be a number");
        }
        double v;
        try {
            v = Double.parseDouble(field);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + "'" + field + "' is not a number", e);
        }
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException(where + "'" + field + "' is not a finite number");
        }
        return v;
    }

    /** Splits on commas, trimming spaces and one pair of surrounding double quotes per field. */
    private static String[] split(String line) {
        String[] parts = line.split(",", -1);
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i].trim();
            if (p.length() >= 2 && p.startsWith("\"") && p.endsWith("\"")) {
                p = p.substring(1, p.length() - 1).trim();
            }
            parts[i] = p;
        }
        return parts;
    }

    private static String stripBom(String s) {
        return s.startsWith("\uFEFF") ? s.substring(1) : s;
    }
}
