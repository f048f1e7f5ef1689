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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.autodifflite.core.Parameter;
import org.autodifflite.core.Tensor;
import org.autodifflite.layers.model.Model;

/**
 * Saves and loads a model's parameters and buffers (running statistics) in a small,
 * human-readable text format.
 *
 * <h2>Format (version 1)</h2>
 * UTF-8 text, one item per line; lines starting with {@code #} and blank lines are ignored.
 * <pre>
 * autodiff-lite-parameters 1
 * count 6
 * parameter fc1.weight 5 4
 * -0.3224172040135075 -0.38405435466841564 1.1337694423354374 -1.0998912673140309
 * … (one line per row: 5 lines of 4 values)
 * parameter fc1.bias 5 1
 * -0.6871727001195994
 * …
 * end
 * </pre>
 * <ul>
 *   <li>line 1: the magic word and the format version;</li>
 *   <li>{@code count N}: the number of parameters that follow;</li>
 *   <li>per parameter, {@code parameter <dotted name> <dims…>} — its shape, every axis: two
 *       numbers ({@code rows cols}) for a matrix, one for a vector such as a convolution's bias,
 *       four for a kernel F×C×kh×kw — then its values in row-major order, one line per row
 *       along the last axis ({@code rows} lines of {@code cols} values for a matrix, one line for
 *       a vector, F·C·kh lines of kw values for a kernel), separated by single spaces, each
 *       written with {@link Double#toString(double)} so that it reads back to the identical
 *       bits;</li>
 *   <li>{@code end}: the last line, so a truncated file is recognized.</li>
 * </ul>
 * Parameters are written in the model's declaration order; when loading, any order is accepted.
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li>Loading parses and validates the whole file before assigning anything: a file whose
 *       names, shapes or values do not fit the model (unknown, missing or repeated names,
 *       another shape, a value that is not a finite number, a truncated or corrupt file) fails
 *       with an {@link IllegalArgumentException} naming the file, the line, the parameter and
 *       expected versus found, and the model keeps exactly its previous values.</li>
 *   <li>Saving writes to a temporary file in the target's directory, forces it to disk and
 *       renames it over the target atomically: a crash leaves either the old file or the new
 *       one, never half a model.</li>
 * </ul>
 */
public final class ModelFile {

    /** The first word of every parameter file. */
    public static final String MAGIC = "autodiff-lite-parameters";

    /** The format version this class writes and reads. */
    public static final int VERSION = 1;

    private ModelFile() {
    }

    /**
     * Saves a model's parameters and buffers (running statistics) atomically.
     *
     * @param model the model
     * @param file the file to write (replaced if it exists)
     * @throws IOException if writing or renaming fails (the previous file, if any, is kept)
     * @throws IllegalArgumentException if a parameter holds a non-finite value
     */
    public static void save(Model model, Path file) throws IOException {
        save(everything(model), file);
    }

    /**
     * Saves parameters atomically.
     *
     * @param parameters the parameters, written in this order
     * @param file the file to write (replaced if it exists)
     * @throws IOException if writing or renaming fails (the previous file, if any, is kept)
     * @throws IllegalArgumentException if a parameter holds a non-finite value
     */
    public static void save(List<Parameter> parameters, Path file) throws IOException {
        String text = format(parameters);
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
        try {
            keepPermissions(tmp, target);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                Writer w = Channels.newWriter(ch, StandardCharsets.UTF_8);
                w.write(text);
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

    /**
     * Loads a model's parameters and buffers; all or nothing.
     *
     * @param model the model whose parameters receive the values
     * @param file the file to read
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException if the file does not fit the model or is malformed; the
     *     model is then unchanged
     */
    public static void load(Model model, Path file) throws IOException {
        load(everything(model), file);
    }

    /** A model's parameters, then its buffers (running statistics): all a saved model needs. */
    private static List<Parameter> everything(Model model) {
        List<Parameter> all = new java.util.ArrayList<>(model.parameters());
        all.addAll(model.buffers());
        return all;
    }

    /**
     * Loads parameters; all or nothing.
     *
     * @param parameters the parameters that receive the values, matched by name
     * @param file the file to read
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException if the file does not fit the parameters or is malformed;
     *     no parameter is then changed
     */
    public static void load(List<Parameter> parameters, Path file) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (java.nio.charset.MalformedInputException e) {
            throw new IllegalArgumentException(file + ": not a UTF-8 text file, so not a parameter file", e);
        }
        Map<String, Tensor> values = parse(lines, file.toString(), parameters);
        for (Parameter p : parameters) {
            p.assign(values.get(p.name()));
        }
    }

    /** The file's text for these parameters. */
    static String format(List<Parameter> parameters) {
        StringBuilder sb = new StringBuilder();
        sb.append(MAGIC).append(' ').append(VERSION).append('\n');
        sb.append("count ").append(parameters.size()).append('\n');
        for (Parameter p : parameters) {
            Tensor v = p.value();
            if (!v.isFinite()) {
                throw new IllegalArgumentException("ModelFile: parameter '" + p.name()
                        + "' holds NaN or infinite values; refusing to save a model that cannot be loaded");
            }
            sb.append("parameter ").append(p.name());
            for (int d : v.dims()) {
                sb.append(' ').append(d);
            }
            sb.append('\n');
            // One line per row along the last axis: rows × cols for a matrix, one line for a vector.
            double[] data = v.data();
            int perLine = lineLength(v.dims());
            for (int start = 0; start < data.length; start += perLine) {
                for (int j = 0; j < perLine; j++) {
                    if (j > 0) {
                        sb.append(' ');
                    }
                    sb.append(Double.toString(data[start + j]));
                }
                sb.append('\n');
            }
        }
        return sb.append("end\n").toString();
    }

    /**
     * Parses and validates a whole file against the expected parameters, without assigning.
     *
     * @return a value for every expected parameter, by name
     */
    static Map<String, Tensor> parse(List<String> rawLines, String source, List<Parameter> expected) {
        Reader r = new Reader(rawLines, source);
        Map<String, Parameter> wanted = new LinkedHashMap<>();
        for (Parameter p : expected) {
            wanted.put(p.name(), p);
        }
        String[] header = r.next("the header '" + MAGIC + " " + VERSION + "'").split(" ", -1);
        if (header.length != 2 || !header[0].equals(MAGIC)) {
            throw r.error("expected the header '" + MAGIC + " " + VERSION + "', found '" + r.current()
                    + "'; this is not an autodiff-lite parameter file");
        }
        if (!header[1].equals(String.valueOf(VERSION))) {
            throw r.error("format version " + header[1] + " is not supported; this version reads " + VERSION);
        }
        String[] countLine = r.next("'count N'").split(" ", -1);
        if (countLine.length != 2 || !countLine[0].equals("count")) {
            throw r.error("expected 'count N', found '" + r.current() + "'");
        }
        int count = r.parseCount(countLine[1], "parameter count");
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (int k = 0; k < count; k++) {
            String[] h = r.next("'parameter <name> <dims…>' (" + (k + 1) + " of " + count + ")").split(" ", -1);
            if (h.length < 2 || !h[0].equals("parameter")) {
                throw r.error("expected 'parameter <name> <dims…>' (" + (k + 1) + " of " + count
                        + "; for a matrix 'parameter <name> <rows> <cols>'), found '" + r.current() + "'");
            }
            String name = h[1];
            Parameter p = wanted.get(name);
            if (p == null) {
                throw r.error("parameter '" + name + "' is not in the model; the model has " + wanted.keySet());
            }
            if (out.containsKey(name)) {
                throw r.error("parameter '" + name + "' appears twice");
            }
            int[] dims = new int[h.length - 2];
            for (int d = 0; d < dims.length; d++) {
                dims[d] = r.parseCount(h[d + 2], (dims.length == 2 ? (d == 0 ? "rows" : "columns") : "dim " + d)
                        + " of '" + name + "'");
            }
            Tensor exp = p.value();
            if (!Arrays.equals(dims, exp.dims())) {
                throw r.error("parameter '" + name + "': expected shape " + exp.shape() + " (the model's), found "
                        + Tensor.shape(dims) + " in the file");
            }
            int perLine = lineLength(dims);
            double[] data = new double[exp.size()];
            int lines = perLine == 0 ? 0 : data.length / perLine;
            for (int i = 0; i < lines; i++) {
                String[] tokens = r.next("row " + i + " of '" + name + "' (" + lines + " rows)").split(" ", -1);
                if (tokens.length != perLine) {
                    throw r.error("row " + i + " of '" + name + "' has " + tokens.length + " values, expected "
                            + perLine + " (single spaces between values)");
                }
                for (int j = 0; j < perLine; j++) {
                    data[i * perLine + j] = r.parseValue(tokens[j], name, exp.unravel(i * perLine + j));
                }
            }
            out.put(name, Tensor.wrap(dims, data));
        }
        String end = r.next("'end'");
        if (!end.equals("end")) {
            throw r.error("expected 'end' after " + count + " parameters, found '" + end + "'");
        }
        if (r.hasMore()) {
            throw r.error("unexpected content after 'end'");
        }
        List<String> missing = new ArrayList<>();
        for (String n : wanted.keySet()) {
            if (!out.containsKey(n)) {
                missing.add(n);
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(source + ": the file has no values for " + missing
                    + "; it was saved from a different model");
        }
        return out;
    }

    /** The values per line: the length of the last axis (a scalar is one line of one value). */
    private static int lineLength(int[] dims) {
        return dims.length == 0 ? 1 : dims[dims.length - 1];
    }

    /** Walks the meaningful lines, remembering line numbers for messages. */
    private static final class Reader {
        private final List<String> lines;
        private final String source;
        private int index = -1;

        Reader(List<String> lines, String source) {
            this.lines = lines;
            this.source = source;
        }

        String next(String expected) {
            index++;
            while (index < lines.size() && skip(lines.get(index))) {
                index++;
            }
            if (index >= lines.size()) {
                throw new IllegalArgumentException(source + ": line " + (lines.size() + 1) + ": the file ends where "
                        + expected + " was expected; it is truncated");
            }
            return lines.get(index).strip();
        }

        boolean hasMore() {
            for (int i = index + 1; i < lines.size(); i++) {
                if (!skip(lines.get(i))) {
                    index = i;
                    return true;
                }
            }
            return false;
        }

        String current() {
            return lines.get(index);
        }

        IllegalArgumentException error(String message) {
            return new IllegalArgumentException(source + ": line " + (index + 1) + ": " + message);
        }

        int parseCount(String token, String what) {
            try {
                int n = Integer.parseInt(token);
                if (n >= 0) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below, with the line number
            }
            throw error(what + " must be a whole number ≥ 0, found '" + token + "'");
        }

        double parseValue(String token, String name, int[] index) {
            StringBuilder at = new StringBuilder();
            for (int i : index) {
                at.append('[').append(i).append(']');
            }
            double v;
            try {
                v = Double.parseDouble(token);
            } catch (NumberFormatException e) {
                throw error("value " + at + " of '" + name + "' is '" + token + "', not a number");
            }
            if (!Double.isFinite(v)) {
                throw error("value " + at + " of '" + name + "' is " + token + "; parameters must be finite");
            }
            return v;
        }

        private static boolean skip(String line) {
            String s = line.strip();
            return s.isEmpty() || s.startsWith("#");
        }
    }
}
