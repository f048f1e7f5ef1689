package org.autodifflite.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.autodifflite.check.GradientAssertions.assertGradientsCorrect;

import org.apache.commons.math3.random.Well19937c;
import org.autodifflite.core.Op;
import org.autodifflite.core.Tensor;
import org.autodifflite.core.ops.LeakyReLU;
import org.autodifflite.core.ops.ReLU;
import org.autodifflite.core.ops.Sigmoid;
import org.autodifflite.core.ops.Tanh;
import org.autodifflite.layers.ops.BinaryCrossEntropy;
import org.autodifflite.layers.ops.Dropout;
import org.autodifflite.layers.ops.MeanSquaredError;
import org.autodifflite.layers.ops.SigmoidBinaryCrossEntropy;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The first release's ops take N-dimensional inputs where that makes sense: the activations and
 * dropout any shape, the binary and squared losses any shape (their mean is over the samples: the
 * columns of a 2-D batch, the first axis of an N-D one). {@code Linear} and
 * {@code SoftmaxCrossEntropy} stay 2-D (features × samples) and say so (see BadInputTest).
 */
class NdOpsTest {

    private static int[] shape(Well19937c rng) {
        int rank = rng.nextInt(5);                        // 0 … 4
        int[] dims = new int[rank];
        for (int a = 0; a < rank; a++) {
            dims[a] = 1 + rng.nextInt(3);
        }
        return dims;
    }

    private static Tensor away(Tensor t, double from) {
        return t.map(v -> Math.abs(v - from) < 0.05 ? v + 0.1 : v);  // keep clear of a kink
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20})
    void theActivationsDropoutAndLossesPassTheCheckerOnAnyShape(long seed) {
        Well19937c rng = new Well19937c(seed);
        int[] dims = shape(rng);
        Tensor z = Tensor.randn(dims, rng);
        for (Op op : new Op[] {new ReLU(), new LeakyReLU(0.1), new Sigmoid(), new Tanh()}) {
            assertGradientsCorrect(op, away(z, 0));
        }
        Tensor mask = Dropout.mask(1, Math.max(1, z.size()), 0.7, rng).reshape(dims);
        assertGradientsCorrect(new Dropout(), z, mask);
        Tensor y = Tensor.uniform(dims, 0, 1, rng);
        Tensor a = Tensor.uniform(dims, 0.05, 0.95, rng);
        assertGradientsCorrect(new BinaryCrossEntropy(), a, y);
        assertGradientsCorrect(new SigmoidBinaryCrossEntropy(), z, y);
        assertGradientsCorrect(new MeanSquaredError(), z, y);
    }

    @ParameterizedTest(name = "rank {0}")
    @ValueSource(ints = {3, 4})
    void aLossOverAnNdBatchIsTheMeanOverItsSamples(int rank) {
        int[] dims = rank == 3 ? new int[] {4, 2, 3} : new int[] {4, 1, 2, 3};
        Tensor a = Tensor.full(0.25, dims);
        Tensor y = Tensor.ones(dims);
        // 4 samples (the first axis) of 6 entries each, every entry costing −log 0.25.
        assertThat(new BinaryCrossEntropy().forward(a, y).item()).isCloseTo(6 * -Math.log(0.25),
                org.assertj.core.data.Offset.offset(1e-12));
        assertThat(new MeanSquaredError().forward(a, y).item()).isEqualTo(0.5625);
    }
}
