package org.autodifflite.core.ops;

import org.autodifflite.core.Tensor;

/**
 * The log of a sum of exponentials over some axes, computed stably:
 * {@code y = m + ln Σ_axes e^(x − m)} with {@code m} the maximum over the same axes, so no
 * exponential overflows. Backward: {@code ∂L/∂x = G ⊙ e^(x − y)}, the softmax of {@code x} over
 * the reduced axes, with {@code G} and {@code y} broadcast back over them.
 */
public final class LogSumExp extends Reduction {

    /**
     * @param axes the axes to reduce (negative ones count from the end); none means all
     * @param keepDims whether the reduced axes stay, with length 1
     * @throws IllegalArgumentException if {@code axes} is null
     */
    public LogSumExp(int[] axes, boolean keepDims) {
        super("LogSumExp", axes, keepDims);
    }

    /**
     * @param inputs {@code x}, any shape
     * @return {@code ln Σ e^x} over the reduced axes, shaped like {@code x} without (or with
     *     length 1 along) them
     * @throws IllegalArgumentException if not one input, or an axis is out of range or repeated
     */
    @Override
    public Tensor forward(Tensor... inputs) {
        int[] axes = axesOf(inputs);
        Tensor x = inputs[0];
        // Where the maximum is infinite, x − m would be NaN (∞ − ∞); shifting by 0 there gives ±∞.
        Tensor m = x.max(axes, true).map(v -> Double.isFinite(v) ? v : 0.0);
        Tensor y = x.subtract(m).exp().sum(axes, true).log().add(m);
        return keepDims() ? y : y.reshape(outputDims(x.dims(), axes));
    }

    @Override
    public Tensor[] backward(Tensor[] inputs, Tensor output, Tensor gradOutput) {
        int[] axes = axesOf(inputs);
        Tensor x = inputs[0];
        Tensor softmax = x.subtract(kept(output, x.dims(), axes)).exp();
        return new Tensor[] {softmax.multiply(kept(gradOutput, x.dims(), axes))};
    }
}
