package org.autodifflite.core.kernel;

/**
 * The entry-by-entry update of the Adam optimizer, shared between threads for large parameters.
 *
 * <p>Adam's update is bound by the divider: every entry takes three divisions and a square root,
 * about ten cycles even when the JIT vectorizes the loop, so the 100,352 weights of a
 * 784→128 layer take ≈ 0.4 ms on one core — as long as that layer's forward product. Each core
 * has its own divider, so the entries are split between the threads {@link MatMul} uses. Every
 * entry is computed by the same expression whichever thread computes it, so the result is the
 * same bit for bit with one thread or many.
 */
public final class AdamUpdate {

    /** From this many entries on, the update is split between threads. */
    static final int PARALLEL_MIN = 1 << 14;

    /** Entries per chunk a thread claims: enough that a claim costs little, small enough to balance. */
    static final int CHUNK = 1 << 12;

    private static final ThreadLocal<double[]> ASIDE = ThreadLocal.withInitial(() -> new double[3 * CHUNK]);

    private AdamUpdate() {
    }

    /**
     * One Adam step on one parameter, in place: for every entry {@code i},
     * {@code m[i] = β₁·m[i] + (1−β₁)·g[i]}, {@code v[i] = β₂·v[i] + (1−β₂)·g[i]·g[i]} and
     * {@code θ[i] −= η·(m[i]/c₁) / (√(v[i]/c₂) + ε)}, in exactly this order of operations.
     *
     * @param theta the parameter's values, updated
     * @param g its gradient, read only
     * @param m the first moment, updated
     * @param v the second moment, updated
     * @param learningRate η
     * @param beta1 β₁
     * @param beta2 β₂
     * @param epsilon ε
     * @param c1 the first moment's bias correction {@code 1 − β₁ᵗ}
     * @param c2 the second moment's bias correction {@code 1 − β₂ᵗ}
     * @throws IllegalArgumentException if the arrays differ in length
     */
    public static void step(double[] theta, double[] g, double[] m, double[] v, double learningRate, double beta1,
            double beta2, double epsilon, double c1, double c2) {
        int n = theta.length;
        if (g.length != n || m.length != n || v.length != n) {
            throw new IllegalArgumentException("AdamUpdate: arrays of " + n + " values (theta), " + g.length
                    + " (gradient), " + m.length + " (m) and " + v.length + " (v); all must have the same length");
        }
        step(MatMul.threads(), theta, g, m, v, learningRate, beta1, beta2, epsilon, c1, c2);
    }

    /**
     * {@link #step(double[], double[], double[], double[], double, double, double, double, double, double)}
     * on a given number of threads, without argument checks; the tests run it on several.
     */
    static void step(int threads, double[] theta, double[] g, double[] m, double[] v, double learningRate,
            double beta1, double beta2, double epsilon, double c1, double c2) {
        int n = theta.length;
        if (threads < 2 || n < PARALLEL_MIN) {
            inPlace(theta, g, m, v, 0, n, learningRate, beta1, beta2, epsilon, c1, c2);
            return;
        }
        int chunks = (n + CHUNK - 1) / CHUNK;
        MatMul.pool(threads).run(new RowPool.BlockTask() {
            @Override
            public void direct(int c) {
                int from = c * CHUNK;
                inPlace(theta, g, m, v, from, Math.min(n, from + CHUNK), learningRate, beta1, beta2, epsilon, c1,
                        c2);
            }

            @Override
            public void aside(int c) {
                // A worker may lose its core and have its chunk taken over by the caller (which
                // updates in place), so it writes the new θ, m and v to its own buffer, and
                // commit copies them in only if the chunk is still its own.
                int from = c * CHUNK;
                toBuffer(theta, g, m, v, from, Math.min(n, from + CHUNK), ASIDE.get(), learningRate, beta1, beta2,
                        epsilon, c1, c2);
            }

            @Override
            public void commit(int c) {
                double[] a = ASIDE.get();
                int from = c * CHUNK;
                int len = Math.min(n, from + CHUNK) - from;
                System.arraycopy(a, 0, theta, from, len);
                System.arraycopy(a, CHUNK, m, from, len);
                System.arraycopy(a, 2 * CHUNK, v, from, len);
            }
        }, chunks);
    }

    /** Updates entries {@code [from, to)} in place. */
    private static void inPlace(double[] theta, double[] g, double[] m, double[] v, int from, int to,
            double learningRate, double beta1, double beta2, double epsilon, double c1, double c2) {
        for (int i = from; i < to; i++) {
            m[i] = beta1 * m[i] + (1 - beta1) * g[i];
            v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
            theta[i] -= learningRate * (m[i] / c1) / (Math.sqrt(v[i] / c2) + epsilon);
        }
    }

    /**
     * Computes the new values of entries {@code [from, to)} (at most {@link #CHUNK}) into
     * {@code out}: θ from index 0, m from {@link #CHUNK}, v from 2·{@link #CHUNK}; the same
     * operations as {@link #inPlace}.
     */
    private static void toBuffer(double[] theta, double[] g, double[] m, double[] v, int from, int to, double[] out,
            double learningRate, double beta1, double beta2, double epsilon, double c1, double c2) {
        for (int i = from, j = 0; i < to; i++, j++) {
            double mi = beta1 * m[i] + (1 - beta1) * g[i];
            double vi = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
            out[CHUNK + j] = mi;
            out[2 * CHUNK + j] = vi;
            out[j] = theta[i] - learningRate * (mi / c1) / (Math.sqrt(vi / c2) + epsilon);
        }
    }
}
