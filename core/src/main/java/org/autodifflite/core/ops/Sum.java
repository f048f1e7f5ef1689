package org.autodifflite.core.ops;

import org.autodifflite.core.Tensor;

/**
 * Sum over some axes: {@code y = Σ_axes x}. Backward: every entry of {@code x} gets the upstream
 * gradient of the sum it went into, {@code ∂L/∂x = G} broadcast back over the reduced axes.
 */
public final class Sum extends Reduction {

    /**
     * @param axes the axes to sum over (negative ones count from the end); none means all, which
     *     gives a rank-0 result unless {@code keepDims}
     * @param keepDims whether the reduced axes stay, with length 1 (so the result broadcasts
     *     against {@code x})
     * @throws IllegalArgumentException if {@code axes} is null
     */
    public Sum(int[] axes, boolean keepDims) {
        super("Sum", axes, keepDims);
    }

    /**
     * @param inputs {@code x}, any shape
     * @return the sums, shaped like {@code x} without (or with length 1 along) the reduced axes
     * @throws IllegalArgumentException if not one input, or an axis is out of range or repeated
     */
    @Override
    public Tensor forward(Tensor... inputs) {
        int[] axes = axesOf(inputs);
        return inputs[0].sum(axes, keepDims());
    }

    @Override
    public Tensor[] backward(Tensor[] inputs, Tensor output, Tensor gradOutput) {
        int[] axes = axesOf(inputs);
        return new Tensor[] {spread(gradOutput, inputs[0], axes)};
    }
}
