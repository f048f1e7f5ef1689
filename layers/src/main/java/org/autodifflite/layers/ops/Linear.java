package org.autodifflite.layers.ops;

import org.autodifflite.core.FastForward;
import org.autodifflite.core.Op;
import org.autodifflite.core.OpChecks;
import org.autodifflite.core.Tensor;
import org.autodifflite.core.kernel.MatMul;

/**
 * The affine map {@code Z = W·X + b} of a fully connected layer.
 *
 * <p>Inputs, in order: {@code X} (in × m, one sample per column), {@code W} (out × in) and
 * {@code b} (out × 1, added to every column). Output: {@code Z} (out × m).
 *
 * <p>Backward, for upstream gradient {@code G = ∂L/∂Z}: {@code ∂L/∂X = Wᵀ·G},
 * {@code ∂L/∂W = G·Xᵀ}, {@code ∂L/∂b = Σ_columns G}.
 */
public final class Linear implements FastForward {

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
            default -> FastForward.super.inputName(index);
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
        requireShapes(inputs);
        Tensor x = inputs[0];
        Tensor w = inputs[1];
        Tensor z = w.matmul(x);
        // The bias goes into the fresh product in place: the same sums as z.add(b), one
        // allocation and one pass fewer (this forward runs twice per entry in a gradient check).
        addBias(z.data(), inputs[2].data(), z.cols(), 0, z.rows(), 0, z.cols());
        return z;
    }

    /**
     * Computes {@code W·X + b} into {@code out}, the same bits as {@link #forward}, allocating
     * nothing.
     *
     * @param out the out × m output buffer
     * @param inputs {@code X}, {@code W}, {@code b}
     * @throws IllegalArgumentException if the shapes do not fit (as {@link #forward}) or
     *     {@code out} is not out × m
     */
    @Override
    public void forwardInto(Tensor out, Tensor... inputs) {
        requireShapes(inputs);
        Tensor x = inputs[0];
        Tensor w = inputs[1];
        int n = w.rows();
        int k = w.cols();
        int m = x.cols();
        OpChecks.requireOutput(name(), out, n, m);
        whole(x, w, inputs[2], out, n, k, m);
    }

    /**
     * All of {@code Z = W·X + b} into {@code out}, the shapes checked by the caller: the kernel
     * itself, which still checks its arrays ({@code Tensor.matmulInto} would check the shapes
     * again, and the checker replays this op thousands of times on the seed net, where the
     * checks are the cost).
     */
    private static void whole(Tensor x, Tensor w, Tensor b, Tensor out, int n, int k, int m) {
        MatMul.gemm(w.data(), 0, k, 1, x.data(), 0, m, 1, out.data(), 0, n, k, m);
        addBias(out.data(), b.data(), m, 0, n, 0, m);
    }

    /**
     * Recomputes what changed entries influence: entries of {@code W} or {@code b} in rows
     * {@code r…r'} change rows {@code r…r'} of {@code Z}; entries of {@code X} change their
     * columns of {@code Z}. Each recomputed entry has the bits {@link #forward} gives it.
     *
     * @param out {@code Z} for inputs that differ from {@code inputs} at most in those entries
     * @param input 0 ({@code X}), 1 ({@code W}) or 2 ({@code b})
     * @param from the first changed entry, row-major
     * @param to one past the last changed entry
     * @param inputs {@code X}, {@code W}, {@code b}
     * @return {@code true}
     * @throws IllegalArgumentException if the shapes do not fit, or the input or range does not
     *     exist
     */
    @Override
    public boolean forwardEntriesInto(Tensor out, int input, int from, int to, Tensor... inputs) {
        requireShapes(inputs);
        Tensor x = inputs[0];
        Tensor w = inputs[1];
        int n = w.rows();
        int k = w.cols();
        int m = x.cols();
        OpChecks.requireOutput(name(), out, n, m);
        OpChecks.requireRange(name(), inputs, input, from, to);
        if (from == to) {
            return true;
        }
        int r0 = 0;
        int r1 = n;
        int c0 = 0;
        int c1 = m;
        if (input == 0) {
            if ((to - 1) / m == from / m) { // within one row of X: only those columns
                c0 = from % m;
                c1 = (to - 1) % m + 1;
            }
        } else {
            int cols = inputs[input].cols();
            r0 = from / cols;
            r1 = (to - 1) / cols + 1;
        }
        if ((long) (r1 - r0) * (c1 - c0) * 4 > (long) n * m && MatMul.blocked(n, k, m)) {
            // Over a quarter of Z: the blocked whole product is faster than entry by entry. A
            // product too small for the blocked kernel runs the same loop for every entry, so
            // the few entries alone cost less (a third of Z for a row of the seed net's 3×3).
            whole(x, w, inputs[2], out, n, k, m);
        } else {
            MatMul.region(w.data(), x.data(), out.data(), n, k, m, r0, r1, c0, c1);
            addBias(out.data(), inputs[2].data(), m, r0, r1, c0, c1);
        }
        return true;
    }

    private void requireShapes(Tensor[] inputs) {
        Op.requireInputs(this, inputs);
        Tensor x = inputs[0];
        Tensor w = inputs[1];
        Tensor b = inputs[2];
        if (x.rank() != 2 || w.rank() != 2 || b.rank() != 2) {
            throw new IllegalArgumentException("Linear: X is " + x.shape() + ", W " + w.shape() + " and b " + b.shape()
                    + "; Linear takes 2-D X (features × samples), W (out × in) and b (out × 1): flatten images"
                    + " first (Flatten: N×C×H×W → (C·H·W)×N), or use matmul for batched products");
        }
        if (w.cols() != x.rows()) {
            throw new IllegalArgumentException("Linear: W is " + w.shape() + " but X is " + x.shape()
                    + "; W must have as many columns as X has rows (features), one sample per column of X");
        }
        if (b.rows() != w.rows() || b.cols() != 1) {
            throw new IllegalArgumentException("Linear: b is " + b.shape() + " but W is " + w.shape()
                    + "; b must be a column of " + w.rows() + "×1 (one bias per output row of W)");
        }
    }

    /** Adds {@code b(i)} to the entries of rows [r0, r1) and columns [c0, c1) of the product. */
    private static void addBias(double[] zd, double[] bd, int m, int r0, int r1, int c0, int c1) {
        for (int i = r0; i < r1; i++) {
            double bi = bd[i];
            for (int j = i * m + c0, end = i * m + c1; j < end; j++) {
                zd[j] += bi;
            }
        }
    }

    /**
     * @param inputs {@code X, W, b} as given to {@link #forward}
     * @param output {@code Z}
     * @param gradOutput {@code ∂L/∂Z}
     * @return {@code ∂L/∂X = Wᵀ·G}, {@code ∂L/∂W = G·Xᵀ}, {@code ∂L/∂b = Σ_columns G}
     */
    @Override
    public Tensor[] backward(Tensor[] inputs, Tensor output, Tensor gradOutput) {
        return backward(inputs, output, gradOutput, new boolean[] {true, true, true});
    }

    /**
     * As {@link #backward(Tensor[], Tensor, Tensor)}, skipping the products nobody needs: the
     * first layer's {@code ∂L/∂X} is a third of a training step's work and is never used.
     */
    @Override
    public Tensor[] backward(Tensor[] inputs, Tensor output, Tensor gradOutput, boolean[] needsInputGrad) {
        Tensor x = inputs[0];
        Tensor w = inputs[1];
        return new Tensor[] {
            needsInputGrad[0] ? w.matmulTransposeLeft(gradOutput) : null,
            needsInputGrad[1] ? gradOutput.matmulTransposeRight(x) : null,
            needsInputGrad[2] ? gradOutput.sumRows() : null
        };
    }
}
