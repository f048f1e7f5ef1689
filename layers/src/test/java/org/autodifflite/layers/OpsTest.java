package org.autodifflite.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.stream.Stream;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Forward values, validation and numerical stability of every op (gradients: OpGradientTest). */
class OpsTest {

    private static Tensor row(double... v) {
        return Tensor.row(v);
    }

    @Test
    void linearComputesWxPlusB() {
        Tensor x = Tensor.of(new double[][] {{1, 2}, {3, 4}});
        Tensor w = Tensor.of(new double[][] {{1, 0}, {2, -1}, {0, 1}});
        Tensor b = Tensor.column(10, 20, 30);
        Tensor z = new Linear().forward(x, w, b);
        assertThat(z).isEqualTo(Tensor.of(new double[][] {{11, 12}, {19, 20}, {33, 34}}));
    }

    @Test
    void linearBackwardHandComputed() {
        Tensor x = Tensor.of(new double[][] {{1, 2}, {3, 4}});
        Tensor w = Tensor.of(new double[][] {{1, 0}, {2, -1}, {0, 1}});
        Tensor b = Tensor.column(10, 20, 30);
        Tensor g = Tensor.of(new double[][] {{1, 0}, {0, 1}, {1, 1}});
        Tensor[] d = new Linear().backward(new Tensor[] {x, w, b}, null, g);
        assertThat(d[0]).isEqualTo(Tensor.of(new double[][] {{1, 2}, {1, 0}}));      // Wᵀ·G
        assertThat(d[1]).isEqualTo(Tensor.of(new double[][] {{1, 3}, {2, 4}, {3, 7}})); // G·Xᵀ
        assertThat(d[2]).isEqualTo(Tensor.column(1, 1, 2));                           // row sums
    }

    @Test
    void linearRejectsMismatchedShapesNamingOpAndShapes() {
        Linear lin = new Linear();
        assertThatThrownBy(() -> lin.forward(Tensor.zeros(3, 2), Tensor.zeros(4, 2), Tensor.zeros(4, 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Linear").hasMessageContaining("4×2").hasMessageContaining("3×2");
        assertThatThrownBy(() -> lin.forward(Tensor.zeros(2, 2), Tensor.zeros(4, 2), Tensor.zeros(3, 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Linear").hasMessageContaining("3×1").hasMessageContaining("4×2");
        assertThatThrownBy(() -> lin.forward(Tensor.zeros(2, 2), Tensor.zeros(4, 2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Linear expects 3 inputs (X, W, b)");
    }

    @Test
    void activationsForward() {
        Tensor z = row(-2, 0, 3);
        assertThat(new ReLU().forward(z)).isEqualTo(row(0, 0, 3));
        assertThat(new LeakyReLU(0.1).forward(z).get(0)).isCloseTo(-0.2, within(1e-15));
        assertThat(new LeakyReLU(0.1).forward(z).get(2)).isEqualTo(3.0);
        assertThat(new Tanh().forward(z).get(2)).isEqualTo(Math.tanh(3));
        Tensor s = new Sigmoid().forward(z);
        assertThat(s.get(1)).isEqualTo(0.5);
        assertThat(s.get(0)).isCloseTo(1 / (1 + Math.exp(2)), within(1e-16));
        assertThat(s.get(2)).isCloseTo(1 / (1 + Math.exp(-3)), within(1e-16));
    }

    /**
     * ReLU at its edges: −0 and 0 give 0 with gradient 0 (the kink takes 0), the smallest
     * subnormal and +∞ pass with gradient 1, −∞ gives 0, and a NaN stays NaN with a NaN gradient
     * (as numpy's maximum in the notebook) instead of becoming a harmless-looking 0.
     */
    @Test
    void reluAtItsEdgesKeepsNanAndTakesZeroAtTheKink() {
        ReLU relu = new ReLU();
        Tensor z = row(-0.0, 0.0, Double.MIN_VALUE, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN, -3);
        Tensor a = relu.forward(z);
        assertThat(a.data()).containsExactly(0.0, 0.0, Double.MIN_VALUE, Double.POSITIVE_INFINITY, 0.0, Double.NaN, 0.0);
        assertThat(Double.doubleToRawLongBits(a.get(0))).isEqualTo(Double.doubleToRawLongBits(0.0));
        Tensor g = relu.backward(new Tensor[] {z}, a, row(2, 2, 2, 2, 2, 2, 2))[0];
        assertThat(g.data()).containsExactly(0.0, 0.0, 2.0, 2.0, 0.0, Double.NaN, 0.0);
    }

    @Test
    void sigmoidIsFiniteAndExactAtPlusMinusAThousand() {
        Sigmoid sig = new Sigmoid();
        Tensor z = row(-1000, -710, 710, 1000);
        Tensor a = sig.forward(z);
        assertThat(a.isFinite()).isTrue();
        assertThat(a.get(0)).isEqualTo(0.0);
        assertThat(a.get(1)).isGreaterThan(0.0).isCloseTo(Math.exp(-710), within(1e-320));
        assertThat(a.get(3)).isEqualTo(1.0);
        Tensor[] d = sig.backward(new Tensor[] {z}, a, Tensor.ones(1, 4));
        assertThat(d[0].isFinite()).isTrue();
    }

    @Test
    void bceMatchesTheFormulaAndIsFiniteAtZeroAndOne() {
        BinaryCrossEntropy bce = new BinaryCrossEntropy();
        double c = bce.forward(row(0.9, 0.2), row(1, 0)).item();
        assertThat(c).isCloseTo(-(Math.log(0.9) + Math.log(0.8)) / 2, within(1e-15));
        // Saturated predictions: right ones cost 0, wrong ones cost −log(EPSILON) each, never ∞.
        assertThat(bce.forward(row(1, 0), row(1, 0)).item()).isEqualTo(0.0);
        double wrong = bce.forward(row(0, 1), row(1, 0)).item();
        assertThat(wrong).isFinite().isCloseTo(-Math.log(BinaryCrossEntropy.EPSILON), within(1e-9));
        Tensor[] d = bce.backward(new Tensor[] {row(0, 1), row(1, 0)}, null, Tensor.scalar(1));
        assertThat(d[0].isFinite()).isTrue();
        // Clamped terms are constant in the forward, so their derivative is 0 in the backward.
        assertThat(d[0]).isEqualTo(row(0, 0));
        assertThat(d[1]).isEqualTo(row(0, 0));
    }

    @Test
    void bceBackwardHandComputed() {
        Tensor[] d = new BinaryCrossEntropy().backward(new Tensor[] {row(0.25, 0.5), row(1, 0)}, null,
                Tensor.scalar(2));
        // (G/m)·(−y/a + (1−y)/(1−a)) with G = 2, m = 2
        assertThat(d[0].get(0)).isCloseTo(-4.0, within(1e-15));
        assertThat(d[0].get(1)).isCloseTo(2.0, within(1e-15));
    }

    @Test
    void sigmoidBceFromLogitsIsStableAtAThousand() {
        SigmoidBinaryCrossEntropy op = new SigmoidBinaryCrossEntropy();
        // A logit of −1000 for a positive costs 1000 (exactly −log σ(−1000)); of +1000, 0.
        assertThat(op.forward(row(-1000), row(1)).item()).isEqualTo(1000.0);
        assertThat(op.forward(row(1000), row(1)).item()).isEqualTo(0.0);
        assertThat(op.forward(row(1000), row(0)).item()).isEqualTo(1000.0);
        Tensor[] d = op.backward(new Tensor[] {row(-1000, 1000), row(1, 1)}, null, Tensor.scalar(1));
        assertThat(d[0]).isEqualTo(row(-0.5, 0));
        // Agrees with Sigmoid followed by BinaryCrossEntropy where that form is accurate.
        Tensor z = row(-3, 0.5, 2);
        Tensor y = row(0, 1, 0.25);
        double twoOps = new BinaryCrossEntropy().forward(new Sigmoid().forward(z), y).item();
        assertThat(op.forward(z, y).item()).isCloseTo(twoOps, within(1e-14));
    }

    @Test
    void meanSquaredErrorIsTheMeanOverAllEntries() {
        MeanSquaredError mse = new MeanSquaredError();
        Tensor a = Tensor.of(new double[][] {{1, 2}, {3, 5}});
        Tensor y = Tensor.of(new double[][] {{1, 0}, {0, 5}});
        assertThat(mse.forward(a, y).item()).isEqualTo((0 + 4 + 9 + 0) / 4.0);
        Tensor[] d = mse.backward(new Tensor[] {a, y}, null, Tensor.scalar(1));
        assertThat(d[0]).isEqualTo(Tensor.of(new double[][] {{0, 1}, {1.5, 0}}));
    }

    @Test
    void softmaxCrossEntropyIsStableAndHandComputed() {
        SoftmaxCrossEntropy ce = new SoftmaxCrossEntropy();
        // Two classes with equal logits: −log ½ per sample.
        assertThat(ce.forward(Tensor.column(3, 3), Tensor.column(1, 0)).item()).isCloseTo(Math.log(2), within(1e-15));
        // Logits of a thousand do not overflow.
        Tensor z = Tensor.of(new double[][] {{1000, -1000}, {0, 1000}});
        Tensor y = Tensor.of(new double[][] {{1, 0}, {0, 1}});
        assertThat(ce.forward(z, y).item()).isEqualTo(0.0);
        Tensor yWrong = Tensor.of(new double[][] {{0, 1}, {1, 0}});
        assertThat(ce.forward(z, yWrong).item()).isCloseTo((1000 + 2000) / 2.0, within(1e-9));
        Tensor[] d = ce.backward(new Tensor[] {Tensor.column(3, 3), Tensor.column(1, 0)}, null, Tensor.scalar(1));
        assertThat(d[0].approxEquals(Tensor.column(-0.5, 0.5), 1e-15)).as("%s", d[0]).isTrue();
    }

    @Test
    void softmaxCrossEntropyRejectsColumnsThatAreNotDistributions() {
        assertThatThrownBy(() -> new SoftmaxCrossEntropy().forward(Tensor.zeros(3, 2), Tensor.zeros(3, 2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SoftmaxCrossEntropy").hasMessageContaining("column 0 of Y sums to 0.0");
    }

    @Test
    void dropoutMasksAreSeededAndScaled() {
        Tensor m1 = Dropout.mask(4, 50, 0.8, new org.apache.commons.math3.random.Well19937c(3));
        Tensor m2 = Dropout.mask(4, 50, 0.8, new org.apache.commons.math3.random.Well19937c(3));
        assertThat(m1).isEqualTo(m2);
        for (double v : m1.data()) {
            assertThat(v).isIn(0.0, 1.25);
        }
        assertThat(m1.sum() / m1.size()).isCloseTo(1.0, within(0.15));
        Tensor x = Tensor.filled(4, 50, 2.0);
        assertThat(new Dropout().forward(x, m1)).isEqualTo(m1.scale(2.0));
        assertThatThrownBy(() -> Dropout.mask(1, 1, 0.0, new org.apache.commons.math3.random.Well19937c(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("keep");
    }

    static Stream<Arguments> labelOps() {
        return Stream.of(
                Arguments.of(new BinaryCrossEntropy(), row(0.5, 0.5)),
                Arguments.of(new SigmoidBinaryCrossEntropy(), row(0.1, -0.2)));
    }

    @ParameterizedTest
    @MethodSource("labelOps")
    void labelsOutsideZeroOneOrNonFiniteAreRejectedNamingTheOp(Op op, Tensor prediction) {
        for (double bad : new double[] {-0.1, 1.5, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThatThrownBy(() -> op.forward(prediction, row(1, bad)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(op.name()).hasMessageContaining("Y[0][1]")
                    .hasMessageContaining(String.valueOf(bad));
        }
    }

    static Stream<Arguments> twoInputOps() {
        return Stream.of(Arguments.of(new BinaryCrossEntropy()), Arguments.of(new SigmoidBinaryCrossEntropy()),
                Arguments.of(new MeanSquaredError()), Arguments.of(new SoftmaxCrossEntropy()),
                Arguments.of(new Dropout()));
    }

    @ParameterizedTest
    @MethodSource("twoInputOps")
    void mismatchedShapesAreRejectedNamingOpAndBothShapes(Op op) {
        assertThatThrownBy(() -> op.forward(Tensor.filled(2, 3, 0.5), Tensor.filled(2, 2, 0.5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(op.name()).hasMessageContaining("2×3").hasMessageContaining("2×2");
        assertThat(op.arity()).isEqualTo(2);
        assertThat(op.differentiable(0)).isTrue();
        assertThat(op.differentiable(1)).isFalse();
        assertThat(op.inputName(1)).isIn("Y", "mask");
    }

    @ParameterizedTest
    @MethodSource("org.autodifflite.layers.OpCatalog#cases")
    void opsNeverModifyTheirInputs(OpCatalog.Case c) {
        Tensor[] in = c.inputs(new org.apache.commons.math3.random.Well19937c(11));
        Tensor[] copies = new Tensor[in.length];
        for (int i = 0; i < in.length; i++) {
            copies[i] = in[i].copy();
            assertThat(c.op().inputName(i)).doesNotStartWith("input");
        }
        assertThat(c.op().arity()).isEqualTo(in.length);
        Tensor out = c.op().forward(in);
        Tensor outCopy = out.copy();
        Tensor g = Tensor.randn(out.rows(), out.cols(), 5L);
        Tensor gCopy = g.copy();
        Tensor[] grads = c.op().backward(in, out, g);
        for (int i = 0; i < in.length; i++) {
            assertThat(in[i]).isEqualTo(copies[i]);
            assertThat(grads[i].shape()).isEqualTo(in[i].shape());
            if (!c.op().differentiable(i)) {
                assertThat(grads[i]).isEqualTo(Tensor.zerosLike(in[i]));
            }
        }
        assertThat(out).isEqualTo(outCopy);
        assertThat(g).isEqualTo(gCopy);
    }
}
