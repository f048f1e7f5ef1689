package org.autodifflite.layers;

import org.apache.commons.math3.random.RandomGenerator;
import org.autodifflite.core.Op;
import org.autodifflite.core.Tensor;
import org.autodifflite.layers.ops.Dropout;

/**
 * Valid random inputs for every op of the module, of random shapes with 1 to {@link #MAX} rows
 * and columns, optionally with one input forced square (for transposition bugs). Unlike
 * {@link OpCatalog} (shapes 1–4 for speed), this covers the whole 1–8 range and lets a test ask
 * for the shapes a planted bug needs.
 */
final class RandomInputs {

    /** The largest number of rows or columns drawn. */
    static final int MAX = 8;

    /** No input needs to be square. */
    static final int ANY = -1;

    private RandomInputs() {
    }

    /**
     * Draws inputs for an op.
     *
     * @param op one of the module's ops (by name)
     * @param rng the generator
     * @param square the index of an input to make square with at least 2 rows, or {@link #ANY}
     * @return the inputs
     */
    static Tensor[] draw(Op op, RandomGenerator rng, int square) {
        switch (op.name()) {
            case "Linear":
                return linear(rng, square, false);
            case "ReLU":
            case "LeakyReLU":
                return new Tensor[] {elementwise(rng, square)};
            case "Sigmoid":
                return new Tensor[] {elementwise(rng, square).scale(3)};
            case "Tanh":
                return new Tensor[] {elementwise(rng, square).scale(2)};
            default:
                return pair(op, rng, square);
        }
    }

    /**
     * Inputs for {@link Linear} with {@code out == m ≥ 2} (so that summing the upstream gradient
     * over the wrong axis still gives a bias-shaped gradient).
     *
     * @param rng the generator
     * @return {@code X, W, b}
     */
    static Tensor[] linearWithOutEqualToBatch(RandomGenerator rng) {
        return linear(rng, ANY, true);
    }

    private static Tensor[] linear(RandomGenerator rng, int square, boolean outEqualsM) {
        int in = dim(rng);
        int out = dim(rng);
        int m = dim(rng);
        if (square == 0) {
            in = squareDim(rng);
            m = in;
        } else if (square == 1) {
            in = squareDim(rng);
            out = in;
        }
        if (outEqualsM) {
            out = squareDim(rng);
            m = out;
        }
        return new Tensor[] {Tensor.randn(in, m, rng), Tensor.randn(out, in, rng), Tensor.randn(out, 1, rng)};
    }

    private static Tensor[] pair(Op op, RandomGenerator rng, int square) {
        int r = square >= 0 ? squareDim(rng) : dim(rng);
        int c = square >= 0 ? r : dim(rng);
        switch (op.name()) {
            case "BinaryCrossEntropy":
                return new Tensor[] {Tensor.uniform(r, c, 0.02, 0.98, rng), labels(r, c, rng)};
            case "SigmoidBinaryCrossEntropy":
                return new Tensor[] {Tensor.randn(r, c, rng).scale(3), labels(r, c, rng)};
            case "MeanSquaredError":
                return new Tensor[] {Tensor.randn(r, c, rng), Tensor.randn(r, c, rng)};
            case "SoftmaxCrossEntropy": {
                int k = Math.max(2, r);
                int m = square >= 0 ? k : c;
                Tensor y;
                if (rng.nextBoolean()) {
                    y = Tensor.uniform(k, m, 0.01, 1, rng);
                    y = y.divide(y.sumCols());
                } else {
                    y = Tensor.zeros(k, m);
                    for (int j = 0; j < m; j++) {
                        y.set(rng.nextInt(k), j, 1.0);
                    }
                }
                return new Tensor[] {Tensor.randn(k, m, rng).scale(3), y};
            }
            case "Dropout":
                return new Tensor[] {Tensor.randn(r, c, rng), Dropout.mask(r, c, 0.7, rng)};
            default:
                throw new IllegalArgumentException("no input generator for op " + op.name());
        }
    }

    /** Hard 0/1 labels or soft labels in [0, 1], at random. */
    static Tensor labels(int r, int c, RandomGenerator rng) {
        Tensor u = Tensor.uniform(r, c, 0, 1, rng);
        return rng.nextBoolean() ? u : u.map(v -> v < 0.5 ? 0.0 : 1.0);
    }

    private static int dim(RandomGenerator rng) {
        return 1 + rng.nextInt(MAX);
    }

    private static int squareDim(RandomGenerator rng) {
        return 2 + rng.nextInt(MAX - 1);
    }

    private static Tensor elementwise(RandomGenerator rng, int square) {
        int r = square >= 0 ? squareDim(rng) : dim(rng);
        int c = square >= 0 ? r : dim(rng);
        return Tensor.randn(r, c, rng);
    }
}
