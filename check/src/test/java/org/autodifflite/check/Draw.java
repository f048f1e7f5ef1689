package org.autodifflite.check;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.autodifflite.core.Tensor;

/**
 * Seeded random shapes and values for checking the primitive ops: ranks 0–4, sizes 1–4, NumPy
 * broadcast patterns, and values kept away from where an op is not differentiable.
 */
final class Draw {

    final SplittableRandom rnd;

    Draw(long seed) {
        rnd = new SplittableRandom(seed);
    }

    int between(int lo, int hi) {
        return rnd.nextInt(lo, hi + 1);
    }

    boolean coin() {
        return rnd.nextBoolean();
    }

    /** A shape of rank {@code lo…hi}, each size 1–4. */
    int[] shape(int lo, int hi) {
        int[] d = new int[between(lo, hi)];
        for (int i = 0; i < d.length; i++) {
            d[i] = between(1, 4);
        }
        return d;
    }

    /**
     * An operand that broadcasts to {@code out}: its last axes aligned with {@code out}'s, each
     * either the full size or 1, its rank anything up to {@code out}'s.
     */
    int[] operandOf(int[] out) {
        int rank = between(0, out.length);
        int[] d = new int[rank];
        for (int i = 0; i < rank; i++) {
            int size = out[out.length - rank + i];
            d[i] = rnd.nextInt(3) == 0 ? 1 : size;
        }
        return d;
    }

    /** Two operands whose broadcast is exactly {@code out}: every axis of out is reached. */
    int[][] broadcastPair(int[] out) {
        while (true) {
            int[] a = operandOf(out);
            int[] b = operandOf(out);
            if (Arrays.equals(broadcast(a, b), out)) {
                return new int[][] {a, b};
            }
        }
    }

    static int[] broadcast(int[] a, int[] b) {
        int r = Math.max(a.length, b.length);
        int[] out = new int[r];
        for (int i = 1; i <= r; i++) {
            int da = i <= a.length ? a[a.length - i] : 1;
            int db = i <= b.length ? b[b.length - i] : 1;
            out[r - i] = Math.max(da, db);
        }
        return out;
    }

    /** Standard normal entries. */
    Tensor normal(int[] dims) {
        return fill(dims, () -> rnd.nextGaussian());
    }

    /** Uniform entries in {@code [lo, hi)}. */
    Tensor uniform(int[] dims, double lo, double hi) {
        return fill(dims, () -> rnd.nextDouble(lo, hi));
    }

    /** Normal entries at least {@code gap} away from each of {@code points}. */
    Tensor awayFrom(int[] dims, double gap, double... points) {
        return fill(dims, () -> {
            while (true) {
                double v = rnd.nextGaussian() * 1.5;
                boolean ok = true;
                for (double p : points) {
                    ok &= Math.abs(v - p) >= gap;
                }
                if (ok) {
                    return v;
                }
            }
        });
    }

    /**
     * Entries on a grid of step 0.5 offset by {@code offset}: two tensors with offsets 0 and
     * 0.25 never hold equal entries (they differ by at least 0.25), so min and max have no tie.
     */
    Tensor grid(int[] dims, double offset) {
        return fill(dims, () -> rnd.nextInt(-6, 7) * 0.5 + offset);
    }

    /** Entries all different (gaps ≥ 0.4), in random order: a maximum has no tie. */
    Tensor distinct(int[] dims) {
        Tensor t = Tensor.zeros(dims);
        double[] d = t.data();
        for (int k = 0; k < d.length; k++) {
            d[k] = (k - d.length / 2.0) * 0.5 + rnd.nextDouble(-0.05, 0.05);
        }
        for (int k = d.length - 1; k > 0; k--) {
            int j = rnd.nextInt(k + 1);
            double s = d[k];
            d[k] = d[j];
            d[j] = s;
        }
        return t;
    }

    /** Integer entries in {@code [0, bound)}. */
    Tensor ints(int[] dims, int bound) {
        return fill(dims, () -> rnd.nextInt(bound));
    }

    /** 0 or 1 entries. */
    Tensor mask(int[] dims) {
        return fill(dims, () -> rnd.nextInt(2));
    }

    /** A random permutation of {@code 0…n−1}. */
    int[] permutation(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int k = n - 1; k > 0; k--) {
            int j = rnd.nextInt(k + 1);
            int s = p[k];
            p[k] = p[j];
            p[j] = s;
        }
        return p;
    }

    /** An axis of a tensor of rank {@code rank ≥ 1}, negative (from the end) half of the time. */
    int axis(int rank) {
        int a = rnd.nextInt(rank);
        return coin() ? a : a - rank;
    }

    /** A random subset of the axes (maybe none, which means all), some given as negative. */
    int[] axes(int rank) {
        int[] p = permutation(rank);
        int n = between(0, rank);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = coin() ? p[i] : p[i] - rank;
        }
        return out;
    }

    private Tensor fill(int[] dims, java.util.function.DoubleSupplier f) {
        Tensor t = Tensor.zeros(dims);
        double[] d = t.data();
        for (int k = 0; k < d.length; k++) {
            d[k] = f.getAsDouble();
        }
        return t;
    }
}
