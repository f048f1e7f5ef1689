package org.autodifflite.layers;

import java.util.List;
import org.apache.commons.math3.random.RandomGenerator;
import org.autodifflite.core.Tensor;
import org.autodifflite.layers.ops.BatchNorm;
import org.autodifflite.layers.ops.Embedding;
import org.autodifflite.layers.ops.LayerNorm;
import org.autodifflite.layers.ops.ScaledDotProductAttention;
import org.autodifflite.layers.ops.SparseSoftmaxCrossEntropy;

/**
 * The normalization, embedding, attention and sparse cross-entropy ops with generators of valid
 * random inputs, edge shapes drawn often: batch 2 (the least batch norm can normalize) and 1×1
 * spatial maps for batch norm, batch 1 and a one-value slice for layer norm, {@code Lq ≠ Lk},
 * {@code d = 1} and single queries or keys for attention, repeated indices and rank-0 indices for
 * the embedding, a single class for the loss.
 */
final class NormOpCases {

    private NormOpCases() {
    }

    /** @return every case */
    static List<OpCatalog.Case> all() {
        return List.of(
                new OpCatalog.Case("BatchNorm features×batch", BatchNorm.training(), NormOpCases::batchNorm2d),
                new OpCatalog.Case("BatchNorm N×C×H×W", BatchNorm.training(), NormOpCases::batchNorm4d),
                new OpCatalog.Case("BatchNorm(eval) features×batch", BatchNorm.evaluation(), NormOpCases::batchNormEval2d),
                new OpCatalog.Case("BatchNorm(eval) N×C×H×W", BatchNorm.evaluation(), NormOpCases::batchNormEval4d),
                new OpCatalog.Case("LayerNorm last axis", new LayerNorm(), rng -> layerNorm(rng, 1)),
                new OpCatalog.Case("LayerNorm last 2 axes", new LayerNorm(2), rng -> layerNorm(rng, 2)),
                new OpCatalog.Case("Embedding", new Embedding(), NormOpCases::embedding),
                new OpCatalog.Case("ScaledDotProductAttention", new ScaledDotProductAttention(),
                        rng -> attention(rng, false)),
                new OpCatalog.Case("ScaledDotProductAttention causal", ScaledDotProductAttention.causal(),
                        rng -> attention(rng, false)),
                new OpCatalog.Case("ScaledDotProductAttention masked", ScaledDotProductAttention.masked(),
                        rng -> attention(rng, true)),
                new OpCatalog.Case("SparseSoftmaxCrossEntropy", new SparseSoftmaxCrossEntropy(),
                        NormOpCases::sparseCrossEntropy));
    }

    /** @return the cases as a source for {@code @MethodSource} */
    static List<OpCatalog.Case> cases() {
        return all();
    }

    /** 1–4 features × 2–6 samples (batch 2 a third of the time), gamma and beta F×1. */
    static Tensor[] batchNorm2d(RandomGenerator rng) {
        int f = 1 + rng.nextInt(4);
        int m = rng.nextInt(3) == 0 ? 2 : 2 + rng.nextInt(5);
        return batchNormInputs(new int[] {f, m}, new int[] {f, 1}, rng);
    }

    /** N×C×H×W with N, C, H, W in 1–3, at least 2 values per channel; 1×1 maps a third of the time. */
    static Tensor[] batchNorm4d(RandomGenerator rng) {
        int c = 1 + rng.nextInt(3);
        int h;
        int w;
        int n;
        if (rng.nextInt(3) == 0) {
            h = 1;
            w = 1;
            n = 2 + rng.nextInt(2);
        } else {
            h = 1 + rng.nextInt(3);
            w = 1 + rng.nextInt(3);
            n = 1 + rng.nextInt(3);
            if (n * h * w == 1) {
                n = 2;
            }
        }
        return batchNormInputs(new int[] {n, c, h, w}, new int[] {c}, rng);
    }

    /**
     * Batch norm over exactly 2 values per statistic, the least it can normalize and the worst
     * conditioned: features × 2, or N×C×H×W with N·H·W = 2; running statistics too when asked.
     */
    static Tensor[] batchNormOverTwo(RandomGenerator rng, boolean evaluation) {
        int f = 1 + rng.nextInt(4);
        Tensor[] in;
        if (rng.nextBoolean()) {
            in = batchNormInputs(new int[] {f, 2}, new int[] {f, 1}, rng);
        } else {
            int[][] layouts = {{2, f, 1, 1}, {1, f, 2, 1}, {1, f, 1, 2}};
            in = batchNormInputs(layouts[rng.nextInt(3)], new int[] {f}, rng);
        }
        return evaluation ? withRunningStats(in, rng) : in;
    }

    /** Layer norm over a last axis of 2 values (rank 1–3). */
    static Tensor[] layerNormOverTwo(RandomGenerator rng) {
        int[] dims = new int[1 + rng.nextInt(3)];
        for (int a = 0; a < dims.length - 1; a++) {
            dims[a] = 1 + rng.nextInt(3);
        }
        dims[dims.length - 1] = 2;
        Tensor x = Tensor.randn(dims, rng).scale(0.5 + 2 * rng.nextDouble()).add(Tensor.scalar(rng.nextGaussian()));
        return new Tensor[] {x, Tensor.randn(new int[] {2}, rng), Tensor.randn(new int[] {2}, rng)};
    }

    /** As {@link #batchNorm2d}, with running statistics. */
    static Tensor[] batchNormEval2d(RandomGenerator rng) {
        return withRunningStats(batchNorm2d(rng), rng);
    }

    /** As {@link #batchNorm4d}, with running statistics. */
    static Tensor[] batchNormEval4d(RandomGenerator rng) {
        return withRunningStats(batchNorm4d(rng), rng);
    }

    /** X with a random scale and offset (a normalization must undo both), gamma and beta. */
    private static Tensor[] batchNormInputs(int[] xDims, int[] p, RandomGenerator rng) {
        Tensor x = Tensor.randn(xDims, rng).scale(0.5 + 2 * rng.nextDouble()).add(Tensor.scalar(rng.nextGaussian()));
        return new Tensor[] {x, Tensor.randn(p, rng), Tensor.randn(p, rng)};
    }

    /** Adds running statistics: any mean, a variance in [0.1, 2). */
    private static Tensor[] withRunningStats(Tensor[] in, RandomGenerator rng) {
        int[] p = in[1].dims();
        return new Tensor[] {in[0], in[1], in[2], Tensor.randn(p, rng), Tensor.uniform(p, 0.1, 2, rng)};
    }

    /**
     * X of rank {@code axes} to {@code axes + 2}, batch axes of 1–3 (batch 1 often), normalized
     * axes of 1–5 (a slice of one value now and then).
     */
    static Tensor[] layerNorm(RandomGenerator rng, int axes) {
        int batchAxes = rng.nextInt(3);
        int[] dims = new int[batchAxes + axes];
        for (int a = 0; a < batchAxes; a++) {
            dims[a] = rng.nextInt(3) == 0 ? 1 : 1 + rng.nextInt(3);
        }
        for (int a = batchAxes; a < dims.length; a++) {
            dims[a] = 1 + rng.nextInt(5);
        }
        int[] p = java.util.Arrays.copyOfRange(dims, batchAxes, dims.length);
        Tensor x = Tensor.randn(dims, rng).scale(0.5 + 2 * rng.nextDouble()).add(Tensor.scalar(rng.nextGaussian()));
        return new Tensor[] {x, Tensor.randn(p, rng), Tensor.randn(p, rng)};
    }

    /** Indices of rank 0–3 (dims 1–3) into a V×D table, V in 1–5 so that indices repeat. */
    static Tensor[] embedding(RandomGenerator rng) {
        int v = 1 + rng.nextInt(5);
        int d = 1 + rng.nextInt(4);
        int[] dims = new int[rng.nextInt(4)];
        for (int a = 0; a < dims.length; a++) {
            dims[a] = 1 + rng.nextInt(3);
        }
        Tensor idx = Tensor.zeros(dims);
        double[] data = idx.data();
        for (int k = 0; k < data.length; k++) {
            data[k] = rng.nextInt(v);
        }
        return new Tensor[] {idx, Tensor.randn(new int[] {v, d}, rng)};
    }

    /**
     * Q, K, V with 0–2 batch axes (dims 1–2), Lq and Lk in 1–4 drawn independently (so mostly
     * different), d and dv in 1–4 (d = 1 often); with a mask if asked (Lq×Lk or full, each query
     * keeping at least one key).
     */
    static Tensor[] attention(RandomGenerator rng, boolean withMask) {
        int[] batch = new int[rng.nextInt(3)];
        for (int a = 0; a < batch.length; a++) {
            batch[a] = 1 + rng.nextInt(2);
        }
        int lq = 1 + rng.nextInt(4);
        int lk = 1 + rng.nextInt(4);
        int d = rng.nextInt(3) == 0 ? 1 : 1 + rng.nextInt(4);
        int dv = 1 + rng.nextInt(4);
        Tensor q = Tensor.randn(append(batch, lq, d), rng);
        Tensor k = Tensor.randn(append(batch, lk, d), rng);
        Tensor v = Tensor.randn(append(batch, lk, dv), rng);
        if (!withMask) {
            return new Tensor[] {q, k, v};
        }
        int[] maskDims = rng.nextBoolean() ? new int[] {lq, lk} : append(batch, lq, lk);
        return new Tensor[] {q, k, v, mask(maskDims, rng)};
    }

    /** A 0/1 mask over …×Lq×Lk keeping about 70 % of the keys and at least one per query. */
    static Tensor mask(int[] dims, RandomGenerator rng) {
        Tensor m = Tensor.zeros(dims);
        double[] data = m.data();
        int lk = dims[dims.length - 1];
        for (int row = 0; row < data.length; row += lk) {
            for (int j = 0; j < lk; j++) {
                data[row + j] = rng.nextDouble() < 0.7 ? 1 : 0;
            }
            data[row + rng.nextInt(lk)] = 1;
        }
        return m;
    }

    /** Logits k×m (k in 1–5, m in 1–5) and class indices as a 1×m row or an (m) vector. */
    static Tensor[] sparseCrossEntropy(RandomGenerator rng) {
        int k = 1 + rng.nextInt(5);
        int m = 1 + rng.nextInt(5);
        double[] labels = new double[m];
        for (int j = 0; j < m; j++) {
            labels[j] = rng.nextInt(k);
        }
        Tensor y = rng.nextBoolean() ? Tensor.wrap(new int[] {1, m}, labels) : Tensor.wrap(new int[] {m}, labels);
        return new Tensor[] {Tensor.randn(new int[] {k, m}, rng).scale(3), y};
    }

    static int[] append(int[] batch, int... last) {
        int[] out = java.util.Arrays.copyOf(batch, batch.length + last.length);
        System.arraycopy(last, 0, out, batch.length, last.length);
        return out;
    }
}
