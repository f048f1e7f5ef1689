package org.autodifflite.layers.ops;

import org.autodifflite.core.OpChecks;
import org.autodifflite.core.Tensor;

/**
 * The mean squared error {@code L = (1/n) Σ (a − y)²} over all {@code n} entries of the
 * prediction (for a one-row output, the mean over the samples).
 *
 * <p>Inputs: {@code A} (predictions) and {@code Y} (finite targets, same shape). Output: 1×1.
 *
 * <p>Backward: {@code ∂L/∂a = (2G/n)·(a − y)}. The targets are not differentiable: their gradient
 * is returned as zeros.
 */
public final class MeanSquaredError extends LossOp {

    /** Creates the op; it holds no state. */
    public MeanSquaredError() {
        super("MeanSquaredError", "A");
    }

    /**
     * @param inputs {@code A} and {@code Y}, the same shape
     * @return the mean of the squared differences, 1×1
     * @throws IllegalArgumentException if the shapes differ, are empty, or a target is not finite
     */
    @Override
    public Tensor forward(Tensor... inputs) {
        requirePredictionAndLabels(inputs);
        Tensor a = inputs[0];
        Tensor y = inputs[1];
        OpChecks.requireFinite(name(), "Y", y);
        double[] ad = a.data();
        double[] yd = y.data();
        double sum = 0;
        for (int i = 0; i < ad.length; i++) {
            double d = ad[i] - yd[i];
            sum += d * d;
        }
        return Tensor.filled(1, 1, sum / ad.length);
    }

    /**
     * @return {@code (2G/n)·(A − Y)} for {@code A}, and zeros for {@code Y}
     */
    @Override
    public Tensor[] backward(Tensor[] inputs, Tensor output, Tensor gradOutput) {
        Tensor a = inputs[0];
        Tensor y = inputs[1];
        double scale = 2.0 * gradOutput.item() / a.size();
        return new Tensor[] {a.zip("MeanSquaredError backward", y, (av, yv) -> scale * (av - yv)), Tensor.zerosLike(y)};
    }
}
