package org.autodifflite.layers;

import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;
import org.autodifflite.core.Tensor;

/**
 * A small seeded synthetic "fraud" data set for the seed's 4-feature network: features are
 * standard normal, and a payment is fraud when a non-linear score plus noise exceeds a threshold
 * (about a quarter of the samples).
 */
final class FraudData {

    final Tensor x;
    final Tensor y;

    private FraudData(Tensor x, Tensor y) {
        this.x = x;
        this.y = y;
    }

    static FraudData generate(int n, long seed) {
        RandomGenerator rng = new Well19937c(seed);
        Tensor x = Tensor.randn(4, n, rng);
        Tensor y = Tensor.zeros(1, n);
        for (int j = 0; j < n; j++) {
            double score = 1.5 * x.get(0, j) - x.get(1, j) + 0.8 * x.get(2, j) * x.get(3, j)
                    + 0.3 * rng.nextGaussian();
            y.set(0, j, score > 1.0 ? 1.0 : 0.0);
        }
        return new FraudData(x, y);
    }
}
