package org.autodifflite.layers;

import org.autodifflite.core.Op;
import org.autodifflite.core.Tensor;

/**
 * The affine map {@code Z = W·X + b} of a fully connected layer.
 *
 * <p>Inputs, in order: {@code X} (in × m, one sample per column), {@code W} (out × in) and
 * {@code b} (out × 1, added to every column). Output: {@code Z} (out × m).
 *
 * <p>Backward, for upstream gradient {@code G = ∂L/∂Z}: {@code ∂L/∂X = Wᵀ·G},
 * {@code ∂L/∂W = G·Xᵀ}, {@code ∂L/∂b = Σ_columns G}.
 */
public final class Linear implements Op {

    /** Creates the op; it holds no state, so one instance can serve every layer. */
    public Linear() {
    }

    @Override
    public String name() {
        return "Linear";
    }

    @Override
    public int arity() {
        return 3;
    }

    @Override
    public String inputName(int index) {
        return switch (index) {
            case 0 -> "X";
            case 1 -> "W";
            case 2 -> "b";
            default -> Op.super.inputName(index);
        };
    }

    /**
     * Computes {@code W·X + b}.
     *
     * @param inputs {@code X} (in × m), {@code W} (out × in), {@code b} (out × 1)
     * @return {@code Z}, out × m
     * @throws IllegalArgumentException if the shapes do not fit; the message names both shapes
     */
    @Override
    public Tensor forward(Tensor... inputs) {
        Op.requireInputs(this, inputs);
        Tensor x = inputs[0];
        Tensor w = inputs[1];
        Tensor b = inputs[2];
        if (w.cols() != x.rows()) {
            throw new IllegalArgumentException("Linear: W is " + w.shape() + " but X is " + x.shape()
                    + "; W must have as many columns as X has rows (features), one sample per column of X");
        }
        if (b.rows() != w.rows() || b.cols() != 1) {
            throw new IllegalArgumentException("Linear: b is " + b.shape() + " but W is " + w.shape()
                    + "; b must be a column of " + w.rows() + "×1 (one bias per output row of W)");
        }
        Tensor z = w.matmul(x);
        // The bias goes into the fresh product in place: the same sums as z.add(b), one
        // allocation and one pass fewer (this forward runs twice per entry in a gradient check).
        double[] zd = z.data();
        double[] bd = b.data();
        int m = z.cols();
        for (int i = 0; i < bd.length; i++) {
            double bi = bd[i];
            for (int j = i * m, end = j + m; j < end; j++) {
                zd[j] += bi;
            }
        }
        return z;
    }

    /**
     * @param inputs {@code X, W, b} as given to {@link #forward}
     * @param output {@code Z}
     * @param gradOutput {@code ∂L/∂Z}
     * @return {@code ∂L/∂X = Wᵀ·G}, {@code ∂L/∂W = G·Xᵀ}, {@code ∂L/∂b = Σ_columns G}
     */
    @Override
    public Tensor[] backward(Tensor[] inputs, Tensor output, Tensor gradOutput) {
        Tensor x = inputs[0];
        Tensor w = inputs[1];
        return new Tensor[] {
            w.matmulTransposeLeft(gradOutput),
            gradOutput.matmulTransposeRight(x),
            gradOutput.sumRows()
        };
    }
}
