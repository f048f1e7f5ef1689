package org.autodifflite.layers.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.autodifflite.core.Tensor;

/**
 * A comma-separated file read into named columns: the first line names the columns, every
 * following non-blank line is one sample. Reading checks the structure (a header, unique names,
 * one field per column on every row); the fields are turned into numbers when columns are taken
 * out with {@link #column(String)}, {@link #matrix(List)} or {@link #toDataset(String, List)}, so
 * a column that is not numeric (an id, a comment) is only an error if it is used.
 *
 * <pre>{@code
 * CsvTable table = CsvTable.read(Path.of("tx.csv"));
 * table.columnNames();                         // [amount, hour, fraud]
 * Dataset data = table.toDataset("fraud");     // every other column a feature, labels 0/1
 * Tensor x = table.matrix(List.of("amount", "hour"));   // features × samples, no label
 * }</pre>
 *
 * <p><b>Format.</b> UTF-8 (a byte-order mark is skipped); fields separated by commas, spaces
 * around a field ignored; a field may be enclosed in double quotes, and then may hold commas and
 * doubled quotes ({@code ""} for one {@code "}); a quoted field does not span lines. Blank lines
 * are skipped. A number is anything {@link Double#parseDouble(String)} accepts that is finite.
 *
 * <p><b>Errors.</b> Every problem is an {@link IllegalArgumentException} whose message begins
 * with the file's absolute path and, for a problem in a row, the line number (the header is
 * line 1) and the column (its 1-based position and its name), for example
 * {@code /data/tx.csv line 4, column 2 'hour': 'x' is not a number; every field must be a number:
 * correct it or remove the row}. {@link #read(Path)} reports
 * the first problem of structure in the file; taking columns out reports the first field of those
 * columns, in file order, that is not what it must be.
 */
public final class CsvTable {

    private final Path source;
    private final List<String> names;
    private final List<String[]> rows;
    private final int[] lines;

    private CsvTable(Path source, List<String> names, List<String[]> rows, int[] lines) {
        this.source = source;
        this.names = names;
        this.rows = rows;
        this.lines = lines;
    }

    /**
     * Reads a CSV file and checks its structure.
     *
     * @param file the file; a relative path is resolved against the working directory, and
     *     messages name the absolute path
     * @return the table
     * @throws IllegalArgumentException if the file does not exist or cannot be read, the header is
     *     missing, a column has no name or a name appears twice, there are no rows, or a row has
     *     more or fewer fields than the header
     */
    public static CsvTable read(Path file) {
        Objects.requireNonNull(file, "file");
        Path abs = file.toAbsolutePath().normalize();
        List<String> text;
        try (BufferedReader in = Files.newBufferedReader(abs, StandardCharsets.UTF_8)) {
            text = in.lines().toList();
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("CSV file " + abs + " does not exist"
                    + (file.isAbsolute() ? "" : " (the path " + file + " was resolved against the working directory "
                            + Path.of("").toAbsolutePath() + ")"), e);
        } catch (IOException | UncheckedIOException e) {
            throw new IllegalArgumentException("cannot read CSV file " + abs + ": " + e.getMessage(), e);
        }
        if (text.isEmpty() || text.get(0).isBlank()) {
            throw new IllegalArgumentException(abs + " line 1: expected a header naming the columns"
                    + " (for example: x1,x2,label), found " + (text.isEmpty() ? "an empty file" : "a blank line"));
        }
        String first = text.get(0);
        String[] header = split(abs, 1, first.startsWith("\uFEFF") ? first.substring(1) : first);
        for (int c = 0; c < header.length; c++) {
            if (header[c].isEmpty()) {
                throw new IllegalArgumentException(abs + " line 1: column " + (c + 1) + " has no name");
            }
            for (int d = 0; d < c; d++) {
                if (header[d].equals(header[c])) {
                    throw new IllegalArgumentException(abs + " line 1: column name '" + header[c]
                            + "' appears twice (columns " + (d + 1) + " and " + (c + 1) + ")");
                }
            }
        }
        List<String[]> rows = new ArrayList<>();
        int[] lines = new int[text.size()];
        for (int i = 1; i < text.size(); i++) {
            String line = text.get(i);
            if (line.isBlank()) {
                continue;
            }
            int lineNo = i + 1;
            String[] fields = split(abs, lineNo, line);
            if (fields.length != header.length) {
                throw new IllegalArgumentException(abs + " line " + lineNo + ": expected "
                        + header.length + " fields (one per header column), found " + fields.length
                        + (fields.length < header.length ? "; the row is short, missing '"
                                + header[fields.length] + "'" : ""));
            }
            lines[rows.size()] = lineNo;
            rows.add(fields);
        }
        if (rows.isEmpty()) {
            throw new IllegalArgumentException(abs + ": the header is the only line; no samples to read");
        }
        return new CsvTable(abs, List.of(header), Collections.unmodifiableList(rows),
                java.util.Arrays.copyOf(lines, rows.size()));
    }

    /** @return the absolute path of the file this table was read from */
    public Path source() {
        return source;
    }

    /** @return the column names, in the order of the header (unmodifiable) */
    public List<String> columnNames() {
        return names;
    }

    /** @return the number of samples: the non-blank lines after the header */
    public int size() {
        return rows.size();
    }

    /**
     * The line of the file a sample was read from, for messages of one's own.
     *
     * @param sample a sample index, {@code 0 … size()−1}
     * @return its line number (the header is line 1; blank lines count)
     * @throws IndexOutOfBoundsException if the index is out of range
     */
    public int lineOf(int sample) {
        Objects.checkIndex(sample, rows.size());
        return lines[sample];
    }

    /**
     * One column as numbers.
     *
     * @param name the column's name
     * @return its values, one per sample (a new array)
     * @throws IllegalArgumentException if there is no such column, or a field of it is empty or
     *     not a finite number (the message names line and column)
     */
    public double[] column(String name) {
        return matrix(List.of(name)).data().clone();
    }

    /**
     * Some columns as a matrix with one sample per column, as models take them: row {@code i}
     * holds column {@code names.get(i)}. For data without labels, such as inputs to predict on.
     *
     * @param columns the names of the columns, in the order wanted; at least one
     * @return a {@code columns.size() × size()} tensor
     * @throws IllegalArgumentException if a name is not a column or is given twice, or a field of
     *     these columns is empty or not a finite number (the first such field in the file is named)
     */
    public Tensor matrix(List<String> columns) {
        int[] idx = indices(columns, "columns");
        Tensor x = Tensor.zeros(idx.length, rows.size());
        for (int j = 0; j < rows.size(); j++) {
            String[] row = rows.get(j);
            for (int f = 0; f < idx.length; f++) {
                x.set(f, j, number(j, idx[f], row[idx[f]]));
            }
        }
        return x;
    }

    /**
     * A binary-classification data set: the label column holds 0 and 1, and every other column is
     * a feature, in header order.
     *
     * @param labelColumn the name of the column holding the labels
     * @return the data set, samples as columns; its source is the file's absolute path
     * @throws IllegalArgumentException as {@link #toDataset(String, List)}, or if the label column
     *     is the only column
     */
    public Dataset toDataset(String labelColumn) {
        Objects.requireNonNull(labelColumn, "labelColumn");
        requireColumn(labelColumn, "label column");
        if (names.size() < 2) {
            throw new IllegalArgumentException(source + ": only the label column '" + labelColumn
                    + "' is present; at least one feature column is needed");
        }
        List<String> features = new ArrayList<>(names);
        features.remove(labelColumn);
        return toDataset(labelColumn, features);
    }

    /**
     * A binary-classification data set from chosen columns: features in the given order, labels
     * from {@code labelColumn}, which must hold 0 or 1 on every row (map the two classes to 0 and
     * 1 first: {@code no → 0, yes → 1}).
     *
     * @param labelColumn the name of the column holding the 0/1 labels
     * @param featureColumns the names of the feature columns, at least one, not the label column
     * @return the data set: features {@code featureColumns.size() × size()}, labels
     *     {@code 1 × size()}; its source is the file's absolute path
     * @throws IllegalArgumentException if a column is missing or named twice, the label column is
     *     also a feature, a feature field is empty or not a finite number, or a label is not 0 or
     *     1 (every message names the file, line and column)
     */
    public Dataset toDataset(String labelColumn, List<String> featureColumns) {
        Objects.requireNonNull(labelColumn, "labelColumn");
        int label = requireColumn(labelColumn, "label column");
        int[] idx = indices(featureColumns, "feature columns");
        for (int c : idx) {
            if (c == label) {
                throw new IllegalArgumentException(source + ": the label column '" + labelColumn
                        + "' is also listed as a feature; a model would see the answer. Remove it from the features");
            }
        }
        Tensor x = Tensor.zeros(idx.length, rows.size());
        Tensor y = Tensor.zeros(1, rows.size());
        for (int j = 0; j < rows.size(); j++) {
            String[] row = rows.get(j);
            for (int c = 0, f = 0; c < row.length; c++) {
                if (c == label) {
                    y.set(0, j, label(j, c, row[c]));
                } else if ((f = position(idx, c)) >= 0) {
                    x.set(f, j, number(j, c, row[c]));
                }
            }
        }
        List<String> featureNames = new ArrayList<>();
        for (int c : idx) {
            featureNames.add(names.get(c));
        }
        return new Dataset(source.toString(), featureNames, x, y);
    }

    private static int position(int[] idx, int c) {
        for (int i = 0; i < idx.length; i++) {
            if (idx[i] == c) {
                return i;
            }
        }
        return -1;
    }

    private int requireColumn(String name, String role) {
        int c = names.indexOf(name);
        if (c < 0) {
            throw new IllegalArgumentException(source + ": no column named '" + name + "'; the header has "
                    + names + ". Pass one of them as the " + role);
        }
        return c;
    }

    private int[] indices(List<String> columns, String role) {
        Objects.requireNonNull(columns, role);
        if (columns.isEmpty()) {
            throw new IllegalArgumentException(source + ": no " + role + " given; name at least one of " + names);
        }
        int[] idx = new int[columns.size()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = requireColumn(Objects.requireNonNull(columns.get(i), role + " name"), role.replace("columns", "column"));
            for (int k = 0; k < i; k++) {
                if (idx[k] == idx[i]) {
                    throw new IllegalArgumentException(source + ": column '" + columns.get(i)
                            + "' is listed twice among the " + role + " " + columns);
                }
            }
        }
        return idx;
    }

    private String where(int sample, int col) {
        return source + " line " + lines[sample] + ", column " + (col + 1) + " '" + names.get(col) + "': ";
    }

    private double number(int sample, int col, String field) {
        String where = where(sample, col);
        if (field.isEmpty()) {
            throw new IllegalArgumentException(where + "the field is empty; every field must be a number: fill it in"
                    + " or remove the row");
        }
        double v;
        try {
            v = Double.parseDouble(field);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + "'" + field + "' is not a number; every field must be a number:"
                    + " correct it or remove the row", e);
        }
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException(where + "'" + field + "' is not a finite number; a model cannot use NaN"
                    + " or infinities: put a value in its place (impute it) or remove the row");
        }
        return v;
    }

    private double label(int sample, int col, String field) {
        String where = source + " line " + lines[sample] + ", label column '" + names.get(col) + "': ";
        String rule = "; labels must be 0 or 1";
        if (field.isEmpty()) {
            throw new IllegalArgumentException(where + "the field is empty" + rule);
        }
        double v;
        try {
            v = Double.parseDouble(field);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + "'" + field + "' is not a number" + rule
                    + ": map the two classes to 0 and 1 first (for example no → 0, yes → 1)", e);
        }
        if (v != 0 && v != 1) {
            throw new IllegalArgumentException(where + field + " is not 0 or 1" + rule + ", one value per class");
        }
        return v == 0 ? 0.0 : 1.0;
    }

    /**
     * Splits one line into fields: commas separate, spaces around a field are dropped, and a
     * field enclosed in double quotes may hold commas and doubled quotes.
     */
    private static String[] split(Path file, int lineNo, String line) {
        List<String> out = new ArrayList<>();
        int i = 0;
        int n = line.length();
        while (true) {
            while (i < n && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
                i++;
            }
            StringBuilder field = new StringBuilder();
            if (i < n && line.charAt(i) == '"') {
                int open = i++;
                boolean closed = false;
                while (i < n) {
                    char ch = line.charAt(i++);
                    if (ch == '"') {
                        if (i < n && line.charAt(i) == '"') {
                            field.append('"');
                            i++;
                        } else {
                            closed = true;
                            break;
                        }
                    } else {
                        field.append(ch);
                    }
                }
                if (!closed) {
                    throw new IllegalArgumentException(file + " line " + lineNo + ": the quote opened at character "
                            + (open + 1) + " is not closed; a quoted field must end on the same line with \"");
                }
                while (i < n && line.charAt(i) != ',') {
                    if (!Character.isWhitespace(line.charAt(i))) {
                        throw new IllegalArgumentException(file + " line " + lineNo + ": unexpected '"
                                + line.charAt(i) + "' at character " + (i + 1)
                                + " after a quoted field; write \"\" for a quote inside quotes");
                    }
                    i++;
                }
                out.add(field.toString().trim());
            } else {
                int start = i;
                while (i < n && line.charAt(i) != ',') {
                    i++;
                }
                out.add(line.substring(start, i).trim());
            }
            if (i >= n) {
                break;
            }
            i++; // the comma
        }
        return out.toArray(new String[0]);
    }
}
