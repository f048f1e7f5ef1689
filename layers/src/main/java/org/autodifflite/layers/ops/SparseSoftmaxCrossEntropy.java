package org.autodifflite.layers.ops;

import org.autodifflite.core.Op;
import org.autodifflite.core.Tensor;

/**
 * The mean cross-entropy of a softmax over classes, with each sample's label given as its class
 * index: {@code L = −(1/m) Σ_j log softmax(z_·j)_{y_j}}. The same loss as
 * {@link SoftmaxCrossEntropy} with one-hot labels, without building them.
 *
 * <p>Inputs: {@code Z} (logits, classes × samples, k × m, one sample per column) and {@code Y},
 * the class index of each sample — a 1×m row or a vector of shape {@code (m)}, whole numbers in
 * {@code [0, k)} stored as doubles. Output: 1×1, as the other losses.
 *
 * <p>Stable for any finite logits (each column is shifted by its maximum before exponentiating,
 * as in {@link SoftmaxCrossEntropy}).
 *
 * <p>Backward: {@code ∂L/∂z_ij = (G/m)·(softmax_ij − [i = y_j])}. The labels are not
 * differentiable: their gradient is returned as zeros.
 */
public final class SparseSoftmaxCrossEntropy extends LossOp {

    /** Creates the op; it holds no state. */
    public SparseSoftmaxCrossEntropy() {
        super("SparseSoftmaxCrossEntropy", "Z");
    }

    /**
     * @param inputs {@code Z} (logits, k × m) and {@code Y} (class indices, 1×m or (m))
     * @return the mean cross-entropy over the m samples, 1×1
     * @throws IllegalArgumentException if {@code Z} is not 2-D or empty, {@code Y} is not one
     *     index per column of {@code Z}, or a label is not a whole number in [0, k)
     */
    @Override
    public Tensor forward(Tensor... inputs) {
        int[] y = requireInputs(inputs);
        Tensor z = inputs[0];
        Tensor logSoftmax = SoftmaxCrossEntropy.logSoftmax(z);
        int m = z.dim(1);
        double s = 0;
        for (int j = 0; j < m; j++) {
            s += logSoftmax.data()[y[j] * m + j];
        }
        return Tensor.filled(1, 1, -s / m);
    }

    /**
     * @return {@code (G/m)·(softmax(Z) − onehot(Y))} for {@code Z}, and zeros for {@code Y}
     */
    @Override
    public Tensor[] backward(Tensor[] inputs, Tensor output, Tensor gradOutput) {
        int[] y = requireInputs(inputs);
        Tensor z = inputs[0];
        int m = z.dim(1);
        double scale = gradOutput.item() / m;
        double[] d = SoftmaxCrossEntropy.logSoftmax(z).data();
        for (int k = 0; k < d.length; k++) {
            d[k] = Math.exp(d[k]);
        }
        for (int j = 0; j < m; j++) {
            d[y[j] * m + j] -= 1.0;
        }
        for (int k = 0; k < d.length; k++) {
            d[k] *= scale;
        }
        return new Tensor[] {Tensor.wrap(z.dims(), d), Tensor.zerosLike(inputs[1])};
    }

    /** Validates the inputs; returns the class index of each sample. */
    private int[] requireInputs(Tensor[] inputs) {
        Op.requireInputs(this, inputs);
        Tensor z = inputs[0];
        Tensor y = inputs[1];
        if (z.rank() != 2 || z.dim(0) == 0 || z.dim(1) == 0) {
            throw new IllegalArgumentException(name() + ": Z is " + z.shape() + "; the logits must be classes ×"
                    + " samples (k × m, one sample per column) with at least one class and one sample");
        }
        int k = z.dim(0);
        int m = z.dim(1);
        boolean row = y.rank() == 2 && y.dim(0) == 1 && y.dim(1) == m;
        boolean vector = y.rank() == 1 && y.dim(0) == m;
        if (!row && !vector) {
            throw new IllegalArgumentException(name() + ": Y is " + y.shape() + " but Z is " + z.shape()
                    + "; Y must hold one class index per sample (column of Z): 1×" + m + " or (" + m + ")");
        }
        double[] v = y.data();
        int[] labels = new int[m];
        for (int j = 0; j < m; j++) {
            if (!(v[j] >= 0 && v[j] < k && v[j] == Math.rint(v[j]))) {
                throw new IllegalArgumentException(name() + ": label Y[" + (row ? "0][" : "") + j + "] = " + v[j]
                        + " is not a class index; labels must be whole numbers in [0, " + k + ") (0 … " + (k - 1)
                        + ", the " + k + " classes are the rows of Z)");
            }
            labels[j] = (int) v[j];
        }
        return labels;
    }
}
