package org.autodifflite.layers.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.zip.GZIPInputStream;
import org.autodifflite.core.Tensor;

/**
 * Handwritten digits as 8×8 images: the 1,797 images of the UCI optical digits (E. Alpaydin and
 * C. Kaynak, 1998; CC BY 4.0) in the copy scikit-learn ships, bundled with this module — a real
 * data set for image models, no download needed.
 *
 * <pre>{@code
 * Digits digits = Digits.load();                     // images 1797×1×8×8 in [0, 1], labels 1×1797
 * Digits.Parts parts = digits.split(0.2, 42);        // stratified by digit, seeded
 * Trainer.of(cnn, new Adam(0.01)).batchSize(64)
 *         .fit(Map.of("img", parts.train().images(), "digit", parts.train().labels()));
 * }</pre>
 *
 * <p><b>Layout.</b> {@link #images()} is N×1×8×8, batch first (the layout of {@code Conv2d}: one
 * channel, 8 rows, 8 columns, row-major), each pixel the file's count of "on" pixels 0–16
 * divided by 16, so in [0, 1]. {@link #labels()} is 1×N, the digit 0–9 of each image as a class
 * index — the labels of {@code SparseSoftmaxCrossEntropy} and {@code ClassMetrics}, with
 * samples as columns like every label in autodiff-lite. A {@code GraphModel} declared with
 * {@code input("img", 1, 8, 8)} and {@code labels("digit", 1)} takes the two as they are.
 * {@link #toDataset()} gives the same data as 64 features × N, for a dense network and the rest
 * of the data path.
 *
 * <p>The source, its citation and both licences (CC BY 4.0 for the data, scikit-learn's BSD-3
 * for its copy) are in {@code README.md} next to the file, in this package's resources
 * ({@code org/autodifflite/layers/data/digits/}).
 */
public final class Digits {

    /** The number of classes: the digits 0 … 9. */
    public static final int CLASSES = 10;

    /** The height and width of an image, in pixels. */
    public static final int SIDE = 8;

    /** The largest pixel value in the file: a pixel counts the "on" bits of a 4×4 block. */
    public static final int MAX_COUNT = 16;

    /** The bundled file, relative to this class's package. */
    private static final String RESOURCE = "digits/digits.csv.gz";

    private static final int PIXELS = SIDE * SIDE;

    private final String source;
    private final Tensor images;
    private final Tensor labels;

    private Digits(String source, Tensor images, Tensor labels) {
        this.source = source;
        this.images = images;
        this.labels = labels;
    }

    /**
     * A split of the digits into a training and a test set.
     *
     * @param train the training set
     * @param test the held-out test set
     */
    public record Parts(Digits train, Digits test) {

        /**
         * Both parts must be there.
         *
         * @param train the training set
         * @param test the held-out test set
         */
        public Parts {
            Objects.requireNonNull(train, "train");
            Objects.requireNonNull(test, "test");
        }
    }

    /**
     * The bundled 1,797 digits, in the file's order.
     *
     * @return images 1797×1×8×8 in [0, 1] and labels 1×1797
     * @throws IllegalStateException if the bundled file is missing or damaged (a broken build)
     */
    public static Digits load() {
        String source = "UCI optical digits (scikit-learn's copy)";
        try (InputStream in = Digits.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the bundled digits (" + RESOURCE + " next to " + Digits.class.getName()
                        + ") are missing from the class path; the layers jar is incomplete");
            }
            return parse(source, new GZIPInputStream(in));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the bundled digits: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the bundled digits are damaged: " + e.getMessage(), e);
        }
    }

    /**
     * Reads digits in the same format from a file: one image per line, 64 whole numbers 0–16
     * (the 8×8 pixels row by row) and the digit 0–9, separated by commas, no header; gzipped if
     * the name ends in {@code .gz}. The UCI repository's {@code optdigits.tra} and
     * {@code optdigits.tes} are in this format.
     *
     * @param file the file (a relative path is resolved against the working directory)
     * @return its images and labels; the source is the file's absolute path
     * @throws IllegalArgumentException if the file is missing, unreadable or malformed; the
     *     message names the file's absolute path, the line and the column
     */
    public static Digits read(Path file) {
        Path abs = Objects.requireNonNull(file, "file").toAbsolutePath();
        if (!Files.isRegularFile(abs)) {
            throw new IllegalArgumentException("digits file " + abs + " does not exist");
        }
        try (InputStream raw = Files.newInputStream(abs)) {
            return parse(abs.toString(), abs.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read digits file " + abs + ": " + e.getMessage(), e);
        }
    }

    private static Digits parse(String source, InputStream in) throws IOException {
        List<double[]> pixels = new ArrayList<>();
        List<Integer> digits = new ArrayList<>();
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
        int lineNo = 0;
        for (String line; (line = r.readLine()) != null; ) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.trim().split(",", -1);
            if (f.length != PIXELS + 1) {
                throw new IllegalArgumentException(source + " line " + lineNo + ": " + f.length + " fields, but a"
                        + " digit has " + (PIXELS + 1) + " (64 pixels, row by row, then the digit)");
            }
            double[] p = new double[PIXELS];
            for (int k = 0; k < PIXELS; k++) {
                p[k] = whole(source, lineNo, k, f[k], MAX_COUNT, "pixel (row " + k / SIDE + ", column " + k % SIDE
                        + ")", "a count of 0 … 16") / (double) MAX_COUNT;
            }
            pixels.add(p);
            digits.add(whole(source, lineNo, PIXELS, f[PIXELS], CLASSES - 1, "the digit", "0 … 9"));
        }
        if (pixels.isEmpty()) {
            throw new IllegalArgumentException(source + " holds no digits");
        }
        int n = pixels.size();
        double[] img = new double[n * PIXELS];
        double[] lab = new double[n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(pixels.get(i), 0, img, i * PIXELS, PIXELS);
            lab[i] = digits.get(i);
        }
        return new Digits(source, Tensor.wrap(new int[] {n, 1, SIDE, SIDE}, img), Tensor.wrap(1, n, lab));
    }

    /** A field that must be a whole number in [0, max]; the message names line and column (1-based). */
    private static int whole(String source, int line, int k, String field, int max, String what, String range) {
        String s = field.trim();
        int v;
        try {
            v = Integer.parseInt(s);
        } catch (NumberFormatException e) {
            v = -1;
        }
        if (v < 0 || v > max) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "%s line %d, column %d (%s): '%s' is not %s",
                    source, line, k + 1, what, s, range));
        }
        return v;
    }

    /** @return where the digits came from, for messages */
    public String source() {
        return source;
    }

    /**
     * @return the images, N×1×8×8, pixels in [0, 1] (this set's own tensor: read-only by
     *     convention)
     */
    public Tensor images() {
        return images;
    }

    /**
     * @return the labels, 1×N, each the digit 0–9 (a class index) of the image in the same
     *     position (this set's own tensor: read-only by convention)
     */
    public Tensor labels() {
        return labels;
    }

    /** @return the number of images */
    public int size() {
        return labels.cols();
    }

    /**
     * @param i an image's position, {@code 0 … size()−1}
     * @return its digit
     * @throws IndexOutOfBoundsException if {@code i} is out of range
     */
    public int label(int i) {
        Objects.checkIndex(i, size());
        return (int) labels.data()[i];
    }

    /**
     * @return how many images of each digit, indexed by digit
     */
    public int[] counts() {
        int[] c = new int[CLASSES];
        for (double d : labels.data()) {
            c[(int) d]++;
        }
        return c;
    }

    /**
     * The images at the given positions, in that order.
     *
     * @param samples positions, each in {@code 0 … size()−1} (repeats allowed)
     * @param name the new set's source, for messages
     * @return a new set (new tensors)
     * @throws IllegalArgumentException if a position is out of range
     */
    public Digits select(int[] samples, String name) {
        Objects.requireNonNull(samples, "samples");
        for (int s : samples) {
            if (s < 0 || s >= size()) {
                throw new IllegalArgumentException(source + ": image " + s + " is out of range 0 … " + (size() - 1));
            }
        }
        return new Digits(Objects.requireNonNull(name, "name"), images.indexSelect(0, samples),
                labels.selectColumns(samples));
    }

    /**
     * A seeded split, stratified by digit: exactly what {@link Split#stratified} does to
     * {@link #toDataset()} (each digit's images shuffled and the given share of them, rounded,
     * held out; both parts shuffled again), so each digit is in both parts in its overall
     * proportion and the same seed always gives the same parts.
     *
     * @param testFraction the share of each digit held out for testing, in (0, 1)
     * @param seed the shuffling seed
     * @return the training and test sets; their sources end in {@code (train)} and {@code (test)}
     * @throws IllegalArgumentException if the fraction is not in (0, 1) or a part would be empty
     */
    public Parts split(double testFraction, long seed) {
        Split s = Split.stratified(toDataset(), testFraction, seed);
        return new Parts(fromDataset(s.train()), fromDataset(s.test()));
    }

    /**
     * The same digits for a dense network and the rest of the data path: features 64 × N (pixel
     * {@code r<row>c<column>}, row by row, values in [0, 1]) and labels 1×N.
     *
     * @return a new data set (new tensors) with this set's source
     */
    public Dataset toDataset() {
        List<String> names = new ArrayList<>(PIXELS);
        for (int k = 0; k < PIXELS; k++) {
            names.add("r" + k / SIDE + "c" + k % SIDE);
        }
        // N×64 (one image per row) transposed: one image per column.
        return new Dataset(source, names, images.reshape(size(), PIXELS).transpose(), labels.copy());
    }

    /** Back from 64 features × N to images; the labels are kept as they are. */
    private static Digits fromDataset(Dataset d) {
        Tensor img = d.features().transpose().reshape(d.size(), 1, SIDE, SIDE);
        return new Digits(d.source(), img, d.labels());
    }

    @Override
    public String toString() {
        return "Digits(" + source + ", " + size() + " images 1×8×8)";
    }
}
