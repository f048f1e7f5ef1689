package org.autodifflite.layers.ops;

import org.autodifflite.core.OpChecks;
import org.autodifflite.core.Tensor;

/**
 * The mean cross-entropy of a softmax over classes:
 * {@code L = −(1/m) Σ_j Σ_i y_ij · log softmax(z_·j)_i}.
 *
 * <p>Classes are rows and samples columns: {@code Z} holds k logits per sample (k × m) and
 * {@code Y} (k × m) holds, per column, a one-hot label or a probability distribution (entries in
 * [0, 1], each column summing to 1 within {@link #SUM_TOLERANCE}). Output: 1×1.
 *
 * <p>Stable for any finite logits: each column is shifted by its maximum before exponentiating
 * ({@code log softmax(z)_i = z_i − max − log Σ_k e^(z_k − max)}), so no exponential overflows and
 * no logarithm of 0 is taken.
 *
 * <p>Backward: {@code ∂L/∂z_ij = (G/m)·(softmax_ij · Σ_k y_kj − y_ij)}, which is the familiar
 * {@code (G/m)·(softmax − y)} for columns of {@code Y} that sum to 1. The labels are not
 * differentiable: their gradient is returned as zeros.
 *
 * <p>For labels given as class indices rather than one-hot columns, use
 * {@link SparseSoftmaxCrossEntropy}.
 */
public final class SoftmaxCrossEntropy extends LossOp {

    /** How far a column of {@code Y} may sum from 1 (rounding in the caller's probabilities). */
    public static final double SUM_TOLERANCE = 1e-6;

    /** Creates the op; it holds no state. */
    public SoftmaxCrossEntropy() {
        super("SoftmaxCrossEntropy", "Z");
    }

    /**
     * @param inputs {@code Z} (logits, classes × samples) and {@code Y} (one-hot or probability
     *     columns, same shape)
     * @return the mean cross-entropy over the samples, 1×1
     * @throws IllegalArgumentException if the shapes differ or are empty, or a column of {@code Y}
     *     is not a probability distribution
     */
    @Override
    public Tensor forward(Tensor... inputs) {
        requirePredictionAndLabels(inputs);
        if (inputs[0].rank() != 2) {
            throw new IllegalArgumentException(name() + ": Z is " + inputs[0].shape() + "; it takes classes × samples"
                    + " (2-D, one sample per column): transpose N×classes logits (x.t()) or flatten first");
        }
        Tensor z = inputs[0];
        Tensor y = inputs[1];
        OpChecks.requireProbabilities(name(), y);
        Tensor colSums = y.sumCols();
        for (int j = 0; j < colSums.cols(); j++) {
            if (Math.abs(colSums.get(j) - 1.0) > SUM_TOLERANCE) {
                throw new IllegalArgumentException(name() + ": column " + j + " of Y sums to " + colSums.get(j)
                        + ", not 1; each column (sample) of Y must be a one-hot label or a probability"
                        + " distribution over the " + y.rows() + " classes (rows)");
            }
        }
        Tensor logSoftmax = logSoftmax(z);
        return Tensor.filled(1, 1, -logSoftmax.dot(y) / z.cols());
    }

    /**
     * @return {@code (G/m)·(softmax(Z)·colsum(Y) − Y)} for {@code Z}, and zeros for {@code Y}
     */
    @Override
    public Tensor[] backward(Tensor[] inputs, Tensor output, Tensor gradOutput) {
        Tensor z = inputs[0];
        Tensor y = inputs[1];
        double scale = gradOutput.item() / z.cols();
        Tensor softmax = logSoftmax(z).map(Math::exp);
        Tensor dz = softmax.multiply(y.sumCols()).subtract(y).scale(scale);
        return new Tensor[] {dz, Tensor.zerosLike(y)};
    }

    /** Column-wise log-softmax, shifted by each column's maximum so nothing overflows. */
    static Tensor logSoftmax(Tensor z) {
        int k = z.rows();
        int m = z.cols();
        double[] in = z.data();
        double[] out = new double[in.length];
        for (int j = 0; j < m; j++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < k; i++) {
                max = Math.max(max, in[i * m + j]);
            }
            double s = 0;
            for (int i = 0; i < k; i++) {
                s += Math.exp(in[i * m + j] - max);
            }
            double lse = max + Math.log(s);
            for (int i = 0; i < k; i++) {
                out[i * m + j] = in[i * m + j] - lse;
            }
        }
        return Tensor.wrap(k, m, out);
    }
}
