package org.autodifflite.layers.ops;

import org.autodifflite.core.FastForward;
import org.autodifflite.core.OpChecks;
import org.autodifflite.core.Tensor;

/**
 * The mean binary cross-entropy of predicted probabilities, as the seed notebook computes it:
 * {@code L = −(1/m) Σ [y·log a + (1−y)·log(1−a)]}, summed over every entry and divided by the
 * number of samples {@code m} (columns).
 *
 * <p>Inputs: {@code A} (predicted probabilities, k × m, usually the output of a {@link org.autodifflite.core.ops.Sigmoid})
 * and {@code Y} (labels in [0, 1], same shape). Output: a 1×1 cost.
 *
 * <p><b>Clamping.</b> So that the cost stays finite at {@code A ∈ {0, 1}}, each logarithm's
 * argument is clamped from below: {@code log(max(a, EPSILON))} and {@code log(max(1−a, EPSILON))}
 * with {@link #EPSILON} {@code = 1e-300}. The clamp changes nothing unless an argument is below
 * 1e-300 — in practice only exactly 0 — so the cost at saturated predictions is at most
 * {@code −log(1e-300) ≈ 690.8} per sample. The backward pass differentiates exactly this clamped
 * function: a clamped term is constant, so its derivative is 0. For logits, prefer
 * {@link SigmoidBinaryCrossEntropy}, which needs no clamp.
 *
 * <p>Backward: {@code ∂L/∂a = (G/m)·(−y/a + (1−y)/(1−a))} (each term 0 where clamped). The labels
 * are not differentiable: their gradient is returned as zeros.
 */
public final class BinaryCrossEntropy extends LossOp implements FastForward {

    /** The lower bound applied to the arguments of both logarithms. */
    public static final double EPSILON = 1e-300;

    /** Creates the op; it holds no state. */
    public BinaryCrossEntropy() {
        super("BinaryCrossEntropy", "A");
    }

    /**
     * @param inputs {@code A} (probabilities, k × m) and {@code Y} (labels in [0, 1], k × m)
     * @return the mean cost over the {@code m} samples, 1×1
     * @throws IllegalArgumentException if the shapes differ, there are no samples, or a label is
     *     not finite or outside [0, 1]
     */
    @Override
    public Tensor forward(Tensor... inputs) {
        return Tensor.filled(1, 1, cost(inputs));
    }

    /**
     * Writes the same cost as {@link #forward} into a 1×1 buffer, allocating nothing.
     *
     * @param out a 1×1 buffer
     * @param inputs {@code A} and {@code Y}
     * @throws IllegalArgumentException as {@link #forward}, or if {@code out} is not 1×1
     */
    @Override
    public void forwardInto(Tensor out, Tensor... inputs) {
        OpChecks.requireOutput(name(), out, 1, 1);
        out.data()[0] = cost(inputs);
    }

    private double cost(Tensor[] inputs) {
        requirePredictionAndLabels(inputs);
        Tensor a = inputs[0];
        Tensor y = inputs[1];
        OpChecks.requireProbabilities(name(), y);
        double[] ad = a.data();
        double[] yd = y.data();
        double sum = 0;
        for (int i = 0; i < ad.length; i++) {
            // The notebook's order of operations: (−log a)·y + (−log(1−a))·(1−y), summed, then ·1/m.
            sum += -Math.log(Math.max(ad[i], EPSILON)) * yd[i]
                    + -Math.log(Math.max(1.0 - ad[i], EPSILON)) * (1.0 - yd[i]);
        }
        return 1.0 / a.cols() * sum;
    }

    /**
     * @return {@code (G/m)·(−y/a + (1−y)/(1−a))} for {@code A} (clamped terms contribute 0), and
     *     zeros for {@code Y}
     */
    @Override
    public Tensor[] backward(Tensor[] inputs, Tensor output, Tensor gradOutput) {
        Tensor a = inputs[0];
        Tensor y = inputs[1];
        double scale = gradOutput.item() / a.cols();
        Tensor da = a.zip("BinaryCrossEntropy backward", y, (av, yv) ->
                scale * ((av > EPSILON ? -yv / av : 0.0) + (1.0 - av > EPSILON ? (1.0 - yv) / (1.0 - av) : 0.0)));
        return new Tensor[] {da, Tensor.zerosLike(y)};
    }
}
