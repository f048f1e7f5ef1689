package org.autodifflite.core.ops;

import org.autodifflite.core.Tensor;

/**
 * Maximum over some axes: {@code y = max_axes x}. Backward: the upstream gradient of each
 * maximum goes to the entry that attains it, {@code ∂L/∂x = G} there and 0 elsewhere. When
 * several entries tie for the maximum, the first of them in row-major order gets all of it: the
 * function has a kink there, which the gradient checker reports as skipped.
 */
public final class Max extends Reduction {

    /**
     * @param axes the axes to take the maximum over (negative ones count from the end); none
     *     means all
     * @param keepDims whether the reduced axes stay, with length 1
     * @throws IllegalArgumentException if {@code axes} is null
     */
    public Max(int[] axes, boolean keepDims) {
        super("Max", axes, keepDims);
    }

    /**
     * @param inputs {@code x}, any shape with no axis of length 0 among the reduced ones
     * @return the maxima, shaped like {@code x} without (or with length 1 along) the reduced axes
     * @throws IllegalArgumentException if not one input, or an axis is out of range or repeated
     */
    @Override
    public Tensor forward(Tensor... inputs) {
        int[] axes = axesOf(inputs);
        return inputs[0].max(axes, keepDims());
    }

    @Override
    public Tensor[] backward(Tensor[] inputs, Tensor output, Tensor gradOutput) {
        Tensor x = inputs[0];
        int[] group = Args.groups(x.dims(), axesOf(inputs));
        double[] xd = x.data();
        double[] y = output.data();
        double[] g = gradOutput.data();
        double[] dx = new double[xd.length];
        boolean[] taken = new boolean[y.length];
        for (int k = 0; k < xd.length; k++) {
            int r = group[k];
            if (!taken[r] && xd[k] == y[r]) {
                dx[k] = g[r];
                taken[r] = true;
            }
        }
        return new Tensor[] {Tensor.wrap(x.dims(), dx)};
    }
}
