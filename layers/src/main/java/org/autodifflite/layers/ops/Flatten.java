package org.autodifflite.layers.ops;

import org.autodifflite.core.FastForward;
import org.autodifflite.core.Op;
import org.autodifflite.core.OpChecks;
import org.autodifflite.core.Tensor;

/**
 * Converts a batch with the batch axis first — images N×C×H×W, or any N×… — into the layout of
 * the dense layers, features × batch with one sample per column: {@code Y} is (C·H·W) × N and
 * {@code Y[k, n] = X[n, …]} where {@code k} is the row-major index of the entry within sample
 * {@code n}. Backward moves the gradient back: {@code ∂L/∂X[n, …] = G[k, n]}.
 *
 * <p>Convolutions and pooling take the batch first (N×C×H×W, as PyTorch), {@link Linear}
 * takes samples as columns (features × N, as the seed notebook): this op is the one explicit
 * conversion between the two, so that no op guesses a layout. Its input must have rank ≥ 2 with
 * the batch first; a rank-1 or rank-0 input is refused with a message naming the layout.
 *
 * <pre>{@code
 * Node p = g.apply(new MaxPool2d(2), a);              // N×8×8×8
 * Node f = g.apply(new Flatten(), p);                 // 512×N
 * Node z = g.apply(new Linear(), f, w2, b2);          // 10×N
 * }</pre>
 */
public final class Flatten implements FastForward {

    /** Creates the op; it holds no state, so one instance can serve every layer. */
    public Flatten() {
    }

    @Override
    public String name() {
        return "Flatten";
    }

    @Override
    public int arity() {
        return 1;
    }

    @Override
    public String inputName(int index) {
        return index == 0 ? "X" : FastForward.super.inputName(index);
    }

    /**
     * @param inputs {@code X}, N×… (batch first, rank ≥ 2)
     * @return {@code Y}, (size/N) × N, one sample per column
     * @throws IllegalArgumentException if {@code X} has rank below 2
     */
    @Override
    public Tensor forward(Tensor... inputs) {
        Tensor x = requireInput(inputs);
        int n = x.dim(0);
        int k = x.size() / n;
        Tensor y = Tensor.zeros(k, n);
        move(x.data(), y.data(), n, k, 0, x.size());
        return y;
    }

    /**
     * As {@link #forward}, into {@code out}, allocating nothing.
     *
     * @param out the (size/N) × N buffer
     * @param inputs {@code X}
     * @throws IllegalArgumentException if the input is wrong or {@code out} is not shaped like
     *     the output
     */
    @Override
    public void forwardInto(Tensor out, Tensor... inputs) {
        Tensor x = requireInput(inputs);
        requireOutput(out, x);
        int n = x.dim(0);
        move(x.data(), out.data(), n, out.dim(0), 0, x.size());
    }

    /**
     * Entry by entry: each input entry is one output entry.
     *
     * @return {@code true}
     * @throws IllegalArgumentException if the input, the buffer or the range is wrong
     */
    @Override
    public boolean forwardEntriesInto(Tensor out, int input, int from, int to, Tensor... inputs) {
        Tensor x = requireInput(inputs);
        requireOutput(out, x);
        OpChecks.requireRange(name(), inputs, input, from, to);
        move(x.data(), out.data(), x.dim(0), out.dim(0), from, to);
        return true;
    }

    /** Samples × features tiles of the whole transpose: 8×8 doubles, a cache line each way. */
    private static final int TILE = 8;

    /**
     * {@code y = aᵀ} for {@code a} r×c (row-major), {@code y} c×r, tile by tile, so that reads
     * and writes each stay within a few cache lines (one write per line per row would fetch
     * every line of {@code y} r times). Whole tiles run a loop of a fixed 8 that the JIT
     * unrolls: with the tile's edges as bounds, the loop control cost as much as the copying
     * (the digits CNN's 64 × 256 took ≈ 2 ns an entry).
     */
    private static void transpose(double[] a, double[] y, int r, int c) {
        for (int s0 = 0; s0 < r; s0 += TILE) {
            int s1 = Math.min(r, s0 + TILE);
            for (int j0 = 0; j0 < c; j0 += TILE) {
                int j1 = Math.min(c, j0 + TILE);
                if (s1 - s0 == TILE && j1 - j0 == TILE) {
                    for (int s = s0; s < s1; s++) {
                        int src = s * c + j0;
                        int dst = j0 * r + s;
                        for (int j = 0; j < TILE; j++) {
                            y[dst + j * r] = a[src + j];
                        }
                    }
                    continue;
                }
                for (int s = s0; s < s1; s++) {
                    for (int j = j0; j < j1; j++) {
                        y[j * r + s] = a[s * c + j];
                    }
                }
            }
        }
    }

    /** {@code y[k', n'] = x[n', k']} for the input entries {@code [from, to)}. */
    private static void move(double[] x, double[] y, int n, int k, int from, int to) {
        if (from == 0 && to == n * k) {
            transpose(x, y, n, k);
            return;
        }
        // Sample s, feature j of entry e, stepped along instead of divided out per entry.
        int s = from / k;
        int j = from % k;
        for (int e = from; e < to; e++) {
            y[j * n + s] = x[e];
            if (++j == k) {
                j = 0;
                s++;
            }
        }
    }

    /**
     * @param inputs {@code X} as given to {@link #forward}
     * @param output {@code Y}
     * @param gradOutput {@code ∂L/∂Y}, (size/N) × N
     * @return {@code ∂L/∂X}, shaped like {@code X}
     */
    @Override
    public Tensor[] backward(Tensor[] inputs, Tensor output, Tensor gradOutput) {
        Tensor x = requireInput(inputs);
        int n = x.dim(0);
        int k = x.size() / n;
        if (gradOutput.rank() != 2 || gradOutput.dim(0) != k || gradOutput.dim(1) != n) {
            throw new IllegalArgumentException("Flatten backward: the gradient is " + gradOutput.shape()
                    + " but the output is " + Tensor.shape(k, n) + "; they must have the same shape");
        }
        double[] g = gradOutput.data();
        double[] dx = new double[x.size()];
        transpose(g, dx, k, n);
        return new Tensor[] {Tensor.wrap(x.dims(), dx)};
    }

    private Tensor requireInput(Tensor[] inputs) {
        Op.requireInputs(this, inputs);
        Tensor x = inputs[0];
        if (x.rank() < 2) {
            throw new IllegalArgumentException("Flatten: X is " + x.shape() + " (rank " + x.rank() + ") but must have"
                    + " the batch first, N×… (images N×C×H×W), rank ≥ 2; it gives features × N, one sample per column");
        }
        Window2d.requireNonEmpty("Flatten", "X", x, "N×…");
        return x;
    }

    private static void requireOutput(Tensor out, Tensor x) {
        int n = x.dim(0);
        int k = x.size() / n;
        if (out.rank() != 2 || out.dim(0) != k || out.dim(1) != n) {
            throw new IllegalArgumentException("Flatten: the output buffer is " + out.shape() + " but the output is "
                    + Tensor.shape(k, n) + "; pass a buffer shaped like the output");
        }
        if (out.data() == x.data()) {
            throw new IllegalArgumentException("Flatten: the output buffer is the input itself; pass a separate tensor");
        }
    }
}
