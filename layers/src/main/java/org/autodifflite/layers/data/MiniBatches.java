package org.autodifflite.layers.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.math3.random.RandomGenerator;

/**
 * Splits sample indices into mini-batches after a seeded shuffle: what {@link org.autodifflite.layers.train.Trainer} trains on,
 * and what {@link org.autodifflite.layers.data.Dataset#batches(int, RandomGenerator)} cuts a data
 * set with.
 */
public final class MiniBatches {

    private MiniBatches() {
    }

    /**
     * Shuffles {@code 0 … n−1} (Fisher–Yates, drawing from {@code rng}) and cuts the result into
     * consecutive batches of {@code batchSize}; the last batch holds the remainder.
     *
     * @param n the number of samples, ≥ 1
     * @param batchSize the batch size, ≥ 1
     * @param rng the seeded generator, advanced by {@code n − 1} draws
     * @return the batches of sample (column) indices; together they hold every index once
     * @throws IllegalArgumentException if {@code n < 1} or {@code batchSize < 1}
     */
    public static List<int[]> shuffled(int n, int batchSize, RandomGenerator rng) {
        if (n < 1 || batchSize < 1) {
            throw new IllegalArgumentException("MiniBatches: the number of samples and the batch size must be ≥ 1, got "
                    + n + " samples and batch size " + batchSize);
        }
        java.util.Objects.requireNonNull(rng, "rng");
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        List<int[]> out = new ArrayList<>();
        for (int start = 0; start < n; start += batchSize) {
            out.add(Arrays.copyOfRange(order, start, Math.min(n, start + batchSize)));
        }
        return out;
    }
}
