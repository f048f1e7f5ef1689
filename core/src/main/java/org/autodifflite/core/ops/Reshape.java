package org.autodifflite.core.ops;

import java.util.Arrays;
import org.autodifflite.core.Tensor;

/**
 * The same entries in another shape, row-major order kept: {@code y = reshape(x, dims)}; one
 * dimension may be -1, inferred from the size. Backward: {@code ∂L/∂x = reshape(G, shape of x)}.
 */
public final class Reshape extends Unary {

    private final int[] dims;

    /**
     * @param dims the new shape: dimensions ≥ 0, at most one -1 (inferred); none for a rank-0
     *     result from a one-entry input
     * @throws IllegalArgumentException if {@code dims} is null, a dimension is below -1, or
     *     more than one is -1
     */
    public Reshape(int... dims) {
        super("Reshape");
        if (dims == null) {
            throw new IllegalArgumentException("Reshape: dims are null; give the new shape");
        }
        int inferred = 0;
        for (int d : dims) {
            if (d < -1) {
                throw new IllegalArgumentException("Reshape: dimension " + d + " in " + Arrays.toString(dims)
                        + " is negative; give sizes ≥ 0, or -1 for the one size to infer");
            }
            inferred += d == -1 ? 1 : 0;
        }
        if (inferred > 1) {
            throw new IllegalArgumentException("Reshape: " + Arrays.toString(dims) + " has " + inferred
                    + " dimensions of -1; at most one size can be inferred");
        }
        this.dims = dims.clone();
    }

    /** @return the new shape as given (possibly with one -1) */
    public int[] dims() {
        return dims.clone();
    }

    /**
     * @param inputs {@code x}, any shape with as many entries as the new shape
     * @return the entries of {@code x}, row-major, in the new shape
     * @throws IllegalArgumentException if not one input, or the new shape holds another number of
     *     entries (or none fits the -1)
     */
    @Override
    public Tensor forward(Tensor... inputs) {
        Args.inputs(this, inputs);
        Tensor x = inputs[0];
        return x.reshape(resolve(x));
    }

    @Override
    public Tensor[] backward(Tensor[] inputs, Tensor output, Tensor gradOutput) {
        return new Tensor[] {gradOutput.reshape(inputs[0].dims())};
    }

    /** The new shape for {@code x}, with the -1 worked out. */
    private int[] resolve(Tensor x) {
        int[] out = dims.clone();
        long known = 1;
        int free = -1;
        for (int i = 0; i < out.length; i++) {
            if (out[i] == -1) {
                free = i;
            } else {
                known *= out[i];
            }
        }
        boolean fits = free < 0 ? known == x.size() : known != 0 && x.size() % known == 0;
        if (!fits) {
            throw new IllegalArgumentException("Reshape: cannot reshape x of shape " + x.shape() + " ("
                    + x.size() + " entries) to " + Tensor.shape(dims)
                    + (free >= 0 ? ": no size for the -1 makes " + x.size() + " entries" : " (" + known + " entries)")
                    + "; the new shape must hold the same number of entries (use -1 for one size to infer it)");
        }
        if (free >= 0) {
            out[free] = (int) (x.size() / known);
        }
        return out;
    }
}
