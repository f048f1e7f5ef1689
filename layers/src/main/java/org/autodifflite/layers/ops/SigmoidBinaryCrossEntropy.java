package org.autodifflite.layers.ops;

import org.autodifflite.core.OpChecks;
import org.autodifflite.core.Tensor;
import org.autodifflite.core.ops.Sigmoid;

/**
 * The mean binary cross-entropy computed from logits: {@code L = (1/m) Σ ℓ(z, y)} with
 * {@code ℓ(z, y) = −y·log σ(z) − (1−y)·log(1−σ(z))}, {@code m} the number of samples (columns).
 *
 * <p>Equal to {@link Sigmoid} followed by {@link BinaryCrossEntropy}, but stable for any finite
 * logit: it evaluates the equivalent {@code ℓ = max(z, 0) − z·y + log(1 + e^−|z|)}, which never
 * takes the exponential of a positive number nor the logarithm of 0. At {@code |z| = 1000} it is
 * exact where the two-op form saturates.
 *
 * <p>Backward: {@code ∂L/∂z = (G/m)·(σ(z) − y)}. The labels are not differentiable: their
 * gradient is returned as zeros.
 */
public final class SigmoidBinaryCrossEntropy extends LossOp {

    /** Creates the op; it holds no state. */
    public SigmoidBinaryCrossEntropy() {
        super("SigmoidBinaryCrossEntropy", "Z");
    }

    /**
     * @param inputs {@code Z} (logits, k × m) and {@code Y} (labels in [0, 1], k × m)
     * @return the mean cost over the {@code m} samples, 1×1
     * @throws IllegalArgumentException if the shapes differ, there are no samples, or a label is
     *     not finite or outside [0, 1]
     */
    @Override
    public Tensor forward(Tensor... inputs) {
        requirePredictionAndLabels(inputs);
        Tensor z = inputs[0];
        Tensor y = inputs[1];
        OpChecks.requireProbabilities(name(), y);
        double[] zd = z.data();
        double[] yd = y.data();
        double sum = 0;
        for (int i = 0; i < zd.length; i++) {
            double v = zd[i];
            sum += Math.max(v, 0.0) - v * yd[i] + Math.log1p(Math.exp(-Math.abs(v)));
        }
        return Tensor.filled(1, 1, sum / z.cols());
    }

    /**
     * @return {@code (G/m)·(σ(Z) − Y)} for {@code Z}, and zeros for {@code Y}
     */
    @Override
    public Tensor[] backward(Tensor[] inputs, Tensor output, Tensor gradOutput) {
        Tensor z = inputs[0];
        Tensor y = inputs[1];
        double scale = gradOutput.item() / z.cols();
        Tensor dz = z.zip("SigmoidBinaryCrossEntropy backward", y, (zv, yv) -> scale * (Sigmoid.sigmoid(zv) - yv));
        return new Tensor[] {dz, Tensor.zerosLike(y)};
    }
}
