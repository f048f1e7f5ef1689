package org.autodifflite.core.ops;

import org.autodifflite.core.Tensor;

/**
 * Mean over some axes: {@code y = (1/n)·Σ_axes x}, {@code n} the number of entries averaged.
 * Backward: {@code ∂L/∂x = G/n}, broadcast back over the reduced axes.
 */
public final class Mean extends Reduction {

    /**
     * @param axes the axes to average over (negative ones count from the end); none means all
     * @param keepDims whether the reduced axes stay, with length 1
     * @throws IllegalArgumentException if {@code axes} is null
     */
    public Mean(int[] axes, boolean keepDims) {
        super("Mean", axes, keepDims);
    }

    /**
     * @param inputs {@code x}, any shape
     * @return the means, shaped like {@code x} without (or with length 1 along) the reduced axes
     * @throws IllegalArgumentException if not one input, or an axis is out of range or repeated
     */
    @Override
    public Tensor forward(Tensor... inputs) {
        int[] axes = axesOf(inputs);
        return inputs[0].mean(axes, keepDims());
    }

    @Override
    public Tensor[] backward(Tensor[] inputs, Tensor output, Tensor gradOutput) {
        int[] axes = axesOf(inputs);
        double n = Args.count(inputs[0].dims(), axes);
        return new Tensor[] {spread(gradOutput, inputs[0], axes).scale(1.0 / n)};
    }
}
