package org.autodifflite.layers.train;

import java.util.Arrays;
import org.autodifflite.core.OpChecks;
import org.autodifflite.core.Tensor;

/**
 * Metrics of a binary classifier: the confusion counts at a threshold, accuracy, precision,
 * recall and F1, and the threshold-free ROC-AUC.
 *
 * <p>Labels are 0 or 1; scores and labels are given as tensors of the same shape (usually
 * 1 × n). {@link #at} takes <b>probabilities</b>: a score {@code ≥ threshold} predicts 1, and a
 * threshold such as 0.5 only means something on the probability scale, so a score outside
 * [0, 1] — a logit, from a model trained with
 * {@link org.autodifflite.layers.ops.SigmoidBinaryCrossEntropy} — is refused rather than
 * thresholded silently; {@code Sequential.predictProbabilities(x)} gives probabilities.
 * {@link #rocAuc} takes any finite scores: it depends only on their order, which the sigmoid
 * keeps, so logits and probabilities give the same area.
 *
 * <p>Precision, recall and F1 are defined as 0 when their denominator is 0 (no predicted
 * positives, no actual positives).
 */
public final class BinaryMetrics {

    private final int tp;
    private final int fp;
    private final int tn;
    private final int fn;

    private BinaryMetrics(int tp, int fp, int tn, int fn) {
        this.tp = tp;
        this.fp = fp;
        this.tn = tn;
        this.fn = fn;
    }

    /**
     * Counts true and false positives and negatives at a threshold.
     *
     * @param scores the predicted probabilities of label 1, each within [0, 1]
     * @param labels the labels, each 0 or 1, shaped like {@code scores}
     * @param threshold a probability within [0, 1]; a score at or above it predicts 1
     * @return the metrics
     * @throws IllegalArgumentException if the shapes differ or are empty, a score is not within
     *     [0, 1] (logits: apply a sigmoid first), the threshold is not within [0, 1], or a label
     *     is not 0 or 1
     */
    public static BinaryMetrics at(Tensor scores, Tensor labels, double threshold) {
        validate(scores, labels);
        if (!(threshold >= 0.0 && threshold <= 1.0)) {
            throw new IllegalArgumentException("BinaryMetrics.at: the threshold is " + threshold
                    + "; it is a probability and must be within [0, 1] (0.5 for the more likely class)");
        }
        double[] p = scores.data();
        for (int k = 0; k < p.length; k++) {
            if (!(p[k] >= 0.0 && p[k] <= 1.0)) {
                throw new IllegalArgumentException("BinaryMetrics.at: score " + position(scores, k) + " = " + p[k]
                        + " is not within [0, 1]; pass probabilities, not logits (apply a sigmoid to logits: Sequential.predictProbabilities(x) does it for a model"
                        + " trained with SigmoidBinaryCrossEntropy)");
            }
        }
        int tp = 0;
        int fp = 0;
        int tn = 0;
        int fn = 0;
        double[] s = scores.data();
        double[] l = labels.data();
        for (int i = 0; i < s.length; i++) {
            boolean predicted = s[i] >= threshold;
            boolean actual = l[i] == 1.0;
            if (predicted && actual) {
                tp++;
            } else if (predicted) {
                fp++;
            } else if (actual) {
                fn++;
            } else {
                tn++;
            }
        }
        return new BinaryMetrics(tp, fp, tn, fn);
    }

    /** @return the number of positives predicted positive */
    public int truePositives() {
        return tp;
    }

    /** @return the number of negatives predicted positive */
    public int falsePositives() {
        return fp;
    }

    /** @return the number of negatives predicted negative */
    public int trueNegatives() {
        return tn;
    }

    /** @return the number of positives predicted negative */
    public int falseNegatives() {
        return fn;
    }

    /** @return the share of correct predictions, {@code (tp + tn) / n} */
    public double accuracy() {
        return (double) (tp + tn) / (tp + fp + tn + fn);
    }

    /** @return {@code tp / (tp + fp)}, or 0 when nothing is predicted positive */
    public double precision() {
        return tp + fp == 0 ? 0.0 : (double) tp / (tp + fp);
    }

    /** @return {@code tp / (tp + fn)}, or 0 when there are no positives */
    public double recall() {
        return tp + fn == 0 ? 0.0 : (double) tp / (tp + fn);
    }

    /** @return the harmonic mean of precision and recall, or 0 when both are 0 */
    public double f1() {
        double p = precision();
        double r = recall();
        return p + r == 0 ? 0.0 : 2 * p * r / (p + r);
    }

    /**
     * The area under the ROC curve: the probability that a random positive scores above a random
     * negative, counting ties as one half (the Mann–Whitney statistic with mid-ranks).
     *
     * @param scores the scores, finite: probabilities, logits or any score that ranks the samples
     * @param labels the labels, each 0 or 1, shaped like {@code scores}
     * @return the ROC-AUC in [0, 1]
     * @throws IllegalArgumentException if the shapes differ or are empty, a score is not finite, a
     *     label is not 0 or 1, or only one class is present (the AUC is then undefined)
     */
    public static double rocAuc(Tensor scores, Tensor labels) {
        validate(scores, labels);
        int n = scores.size();
        double[] s = scores.data();
        double[] l = labels.data();
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(s[a], s[b]));
        double positiveRankSum = 0;
        long positives = 0;
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && s[order[j + 1]] == s[order[i]]) {
                j++;
            }
            // Tied scores i..j (0-based) share the mid-rank of 1-based ranks i+1 … j+1.
            double midRank = (i + j) / 2.0 + 1.0;
            for (int k = i; k <= j; k++) {
                if (l[order[k]] == 1.0) {
                    positiveRankSum += midRank;
                    positives++;
                }
            }
            i = j + 1;
        }
        long negatives = n - positives;
        if (positives == 0 || negatives == 0) {
            throw new IllegalArgumentException("rocAuc: the labels hold " + positives + " positives and "
                    + negatives + " negatives; the AUC needs at least one of each");
        }
        return (positiveRankSum - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
    }

    /** Where entry {@code k} (row-major) sits: {@code [i][j]} in a matrix, {@code [k]} otherwise. */
    private static String position(Tensor t, int k) {
        return t.rank() == 2 ? "[" + k / t.dim(1) + "][" + k % t.dim(1) + "]" : "[" + k + "]";
    }

    private static void validate(Tensor scores, Tensor labels) {
        OpChecks.requireSameShape("BinaryMetrics", "scores", scores, "labels", labels);
        if (scores.size() == 0) {
            throw new IllegalArgumentException("BinaryMetrics: no samples (scores are " + scores.shape() + ")");
        }
        OpChecks.requireFinite("BinaryMetrics", "scores", scores);
        double[] l = labels.data();
        for (int i = 0; i < l.length; i++) {
            if (l[i] != 0.0 && l[i] != 1.0) {
                throw new IllegalArgumentException("BinaryMetrics: label " + i + " is " + l[i]
                        + "; binary labels must be 0 or 1");
            }
        }
    }

    @Override
    public String toString() {
        return "tp=" + tp + " fp=" + fp + " tn=" + tn + " fn=" + fn + " accuracy=" + accuracy()
                + " precision=" + precision() + " recall=" + recall() + " f1=" + f1();
    }
}
