package org.autodifflite.layers;

import java.util.List;
import java.util.function.Function;
import org.apache.commons.math3.random.RandomGenerator;
import org.autodifflite.core.Op;
import org.autodifflite.core.Tensor;
import org.autodifflite.core.ops.LeakyReLU;
import org.autodifflite.core.ops.ReLU;
import org.autodifflite.core.ops.Sigmoid;
import org.autodifflite.core.ops.Tanh;
import org.autodifflite.layers.ops.BinaryCrossEntropy;
import org.autodifflite.layers.ops.Dropout;
import org.autodifflite.layers.ops.Linear;
import org.autodifflite.layers.ops.MeanSquaredError;
import org.autodifflite.layers.ops.SigmoidBinaryCrossEntropy;
import org.autodifflite.layers.ops.SoftmaxCrossEntropy;

/** Every op of the module with a generator of valid random inputs of random small shapes. */
final class OpCatalog {

    private OpCatalog() {
    }

    /**
     * One op and how to draw inputs for it.
     *
     * @param name display name
     * @param op the op
     * @param draw draws a valid input set from a generator
     */
    record Case(String name, Op op, Function<RandomGenerator, Tensor[]> draw) {
        Tensor[] inputs(RandomGenerator rng) {
            return draw.apply(rng);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** @return all cases, one per op */
    static List<Case> all() {
        return List.of(
                new Case("Linear", new Linear(), rng -> {
                    int in = dim(rng);
                    int out = dim(rng);
                    int m = dim(rng);
                    return new Tensor[] {Tensor.randn(in, m, rng), Tensor.randn(out, in, rng), Tensor.randn(out, 1, rng)};
                }),
                new Case("ReLU", new ReLU(), rng -> new Tensor[] {randn(rng)}),
                new Case("LeakyReLU", new LeakyReLU(0.1), rng -> new Tensor[] {randn(rng)}),
                new Case("Sigmoid", new Sigmoid(), rng -> new Tensor[] {randn(rng).scale(3)}),
                new Case("Tanh", new Tanh(), rng -> new Tensor[] {randn(rng).scale(2)}),
                new Case("BinaryCrossEntropy", new BinaryCrossEntropy(), rng -> {
                    int r = dim(rng);
                    int c = dim(rng);
                    return new Tensor[] {Tensor.uniform(r, c, 0.05, 0.95, rng), labels(r, c, rng)};
                }),
                new Case("SigmoidBinaryCrossEntropy", new SigmoidBinaryCrossEntropy(), rng -> {
                    int r = dim(rng);
                    int c = dim(rng);
                    return new Tensor[] {Tensor.randn(r, c, rng).scale(3), labels(r, c, rng)};
                }),
                new Case("MeanSquaredError", new MeanSquaredError(), rng -> {
                    int r = dim(rng);
                    int c = dim(rng);
                    return new Tensor[] {Tensor.randn(r, c, rng), Tensor.randn(r, c, rng)};
                }),
                new Case("SoftmaxCrossEntropy", new SoftmaxCrossEntropy(), rng -> {
                    int k = 1 + dim(rng);
                    int m = dim(rng);
                    Tensor y = Tensor.uniform(k, m, 0.01, 1, rng);
                    if (rng.nextBoolean()) {
                        y = y.divide(y.sumCols());           // soft labels
                    } else {
                        y = Tensor.zeros(k, m);               // one-hot labels
                        for (int j = 0; j < m; j++) {
                            y.set(rng.nextInt(k), j, 1.0);
                        }
                    }
                    return new Tensor[] {Tensor.randn(k, m, rng).scale(3), y};
                }),
                new Case("Dropout", new Dropout(), rng -> {
                    int r = dim(rng);
                    int c = dim(rng);
                    return new Tensor[] {Tensor.randn(r, c, rng), Dropout.mask(r, c, 0.7, rng)};
                }));
    }

    /** @return the cases as a stream source for {@code @MethodSource} */
    static List<Case> cases() {
        return all();
    }

    private static int dim(RandomGenerator rng) {
        return 1 + rng.nextInt(4);
    }

    private static Tensor randn(RandomGenerator rng) {
        return Tensor.randn(dim(rng), dim(rng), rng);
    }

    /** Hard 0/1 labels or soft labels in [0, 1], at random. */
    private static Tensor labels(int r, int c, RandomGenerator rng) {
        Tensor u = Tensor.uniform(r, c, 0, 1, rng);
        return rng.nextBoolean() ? u : u.map(v -> v < 0.5 ? 0.0 : 1.0);
    }
}
