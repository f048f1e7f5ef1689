package org.autodifflite.core.ops;

import java.util.Arrays;
import org.autodifflite.core.Tensor;

/**
 * What the reductions share: one input {@code x}, the axes reduced (none given means all) and
 * whether they are kept as axes of length 1, both constants of the op.
 */
abstract class Reduction extends Unary {

    private final int[] axes;
    private final boolean keepDims;

    Reduction(String name, int[] axes, boolean keepDims) {
        super(name);
        if (axes == null) {
            throw new IllegalArgumentException(name + ": axes are null; give the axes to reduce, or none for all");
        }
        this.axes = axes.clone();
        this.keepDims = keepDims;
    }

    /** @return the axes as given (negative ones count from the end; empty means all) */
    public final int[] axes() {
        return axes.clone();
    }

    /** @return whether reduced axes stay as axes of length 1 */
    public final boolean keepDims() {
        return keepDims;
    }

    /**
     * Checks the input and resolves the axes against its rank.
     *
     * @return the axes reduced, non-negative and ascending
     * @throws IllegalArgumentException if not one input, an axis is out of range or repeated
     */
    final int[] axesOf(Tensor[] inputs) {
        Args.inputs(this, inputs);
        return Args.axes(name(), axes, "x", inputs[0]);
    }

    /** @return the output's shape for an input of shape {@code dims} */
    final int[] outputDims(int[] dims, int[] resolved) {
        return Args.reduced(dims, resolved, keepDims);
    }

    /** @return {@code t} (shaped like the output) with the reduced axes back as axes of length 1 */
    static Tensor kept(Tensor t, int[] dims, int[] resolved) {
        return t.reshape(Args.reduced(dims, resolved, true));
    }

    /** @return the upstream gradient spread back over the reduced axes: shaped like {@code x} */
    static Tensor spread(Tensor gradOutput, Tensor x, int[] resolved) {
        return kept(gradOutput, x.dims(), resolved).broadcastTo(x.dims());
    }

    @Override
    public String toString() {
        return name() + "(axes " + (axes.length == 0 ? "all" : Arrays.toString(axes)) + ", keepDims " + keepDims + ")";
    }
}
