package org.autodifflite.core.ops;

import java.util.Arrays;
import org.autodifflite.core.Tensor;

/**
 * The axes reordered: output axis {@code i} is input axis {@code axes[i]}, so
 * {@code y[i₀…] = x[…]} with the indices moved accordingly. Backward: {@code ∂L/∂x} is
 * {@code G} permuted by the inverse permutation.
 */
public final class Permute extends Unary {

    private final int[] axes;

    /**
     * @param axes a permutation of the input's axes (negative ones count from the end)
     * @throws IllegalArgumentException if {@code axes} is null
     */
    public Permute(int... axes) {
        super("Permute");
        if (axes == null) {
            throw new IllegalArgumentException("Permute: axes are null; give a permutation of the input's axes");
        }
        this.axes = axes.clone();
    }

    /** @return the permutation as given */
    public int[] axes() {
        return axes.clone();
    }

    /**
     * @param inputs {@code x}, of rank {@code axes.length}
     * @return {@code x} with its axes in the order {@code axes}
     * @throws IllegalArgumentException if not one input, or {@code axes} is not a permutation of
     *     the input's axes
     */
    @Override
    public Tensor forward(Tensor... inputs) {
        Args.inputs(this, inputs);
        Tensor x = inputs[0];
        return x.permute(resolve(x));
    }

    @Override
    public Tensor[] backward(Tensor[] inputs, Tensor output, Tensor gradOutput) {
        int[] p = resolve(inputs[0]);
        int[] inverse = new int[p.length];
        for (int i = 0; i < p.length; i++) {
            inverse[p[i]] = i;
        }
        return new Tensor[] {gradOutput.permute(inverse)};
    }

    private int[] resolve(Tensor x) {
        int rank = x.rank();
        int[] p = new int[axes.length];
        boolean[] seen = new boolean[rank];
        boolean ok = axes.length == rank;
        for (int i = 0; ok && i < axes.length; i++) {
            int a = axes[i] < 0 ? axes[i] + rank : axes[i];
            ok = a >= 0 && a < rank && !seen[a];
            if (ok) {
                seen[a] = true;
                p[i] = a;
            }
        }
        if (!ok) {
            throw new IllegalArgumentException("Permute: axes " + Arrays.toString(axes) + " are not a permutation of"
                    + " the " + rank + " axes of x of shape " + x.shape() + "; give each of the axes 0…" + (rank - 1)
                    + " exactly once");
        }
        return p;
    }
}
