package org.autodifflite.layers.train;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import org.autodifflite.core.Tensor;

/**
 * Metrics of a classifier of k classes: accuracy, per-class precision, recall and F1, and the
 * confusion matrix, also rendered as text.
 *
 * <p><b>Layout.</b> Class scores are <b>k × m: classes × samples</b>, one column per sample — what
 * a dense output layer gives ({@code m.dense("fc", h, 10)} is 10 × batch) and what
 * {@code SoftmaxCrossEntropy} and {@code SparseSoftmaxCrossEntropy} take. Labels are class
 * indices, whole numbers in [0, k), as a 1×m row or an (m) vector — the labels of
 * {@code SparseSoftmaxCrossEntropy} — or one-hot columns, k × m like the scores (the labels of
 * {@code SoftmaxCrossEntropy}).
 *
 * <p><b>Probabilities or logits.</b> A sample's predicted class is the row of its largest score
 * (the first one on a tie). Softmax is increasing in each logit and the same for the whole
 * column, so the argmax of the logits is the argmax of the probabilities: pass either, the
 * metrics are the same. (No threshold is involved, unlike {@link BinaryMetrics#at}.)
 *
 * <pre>{@code
 * Tensor logits = model.predict(Map.of("img", test.images()));   // 10 × m
 * ClassMetrics cm = ClassMetrics.of(logits, test.labels());      // labels 1 × m, digits 0 … 9
 * System.out.println(cm.accuracy());
 * System.out.println(cm.render());                                // the confusion matrix
 * }</pre>
 *
 * <p>Precision, recall and F1 of a class are 0 when their denominator is 0 (the class is never
 * predicted, or never occurs), as in {@link BinaryMetrics}.
 */
public final class ClassMetrics {

    private final int classes;
    private final int[] actual;
    private final int[] predicted;
    /** [actual][predicted] */
    private final int[][] confusion;

    private ClassMetrics(int classes, int[] actual, int[] predicted) {
        this.classes = classes;
        this.actual = actual;
        this.predicted = predicted;
        this.confusion = new int[classes][classes];
        for (int j = 0; j < actual.length; j++) {
            confusion[actual[j]][predicted[j]]++;
        }
    }

    /**
     * Metrics from class scores: each sample is predicted the class of its largest score.
     *
     * @param scores k × m (classes × samples), k ≥ 2, m ≥ 1, finite — probabilities or logits
     * @param labels class indices (1×m or (m), whole numbers in [0, k)) or one-hot columns (k × m)
     * @return the metrics
     * @throws IllegalArgumentException if the scores are not k × m with k ≥ 2 and m ≥ 1, a score
     *     is not finite, the labels do not fit the scores, or a label is not a class index (or a
     *     one-hot column); the message names the entry
     */
    public static ClassMetrics of(Tensor scores, Tensor labels) {
        Objects.requireNonNull(scores, "scores");
        Objects.requireNonNull(labels, "labels");
        int[] p = argmax(scores);
        return new ClassMetrics(scores.dim(0), actual(labels, scores.dim(0), p.length), p);
    }

    /**
     * Metrics from predicted class indices, such as a model's decisions saved earlier.
     *
     * @param predicted the predicted class of each sample, 1×m or (m), whole numbers in [0, k)
     * @param labels the true classes, 1×m or (m), whole numbers in [0, k)
     * @param classes k, the number of classes, ≥ 2
     * @return the metrics
     * @throws IllegalArgumentException if {@code classes < 2}, a tensor is not 1×m or (m), the
     *     numbers of samples differ or are 0, or an entry is not a class index
     */
    public static ClassMetrics ofPredictions(Tensor predicted, Tensor labels, int classes) {
        Objects.requireNonNull(predicted, "predicted");
        Objects.requireNonNull(labels, "labels");
        if (classes < 2) {
            throw new IllegalArgumentException("ClassMetrics: a classifier needs at least 2 classes, got " + classes);
        }
        int m = indexCount("predicted", predicted);
        if (m == 0) {
            throw new IllegalArgumentException("ClassMetrics: no samples (predicted is " + predicted.shape() + ")");
        }
        return new ClassMetrics(classes, actual(labels, classes, m), indices("predicted", predicted, classes));
    }

    /**
     * The class of each sample: the row of the largest score in its column, the first on a tie.
     *
     * @param scores k × m (classes × samples), k ≥ 2, m ≥ 1, finite
     * @return m class indices
     * @throws IllegalArgumentException if the scores are not k × m with k ≥ 2 and m ≥ 1 (a layout
     *     of samples × classes is told to transpose), or a score is not finite
     */
    public static int[] argmax(Tensor scores) {
        Objects.requireNonNull(scores, "scores");
        if (scores.rank() != 2 || scores.dim(0) < 2 || scores.dim(1) < 1) {
            throw new IllegalArgumentException("ClassMetrics: scores are " + scores.shape() + " but must be k × m,"
                    + " classes × samples (one column per sample, as a dense layer outputs) with k ≥ 2 classes and"
                    + " m ≥ 1 samples" + (scores.rank() == 2 && scores.dim(1) >= 2 && scores.dim(0) >= 1
                            ? "; for samples × classes pass scores.transpose()" : ""));
        }
        int k = scores.dim(0);
        int m = scores.dim(1);
        double[] s = scores.data();
        int[] out = new int[m];
        for (int j = 0; j < m; j++) {
            int best = 0;
            for (int i = 0; i < k; i++) {
                double v = s[i * m + j];
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException("ClassMetrics: score [" + i + "][" + j + "] = " + v + " is not"
                            + " finite; no class can be predicted for sample " + j);
                }
                if (v > s[best * m + j]) {
                    best = i;
                }
            }
            out[j] = best;
        }
        return out;
    }

    /** The true class of each of m samples: index labels (1×m or (m)) or one-hot columns (k × m). */
    private static int[] actual(Tensor labels, int k, int m) {
        if (labels.rank() == 2 && labels.dim(0) == k && labels.dim(1) == m && k > 1) {
            return oneHot(labels, k, m);
        }
        int n = indexCount("labels", labels);
        if (n != m) {
            throw new IllegalArgumentException("ClassMetrics: labels are " + labels.shape() + " but there are " + m
                    + " samples; give one class index per sample (1×" + m + " or (" + m + ")) or one-hot columns ("
                    + k + "×" + m + ")" + (n == k && n != m ? "; the scores (" + k + "×" + m + ") look like samples ×"
                            + " classes: they must be classes × samples, pass scores.transpose()" : ""));
        }
        return indices("labels", labels, k);
    }

    /** The number of entries of a 1×m or (m) tensor; refuses any other shape. */
    private static int indexCount(String what, Tensor t) {
        boolean row = t.rank() == 2 && t.dim(0) == 1;
        boolean vector = t.rank() == 1;
        if (!row && !vector) {
            throw new IllegalArgumentException("ClassMetrics: " + what + " are " + t.shape() + "; class indices"
                    + " are a 1×m row or an (m) vector, one whole number in [0, k) per sample");
        }
        return t.size();
    }

    private static int[] indices(String what, Tensor t, int k) {
        boolean row = t.rank() == 2;
        double[] v = t.data();
        int[] out = new int[v.length];
        for (int j = 0; j < v.length; j++) {
            if (!(v[j] >= 0 && v[j] < k && v[j] == Math.rint(v[j]))) {
                throw new IllegalArgumentException("ClassMetrics: " + what + (row ? "[0][" : "[") + j + "] = " + v[j]
                        + " is not a class index; " + what + " must be whole numbers in [0, " + k + ") (0 … "
                        + (k - 1) + ")");
            }
            out[j] = (int) v[j];
        }
        return out;
    }

    private static int[] oneHot(Tensor labels, int k, int m) {
        double[] v = labels.data();
        int[] out = new int[m];
        for (int j = 0; j < m; j++) {
            int hot = -1;
            for (int i = 0; i < k; i++) {
                double y = v[i * m + j];
                if (y == 1.0 && hot < 0) {
                    hot = i;
                } else if (y != 0.0) {
                    hot = -2;
                    break;
                }
            }
            if (hot < 0) {
                double[] column = new double[k];
                for (int i = 0; i < k; i++) {
                    column[i] = v[i * m + j];
                }
                throw new IllegalArgumentException("ClassMetrics: labels column " + j + " is " + Arrays.toString(column)
                        + ", not one-hot; k × m labels must hold a single 1 per column, 0 elsewhere (or pass class"
                        + " indices, 1×m)");
            }
            out[j] = hot;
        }
        return out;
    }

    /** @return k, the number of classes */
    public int classes() {
        return classes;
    }

    /** @return m, the number of samples */
    public int samples() {
        return actual.length;
    }

    /** @return the true class of each sample (a copy) */
    public int[] actual() {
        return actual.clone();
    }

    /** @return the predicted class of each sample (a copy) */
    public int[] predicted() {
        return predicted.clone();
    }

    /** @return the number of samples predicted right */
    public int correct() {
        int c = 0;
        for (int i = 0; i < classes; i++) {
            c += confusion[i][i];
        }
        return c;
    }

    /** @return the share of samples predicted right, in [0, 1] */
    public double accuracy() {
        return (double) correct() / samples();
    }

    /**
     * @param actualClass a true class
     * @param predictedClass a predicted class
     * @return how many samples of {@code actualClass} were predicted {@code predictedClass}
     * @throws IndexOutOfBoundsException if a class is not in [0, k)
     */
    public int count(int actualClass, int predictedClass) {
        Objects.checkIndex(actualClass, classes);
        Objects.checkIndex(predictedClass, classes);
        return confusion[actualClass][predictedClass];
    }

    /**
     * @return the confusion matrix, k × k: row = true class, column = predicted class (a copy);
     *     the diagonal holds the right predictions
     */
    public int[][] confusion() {
        int[][] c = new int[classes][];
        for (int i = 0; i < classes; i++) {
            c[i] = confusion[i].clone();
        }
        return c;
    }

    /**
     * @param c a class
     * @return of the samples predicted {@code c}, the share that are {@code c}; 0 if none is
     *     predicted {@code c}
     * @throws IndexOutOfBoundsException if {@code c} is not in [0, k)
     */
    public double precision(int c) {
        Objects.checkIndex(c, classes);
        int predictedC = 0;
        for (int i = 0; i < classes; i++) {
            predictedC += confusion[i][c];
        }
        return predictedC == 0 ? 0.0 : (double) confusion[c][c] / predictedC;
    }

    /**
     * @param c a class
     * @return of the samples of class {@code c}, the share predicted {@code c}; 0 if there are none
     * @throws IndexOutOfBoundsException if {@code c} is not in [0, k)
     */
    public double recall(int c) {
        Objects.checkIndex(c, classes);
        int actualC = Arrays.stream(confusion[c]).sum();
        return actualC == 0 ? 0.0 : (double) confusion[c][c] / actualC;
    }

    /**
     * @param c a class
     * @return the harmonic mean of its precision and recall, 0 when both are 0
     * @throws IndexOutOfBoundsException if {@code c} is not in [0, k)
     */
    public double f1(int c) {
        double p = precision(c);
        double r = recall(c);
        return p + r == 0 ? 0.0 : 2 * p * r / (p + r);
    }

    /** @return the mean of the classes' F1 scores (each class counts the same, however frequent) */
    public double macroF1() {
        double s = 0;
        for (int c = 0; c < classes; c++) {
            s += f1(c);
        }
        return s / classes;
    }

    /** @return the positions of the samples predicted wrong, in increasing order */
    public int[] misclassified() {
        int[] out = new int[samples() - correct()];
        for (int j = 0, n = 0; j < actual.length; j++) {
            if (actual[j] != predicted[j]) {
                out[n++] = j;
            }
        }
        return out;
    }

    /**
     * The confusion matrix as text, each true class a row with its recall, each predicted class a
     * column with its precision under it, then the accuracy:
     *
     * <pre>
     * true \ predicted    0    1    2  recall
     *                0   35    0    1   0.972
     *                1    0   36    0   1.000
     *                2    1    0   35   0.972
     *        precision 0.972 1.000 0.972
     * accuracy 0.9815 (106 of 108)
     * </pre>
     *
     * @return the lines, ending with a line separator
     */
    public String render() {
        int max = 0;
        for (int[] row : confusion) {
            for (int v : row) {
                max = Math.max(max, v);
            }
        }
        // Wide enough for every count, every class label and a precision such as 0.972.
        int w = Math.max(5, Math.max(String.valueOf(max).length(), String.valueOf(classes - 1).length())) + 1;
        String head = "true \\ predicted";
        String nl = System.lineSeparator();
        StringBuilder sb = new StringBuilder(head);
        for (int c = 0; c < classes; c++) {
            sb.append(pad(String.valueOf(c), w));
        }
        sb.append("  recall").append(nl);
        for (int r = 0; r < classes; r++) {
            sb.append(pad(String.valueOf(r), head.length()));
            for (int c = 0; c < classes; c++) {
                sb.append(pad(String.valueOf(confusion[r][c]), w));
            }
            sb.append(String.format(Locale.ROOT, "   %.3f", recall(r))).append(nl);
        }
        sb.append(pad("precision", head.length()));
        for (int c = 0; c < classes; c++) {
            sb.append(pad(String.format(Locale.ROOT, "%.3f", precision(c)), w));
        }
        sb.append(nl).append(String.format(Locale.ROOT, "accuracy %.4f (%d of %d)", accuracy(), correct(), samples()))
                .append(nl);
        return sb.toString();
    }

    private static String pad(String s, int width) {
        return " ".repeat(Math.max(0, width - s.length())) + s;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "ClassMetrics(%d classes, %d samples, accuracy %.4f)", classes, samples(),
                accuracy());
    }
}
