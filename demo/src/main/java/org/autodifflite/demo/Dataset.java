package org.autodifflite.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import org.autodifflite.core.Tensor;

/**
 * A labelled binary-classification data set, samples as columns as everywhere in the project:
 * {@code features} is (features × samples), {@code labels} is (1 × samples) of 0 and 1.
 *
 * @param source where the data came from, for messages ("synthetic payments", a file name)
 * @param featureNames one name per feature row
 * @param features the feature matrix, features × samples
 * @param labels the labels, 1 × samples, each 0 or 1
 */
record Dataset(String source, List<String> featureNames, Tensor features, Tensor labels) {

    Dataset {
        Objects.requireNonNull(source, "source");
        featureNames = List.copyOf(featureNames);
        if (features.rows() != featureNames.size() || labels.rows() != 1
                || labels.cols() != features.cols()) {
            throw new IllegalArgumentException(source + ": " + featureNames.size()
                    + " feature names, features " + features.shape() + " and labels "
                    + labels.shape() + " do not fit (features must be names × samples, labels 1 × samples)");
        }
    }

    /** @return the number of samples */
    int size() {
        return features.cols();
    }

    /** @return the number of samples labelled 1 */
    int positives() {
        return (int) Math.round(labels.sum());
    }

    /** @return the fraction of samples labelled 1 */
    double positiveRate() {
        return size() == 0 ? 0 : positives() / (double) size();
    }

    /**
     * The samples at the given positions, in that order.
     *
     * @param columns sample indices
     * @param name the new data set's source name
     * @return a new data set (copies)
     */
    Dataset select(int[] columns, String name) {
        return new Dataset(name, featureNames, features.selectColumns(columns), labels.selectColumns(columns));
    }

    /**
     * Splits into a training and a test set, stratified: each class is shuffled (seeded) and the
     * given fraction of it goes to the test set, so a rare class appears in both.
     *
     * @param testFraction the share of each class for the test set, in (0, 1)
     * @param seed the shuffling seed
     * @return {train, test}
     * @throws IllegalArgumentException if the fraction is out of range or a part would be empty
     */
    Dataset[] split(double testFraction, long seed) {
        if (!(testFraction > 0 && testFraction < 1)) {
            throw new IllegalArgumentException("test fraction must be in (0, 1), got " + testFraction);
        }
        Random rng = new Random(seed);
        List<Integer> train = new ArrayList<>();
        List<Integer> test = new ArrayList<>();
        for (int cls = 0; cls <= 1; cls++) {
            List<Integer> idx = new ArrayList<>();
            for (int j = 0; j < size(); j++) {
                if (labels.get(0, j) == cls) {
                    idx.add(j);
                }
            }
            java.util.Collections.shuffle(idx, rng);
            int nTest = (int) Math.round(idx.size() * testFraction);
            test.addAll(idx.subList(0, nTest));
            train.addAll(idx.subList(nTest, idx.size()));
        }
        if (train.isEmpty() || test.isEmpty()) {
            throw new IllegalArgumentException(source + ": " + size()
                    + " samples are too few to split into a training and a test set");
        }
        // Shuffle again so that batches mix the classes.
        java.util.Collections.shuffle(train, rng);
        java.util.Collections.shuffle(test, rng);
        return new Dataset[] {
            select(train.stream().mapToInt(Integer::intValue).toArray(), source + " (train)"),
            select(test.stream().mapToInt(Integer::intValue).toArray(), source + " (test)")};
    }

    /**
     * Per-feature mean and standard deviation of this set, to standardize it and others with.
     *
     * @return {means, stds}, one entry per feature; a constant feature gets std 1
     */
    double[][] moments() {
        int f = features.rows();
        int n = size();
        double[] mean = new double[f];
        double[] std = new double[f];
        for (int i = 0; i < f; i++) {
            double s = 0;
            for (int j = 0; j < n; j++) {
                s += features.get(i, j);
            }
            mean[i] = s / n;
            double v = 0;
            for (int j = 0; j < n; j++) {
                double d = features.get(i, j) - mean[i];
                v += d * d;
            }
            std[i] = n > 1 && v > 0 ? Math.sqrt(v / (n - 1)) : 1.0;
        }
        return new double[][] {mean, std};
    }

    /**
     * This set with every feature shifted and scaled: {@code (x − mean) / std}.
     *
     * @param moments {means, stds} as from {@link #moments()} (usually of the training set)
     * @return a new, standardized data set
     */
    Dataset standardized(double[][] moments) {
        Tensor x = features.copy();
        for (int i = 0; i < x.rows(); i++) {
            for (int j = 0; j < x.cols(); j++) {
                x.set(i, j, (x.get(i, j) - moments[0][i]) / moments[1][i]);
            }
        }
        return new Dataset(source, featureNames, x, labels);
    }
}
