package org.autodifflite.layers.data;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import org.autodifflite.core.Tensor;

/**
 * Shifts and scales each feature to mean 0 and standard deviation 1:
 * {@code x′ = (x − mean) / std}, with the mean and deviation of the set it was fitted on — fit on
 * the training set, then transform the training set, the test set and any later input with the
 * same standardizer, so a model never sees statistics of data it is tested on.
 *
 * <pre>{@code
 * Standardizer s = Standardizer.fit(split.train());
 * Dataset train = s.transform(split.train());
 * Dataset test = s.transform(split.test());
 * double[] mean = s.means(), std = s.stds();          // to save next to the model
 * Standardizer again = Standardizer.of(mean, std);    // the same transform, later
 * }</pre>
 *
 * <p>The deviation is the sample standard deviation (divided by {@code n − 1}).
 *
 * <p><b>Constant features.</b> A feature with zero variance on the fitting set (every value the
 * same, or a single sample) has {@code std} 0 and cannot be scaled: it is only centred
 * ({@code x′ = x − mean}, divided by 1), so it is 0 throughout the fitting set and elsewhere keeps
 * its deviation from that constant in its own units. {@link #stds()} reports the 0;
 * {@link #isConstant(int)} tells such features apart.
 *
 * <p>Immutable and thread-safe.
 */
public final class Standardizer {

    private final double[] means;
    private final double[] stds;

    private Standardizer(double[] means, double[] stds) {
        this.means = means;
        this.stds = stds;
    }

    /**
     * Fits on a data set's features.
     *
     * @param data the (training) set
     * @return the standardizer for its features
     * @throws IllegalArgumentException if it has no samples
     */
    public static Standardizer fit(Dataset data) {
        Objects.requireNonNull(data, "data");
        return fit(data.features(), data.source());
    }

    /**
     * Fits on a feature matrix.
     *
     * @param features features × samples, every entry finite
     * @return the standardizer for its rows
     * @throws IllegalArgumentException if there are no samples or an entry is NaN or infinite
     */
    public static Standardizer fit(Tensor features) {
        return fit(features, "Standardizer.fit");
    }

    private static Standardizer fit(Tensor features, String source) {
        Objects.requireNonNull(features, "features");
        int f = features.rows();
        int n = features.cols();
        if (n == 0) {
            throw new IllegalArgumentException(source + ": no samples to fit a standardizer on (features "
                    + features.shape() + ")");
        }
        double[] mean = new double[f];
        double[] std = new double[f];
        for (int i = 0; i < f; i++) {
            double s = 0;
            for (int j = 0; j < n; j++) {
                double v = features.get(i, j);
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException(source + ": feature row " + i + ", sample column " + j
                            + " is " + v + "; a standardizer needs finite features (remove or impute that sample)");
                }
                s += v;
            }
            mean[i] = s / n;
            double v = 0;
            for (int j = 0; j < n; j++) {
                double d = features.get(i, j) - mean[i];
                v += d * d;
            }
            std[i] = n > 1 ? Math.sqrt(v / (n - 1)) : 0;
        }
        return new Standardizer(mean, std);
    }

    /**
     * A standardizer with known statistics, for example read back from where a trained model's
     * scaling was saved.
     *
     * @param means one mean per feature, finite
     * @param stds one standard deviation per feature, finite and ≥ 0 (0 marks a constant feature,
     *     which is only centred)
     * @return the standardizer (the arrays are copied)
     * @throws IllegalArgumentException if the lengths differ, or a value is not finite or a
     *     deviation is negative
     */
    public static Standardizer of(double[] means, double[] stds) {
        Objects.requireNonNull(means, "means");
        Objects.requireNonNull(stds, "stds");
        if (means.length != stds.length) {
            throw new IllegalArgumentException("Standardizer.of: " + means.length + " means but " + stds.length
                    + " standard deviations; give one of each per feature");
        }
        for (int i = 0; i < means.length; i++) {
            if (!Double.isFinite(means[i]) || !Double.isFinite(stds[i]) || stds[i] < 0) {
                throw new IllegalArgumentException("Standardizer.of: feature " + i + " has mean " + means[i]
                        + " and standard deviation " + stds[i] + "; the mean must be finite and the deviation finite and ≥ 0");
            }
        }
        return new Standardizer(means.clone(), stds.clone());
    }

    /** @return the number of features this standardizer handles */
    public int featureCount() {
        return means.length;
    }

    /** @return each feature's mean on the fitting set (a new array) */
    public double[] means() {
        return means.clone();
    }

    /** @return each feature's sample standard deviation on the fitting set, 0 for a constant feature (a new array) */
    public double[] stds() {
        return stds.clone();
    }

    /**
     * @param feature a feature index
     * @return whether that feature had zero variance on the fitting set (and is only centred)
     * @throws IndexOutOfBoundsException if the index is out of range
     */
    public boolean isConstant(int feature) {
        Objects.checkIndex(feature, stds.length);
        return stds[feature] == 0;
    }

    /**
     * Standardizes a feature matrix.
     *
     * @param features features × samples, with the features in the order fitted on
     * @return a new tensor of the same shape
     * @throws IllegalArgumentException if the number of feature rows is not the fitted one
     */
    public Tensor transform(Tensor features) {
        Objects.requireNonNull(features, "features");
        if (features.rows() != means.length) {
            throw new IllegalArgumentException("Standardizer: fitted on " + means.length + " features (rows), got "
                    + features.shape() + "; give features × samples with the same features in the same order");
        }
        Tensor x = Tensor.zeros(features.rows(), features.cols());
        for (int i = 0; i < x.rows(); i++) {
            double scale = stds[i] > 0 ? stds[i] : 1.0;
            for (int j = 0; j < x.cols(); j++) {
                x.set(i, j, (features.get(i, j) - means[i]) / scale);
            }
        }
        return x;
    }

    /**
     * Standardizes a data set's features; its source, feature names and labels stay.
     *
     * @param data the data set
     * @return a new data set with standardized features
     * @throws IllegalArgumentException if its number of features is not the fitted one
     */
    public Dataset transform(Dataset data) {
        Objects.requireNonNull(data, "data");
        if (data.featureCount() != means.length) {
            throw new IllegalArgumentException(data.source() + ": " + data.featureCount() + " features "
                    + data.featureNames() + ", but the standardizer was fitted on " + means.length);
        }
        return new Dataset(data.source(), data.featureNames(), transform(data.features()), data.labels());
    }

    /** @return the means and deviations, for logs */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "Standardizer(means %s, stds %s)", Arrays.toString(means),
                Arrays.toString(stds));
    }
}
