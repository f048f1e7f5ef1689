package org.autodifflite.layers.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.apache.commons.math3.random.RandomGenerator;
import org.autodifflite.core.Tensor;
import org.autodifflite.layers.data.MiniBatches;

/**
 * A data set, samples as columns as everywhere in autodiff-lite: {@link #features()} is
 * features × samples and {@link #labels()} is label rows × samples (one row of 0 and 1 for
 * binary classification). The front door of the data path:
 *
 * <pre>{@code
 * Dataset data = Dataset.readCsv(Path.of("tx.csv"), "fraud");    // labels 0/1, every other column a feature
 * Split split = data.split(0.25, 42);                             // stratified, seeded
 * Standardizer scaler = Standardizer.fit(split.train());          // the training set's mean and deviation
 * Dataset train = scaler.transform(split.train());
 * Dataset test = scaler.transform(split.test());
 * Trainer.of(model, new Adam(0.01)).batchSize(32).fit(train.features(), train.labels());
 * }</pre>
 *
 * <p>The tensors are held as given, not copied (data sets can be large): treat the tensors passed
 * in and handed out as read-only; every method that changes data ({@link #select}, {@link #split},
 * {@link Standardizer#transform(Dataset)}) returns a new data set with new tensors.
 */
public final class Dataset {

    private final String source;
    private final List<String> featureNames;
    private final Tensor features;
    private final Tensor labels;

    /**
     * A data set from tensors.
     *
     * @param source where the data came from, used in messages (a file's path, "synthetic …")
     * @param featureNames one name per feature row
     * @param features the features, {@code featureNames.size() × samples} (held, not copied)
     * @param labels the labels, {@code k × samples} with {@code k ≥ 1}, usually one row (held, not
     *     copied)
     * @throws IllegalArgumentException if the shapes do not fit together
     */
    public Dataset(String source, List<String> featureNames, Tensor features, Tensor labels) {
        this.source = Objects.requireNonNull(source, "source");
        this.featureNames = List.copyOf(Objects.requireNonNull(featureNames, "featureNames"));
        Objects.requireNonNull(features, "features");
        Objects.requireNonNull(labels, "labels");
        if (features.rows() != this.featureNames.size() || labels.cols() != features.cols()) {
            throw new IllegalArgumentException(source + ": " + this.featureNames.size()
                    + " feature names, features " + features.shape() + " and labels "
                    + labels.shape() + " do not fit (features must be names × samples, labels k × samples"
                    + " with the same number of samples)");
        }
        this.features = features;
        this.labels = labels;
    }

    /**
     * Reads a binary-classification data set from a CSV file: {@code labelColumn} holds 0 and 1,
     * every other column is a feature. The same as
     * {@code CsvTable.read(file).toDataset(labelColumn)}; see {@link CsvTable} for the format and
     * the messages.
     *
     * @param file the CSV file (a relative path is resolved against the working directory)
     * @param labelColumn the name of the label column
     * @return the data set; its source is the file's absolute path
     * @throws IllegalArgumentException if the file is missing, malformed, or a label is not 0 or 1
     *     (the message names the file, line and column)
     */
    public static Dataset readCsv(Path file, String labelColumn) {
        return CsvTable.read(file).toDataset(labelColumn);
    }

    /** @return where the data came from, for messages */
    public String source() {
        return source;
    }

    /** @return one name per feature row (unmodifiable) */
    public List<String> featureNames() {
        return featureNames;
    }

    /** @return the features, features × samples (this set's own tensor: read-only by convention) */
    public Tensor features() {
        return features;
    }

    /** @return the labels, label rows × samples (this set's own tensor: read-only by convention) */
    public Tensor labels() {
        return labels;
    }

    /** @return the number of samples (columns) */
    public int size() {
        return features.cols();
    }

    /** @return the number of features (rows of {@link #features()}) */
    public int featureCount() {
        return features.rows();
    }

    /**
     * The number of samples labelled 1, for binary labels.
     *
     * @return how many entries of the (single) label row are 1
     * @throws IllegalStateException if the labels have more than one row
     */
    public int positives() {
        if (labels.rows() != 1) {
            throw new IllegalStateException(source + ": positives() counts 1s in a single label row; the labels are "
                    + labels.shape());
        }
        int n = 0;
        for (int j = 0; j < labels.cols(); j++) {
            if (labels.get(0, j) == 1) {
                n++;
            }
        }
        return n;
    }

    /**
     * The share of samples labelled 1, for binary labels.
     *
     * @return {@link #positives()} / {@link #size()}, or 0 for an empty set
     * @throws IllegalStateException if the labels have more than one row
     */
    public double positiveRate() {
        int p = positives();
        return size() == 0 ? 0 : p / (double) size();
    }

    /**
     * The samples at the given positions, in that order.
     *
     * @param columns sample indices, each in {@code 0 … size()−1} (repeats allowed)
     * @param name the new data set's source, for messages
     * @return a new data set
     * @throws IllegalArgumentException if an index is out of range
     */
    public Dataset select(int[] columns, String name) {
        Objects.requireNonNull(columns, "columns");
        for (int c : columns) {
            if (c < 0 || c >= size()) {
                throw new IllegalArgumentException(source + ": sample index " + c + " is out of range; the set has "
                        + size() + " samples (0 … " + (size() - 1) + ")");
            }
        }
        return new Dataset(name, featureNames, features.selectColumns(columns), labels.selectColumns(columns));
    }

    /**
     * A seeded, stratified split into a training and a test set; the same as
     * {@link Split#stratified(Dataset, double, long)}.
     *
     * @param testFraction the share of each class for the test set, in (0, 1)
     * @param seed the shuffling seed: the same seed gives the same split
     * @return the two parts
     * @throws IllegalArgumentException if the fraction is out of range or a part would be empty
     */
    public Split split(double testFraction, long seed) {
        return Split.stratified(this, testFraction, seed);
    }

    /**
     * This set cut into mini-batches after a shuffle: the same batches {@link
     * org.autodifflite.layers.train.Trainer} trains on (it shuffles with {@link MiniBatches} too, drawing
     * from a {@code Well19937c} seeded with its seed, one shuffle per epoch). Call this once per
     * epoch with the same generator for a new order each epoch.
     *
     * <pre>{@code
     * RandomGenerator rng = new Well19937c(7);
     * for (int epoch = 0; epoch < 10; epoch++) {
     *     for (Dataset batch : train.batches(32, rng)) { ... }
     * }
     * }</pre>
     *
     * @param batchSize samples per batch, ≥ 1; the last batch holds the remainder
     * @param rng the generator to shuffle with (advanced by {@code size() − 1} draws)
     * @return the batches; together they hold every sample once
     * @throws IllegalArgumentException if {@code batchSize < 1}
     */
    public List<Dataset> batches(int batchSize, RandomGenerator rng) {
        if (batchSize < 1) {
            throw new IllegalArgumentException(source + ": the batch size must be ≥ 1, got " + batchSize);
        }
        Objects.requireNonNull(rng, "rng");
        List<int[]> cols = MiniBatches.shuffled(size(), batchSize, rng);
        List<Dataset> out = new ArrayList<>(cols.size());
        for (int b = 0; b < cols.size(); b++) {
            out.add(select(cols.get(b), source + " (batch " + b + ")"));
        }
        return out;
    }

    /** @return the source, the number of samples and features, and the shape of the labels */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "Dataset(%s: %d samples, %d features %s, labels %s)", source, size(),
                featureCount(), featureNames, labels.shape());
    }
}
