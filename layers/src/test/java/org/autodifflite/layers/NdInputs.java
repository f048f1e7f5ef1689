package org.autodifflite.layers;

import org.apache.commons.math3.random.RandomGenerator;
import org.autodifflite.core.Tensor;

/**
 * Valid random inputs of rank 3 and 4 for the N-D planted bugs of {@link Mutants#nd()}: batched
 * matrix products (the batch broadcast now and then), broadcasting element-wise pairs, inner-axis
 * reductions, convolutions and batch norms. Axes hold 1–4 entries; an input asked to be square
 * has its last two axes equal and at least 2 (a transposition bug needs them to fit).
 */
final class NdInputs {

    /** No input needs to be square. */
    static final int ANY = -1;

    private NdInputs() {
    }

    private static int dim(RandomGenerator rng) {
        return 1 + rng.nextInt(4);
    }

    private static int atLeastTwo(RandomGenerator rng) {
        return 2 + rng.nextInt(3);
    }

    /** 1–2 leading (batch) axes of 1–3 entries. */
    private static int[] batch(RandomGenerator rng) {
        int[] b = new int[1 + rng.nextInt(2)];
        for (int a = 0; a < b.length; a++) {
            b[a] = 1 + rng.nextInt(3);
        }
        return b;
    }

    /**
     * {@code a} (batch×n×k) and {@code b} (batch×k×m, or k×m broadcast over the batch a third of
     * the time), rank 3–4.
     *
     * @param square 0 for {@code n = k}, 1 for {@code k = m}, else {@link #ANY}
     */
    static Tensor[] matmul(RandomGenerator rng, int square) {
        int[] batch = batch(rng);
        int n = dim(rng);
        int k = dim(rng);
        int m = dim(rng);
        if (square == 0) {
            n = atLeastTwo(rng);
            k = n;
        } else if (square == 1) {
            k = atLeastTwo(rng);
            m = k;
        }
        Tensor a = Tensor.randn(NormOpCases.append(batch, n, k), rng);
        Tensor b = rng.nextInt(3) == 0 ? Tensor.randn(new int[] {k, m}, rng) : Tensor.randn(NormOpCases.append(batch, k, m), rng);
        return new Tensor[] {a, b};
    }

    /** {@code a} (B×n×k, B ≥ 2) and {@code b} (k×m), broadcast along the batch. */
    static Tensor[] matmulBroadcastB(RandomGenerator rng) {
        int[] batch = {atLeastTwo(rng)};
        int n = dim(rng);
        int k = dim(rng);
        return new Tensor[] {Tensor.randn(NormOpCases.append(batch, n, k), rng), Tensor.randn(new int[] {k, dim(rng)}, rng)};
    }

    /**
     * {@code x} of rank 3–4 and {@code y} broadcasting to it: each axis of {@code y} either
     * {@code x}'s or 1, its leading axes sometimes dropped, at least one axis broadcast.
     *
     * @param square 0 for {@code x}'s last two axes square, 1 for {@code y}'s (so both), else
     *     {@link #ANY}
     */
    static Tensor[] broadcastPair(RandomGenerator rng, int square) {
        int rank = 3 + rng.nextInt(2);
        int[] x = new int[rank];
        for (int a = 0; a < rank; a++) {
            x[a] = dim(rng);
        }
        if (square >= 0) {
            x[rank - 1] = atLeastTwo(rng);
            x[rank - 2] = x[rank - 1];
        }
        int drop = rng.nextInt(2);
        int[] y = new int[rank - drop];
        boolean broadcast = drop > 0;
        for (int a = 0; a < y.length; a++) {
            int d = x[a + drop];
            boolean keep = square == 1 && a >= y.length - 2 || rng.nextBoolean();
            y[a] = keep ? d : 1;
            broadcast |= y[a] != d;
        }
        if (!broadcast) {
            // One axis of y along which x has more than one entry becomes 1 (never one y must keep).
            for (int a = 0; a < y.length - (square == 1 ? 2 : 0); a++) {
                if (x[a + drop] > 1) {
                    y[a] = 1;
                    broadcast = true;
                    break;
                }
            }
            if (!broadcast) {
                x[0] = 2;
                y = java.util.Arrays.copyOfRange(y, 1, y.length);
            }
        }
        return new Tensor[] {Tensor.randn(x, rng), Tensor.randn(y, rng)};
    }

    /** {@code x} (a×n×n or a×b×n×n, n ≥ 2) and {@code y} (n×1), broadcast along all axes but x's rows. */
    static Tensor[] columnAgainstSquare(RandomGenerator rng) {
        int n = atLeastTwo(rng);
        int[] lead = batch(rng);
        return new Tensor[] {Tensor.randn(NormOpCases.append(lead, n, n), rng), Tensor.randn(new int[] {n, 1}, rng)};
    }

    /**
     * {@code x} of rank 3–4, axis 1 of 2–4 entries (an inner axis to reduce over).
     *
     * @param square whether the last two axes are square (then rank 3: a×n×n, so that axis 1 is
     *     one of them)
     */
    static Tensor[] inner(RandomGenerator rng, boolean square) {
        if (square) {
            int n = atLeastTwo(rng);
            return new Tensor[] {Tensor.randn(new int[] {dim(rng), n, n}, rng)};
        }
        int rank = 3 + rng.nextInt(2);
        int[] x = new int[rank];
        for (int a = 0; a < rank; a++) {
            x[a] = dim(rng);
        }
        x[1] = atLeastTwo(rng);
        return new Tensor[] {Tensor.randn(x, rng)};
    }

    /**
     * Images N×C×H×W (N 2–4, C 1–3, H and W 2–5), filters F×C×k×k' (F 1–3, kernels 1–3) and a
     * bias (F) for a stride-1, padding-1 convolution.
     *
     * @param square 0 for square images (H = W), 1 for square kernels (k = k' ≥ 2), else {@link #ANY}
     */
    static Tensor[] conv(RandomGenerator rng, int square) {
        int n = 2 + rng.nextInt(3);
        int c = 1 + rng.nextInt(3);
        int f = 1 + rng.nextInt(3);
        int h = 2 + rng.nextInt(4);
        int w = square == 0 ? h : 2 + rng.nextInt(4);
        int kh = square == 1 ? 2 + rng.nextInt(2) : 1 + rng.nextInt(3);
        int kw = square == 1 ? kh : 1 + rng.nextInt(3);
        return new Tensor[] {Tensor.randn(new int[] {n, c, h, w}, rng), Tensor.randn(new int[] {f, c, kh, kw}, rng),
            Tensor.randn(new int[] {f}, rng)};
    }

    /**
     * Batch norm N×C×H×W with N 1–3, C 1–3, H and W 1–3 and at least 4 values per channel. (Over
     * 2 values ∂L/∂X is a remnant of about 1e-5 of the terms, which central differences along a
     * random direction resolve to a few 1e-3 of itself: fast mode then misses a 1 % error that
     * exhaustive mode catches. Those shapes are in {@code NormOpMutantTest} and, against the
     * composition, in {@code ReferenceCompositionTest}.)
     */
    static Tensor[] batchNorm4d(RandomGenerator rng) {
        int n;
        int h;
        int w;
        do {
            n = 1 + rng.nextInt(3);
            h = 1 + rng.nextInt(3);
            w = 1 + rng.nextInt(3);
        } while (n * h * w < 4);
        int c = 1 + rng.nextInt(3);
        Tensor x = Tensor.randn(new int[] {n, c, h, w}, rng).scale(0.5 + 2 * rng.nextDouble())
                .add(Tensor.scalar(rng.nextGaussian()));
        return new Tensor[] {x, Tensor.randn(new int[] {c}, rng), Tensor.randn(new int[] {c}, rng)};
    }

    /** Batch norm N×C×H×W with H = W ≥ 2 (for a transposed ∂L/∂X), N 1–3, C 1–3. */
    static Tensor[] batchNormSquareImages(RandomGenerator rng) {
        int n = 1 + rng.nextInt(3);
        int c = 1 + rng.nextInt(3);
        int h = atLeastTwo(rng);
        Tensor x = Tensor.randn(new int[] {n, c, h, h}, rng).scale(0.5 + 2 * rng.nextDouble())
                .add(Tensor.scalar(rng.nextGaussian()));
        return new Tensor[] {x, Tensor.randn(new int[] {c}, rng), Tensor.randn(new int[] {c}, rng)};
    }

    /** Batch norm features × batch with as many samples as features (2–4): statistics over axis 1. */
    static Tensor[] batchNormSquare2d(RandomGenerator rng) {
        int f = atLeastTwo(rng);
        Tensor x = Tensor.randn(new int[] {f, f}, rng).scale(0.5 + 2 * rng.nextDouble()).add(Tensor.scalar(rng.nextGaussian()));
        return new Tensor[] {x, Tensor.randn(new int[] {f, 1}, rng), Tensor.randn(new int[] {f, 1}, rng)};
    }
}
