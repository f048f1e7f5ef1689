package org.autodifflite.core.ops;

import static org.assertj.core.api.Assertions.assertThat;

import org.autodifflite.core.Op;
import org.autodifflite.core.Tensor;
import org.junit.jupiter.api.Test;

/**
 * What the gradient checker cannot tell: that each forward computes the right function, and the
 * choices an op makes where the maths leaves one (ties, kinks, repeated indices, stability).
 */
class OpSemanticsTest {

    private static Tensor t(int[] dims, double... values) {
        return Tensor.wrap(dims, values);
    }

    private static Tensor v(double... values) {
        return Tensor.vector(values);
    }

    private static Tensor[] grads(Op op, Tensor g, Tensor... inputs) {
        return op.backward(inputs, op.forward(inputs), g);
    }

    @Test
    void binaryOpsBroadcastAndSumTheGradientBack() {
        Tensor a = t(new int[] {2, 1}, 1, 2);
        Tensor b = v(10, 20, 30);
        assertThat(new Add().forward(a, b)).isEqualTo(t(new int[] {2, 3}, 11, 21, 31, 12, 22, 32));
        assertThat(new Subtract().forward(a, b).data()).containsExactly(-9, -19, -29, -8, -18, -28);
        assertThat(new Multiply().forward(a, b).data()).containsExactly(10, 20, 30, 20, 40, 60);
        assertThat(new Divide().forward(b, a).data()).containsExactly(10, 20, 30, 5, 10, 15);

        Tensor g = t(new int[] {2, 3}, 1, 2, 3, 4, 5, 6);
        Tensor[] add = grads(new Add(), g, a, b);
        assertThat(add[0]).isEqualTo(t(new int[] {2, 1}, 6, 15));
        assertThat(add[1]).isEqualTo(v(5, 7, 9));
        Tensor[] mul = grads(new Multiply(), g, a, b);
        assertThat(mul[0].data()).containsExactly(10 + 40 + 90, 40 + 100 + 180);
        assertThat(mul[1].data()).containsExactly(1 + 8, 2 + 10, 3 + 12);
        Tensor[] sub = grads(new Subtract(), g, a, Tensor.scalar(4));
        assertThat(sub[1]).isEqualTo(Tensor.scalar(-21));
    }

    @Test
    void minimumAndMaximumSendATieToTheFirstInput() {
        Tensor a = v(1, 5, 3);
        Tensor b = v(2, 4, 3);
        Tensor g = v(10, 20, 30);
        assertThat(new Minimum().forward(a, b).data()).containsExactly(1, 4, 3);
        assertThat(new Maximum().forward(a, b).data()).containsExactly(2, 5, 3);
        Tensor[] min = grads(new Minimum(), g, a, b);
        assertThat(min[0].data()).containsExactly(10, 0, 30);
        assertThat(min[1].data()).containsExactly(0, 20, 0);
        Tensor[] max = grads(new Maximum(), g, a, b);
        assertThat(max[0].data()).containsExactly(0, 20, 30);
        assertThat(max[1].data()).containsExactly(10, 0, 0);
    }

    @Test
    void whereChoosesByTheMaskAndGivesTheMaskNoGradient() {
        Tensor mask = t(new int[] {2, 1}, 0, 7);
        Tensor a = v(1, 2);
        Tensor b = Tensor.scalar(-1);
        assertThat(new Where().forward(mask, a, b)).isEqualTo(t(new int[] {2, 2}, -1, -1, 1, 2));
        Tensor[] g = grads(new Where(), t(new int[] {2, 2}, 1, 2, 3, 4), mask, a, b);
        assertThat(g[0]).isEqualTo(Tensor.zeros(2, 1));
        assertThat(g[1]).isEqualTo(v(3, 4));
        assertThat(g[2]).isEqualTo(Tensor.scalar(3));
        assertThat(new Where().differentiable(0)).isFalse();
        assertThat(new Where().differentiable(1)).isTrue();
    }

    @Test
    void matMulBroadcastsBatchesAndSumsTheirGradients() {
        Tensor a = t(new int[] {2, 1, 2}, 1, 2, 3, 4);
        Tensor b = t(new int[] {2, 1}, 5, 6);
        assertThat(new MatMul().forward(a, b)).isEqualTo(t(new int[] {2, 1, 1}, 17, 39));
        Tensor[] g = grads(new MatMul(), t(new int[] {2, 1, 1}, 1, 10), a, b);
        assertThat(g[0]).isEqualTo(t(new int[] {2, 1, 2}, 5, 6, 50, 60));
        // summed over the batch b was broadcast along: 1·(1, 2) + 10·(3, 4)
        assertThat(g[1]).isEqualTo(t(new int[] {2, 1}, 31, 42));
        // an operand that is data gets no product computed
        Tensor[] onlyB = new MatMul().backward(new Tensor[] {a, b}, new MatMul().forward(a, b),
                t(new int[] {2, 1, 1}, 1, 10), new boolean[] {false, true});
        assertThat(onlyB[0]).isNull();
        assertThat(onlyB[1]).isEqualTo(g[1]);
    }

    @Test
    void elementwiseValuesAndKinks() {
        Tensor x = v(-2, 0, 0.5, 4);
        assertThat(new Negate().forward(x).data()).containsExactly(2, -0.0, -0.5, -4);
        assertThat(new Abs().forward(x).data()).containsExactly(2, 0, 0.5, 4);
        assertThat(new Clamp(-1, 1).forward(x).data()).containsExactly(-1, 0, 0.5, 1);
        assertThat(new Pow(2).forward(x).data()).containsExactly(4, 0, 0.25, 16);
        assertThat(new Exp().forward(v(0, 1)).data()).usingComparatorWithPrecision(1e-15).containsExactly(1, Math.E);
        assertThat(new Log().forward(v(1, Math.E)).data()).usingComparatorWithPrecision(1e-15).containsExactly(0, 1);
        assertThat(new Sqrt().forward(v(0, 9)).data()).containsExactly(0, 3);

        Tensor g = v(1, 1, 1, 1);
        assertThat(grads(new Abs(), g, x)[0].data()).containsExactly(-1, 0, 1, 1);
        assertThat(grads(new Clamp(-2, 4), g, v(-3, -2, 4, 5))[0].data()).containsExactly(0, 1, 1, 0);
        // a constant power has no gradient, even at 0 where 0·0⁻¹ would be NaN
        assertThat(grads(new Pow(0), g, x)[0].data()).containsExactly(0, 0, 0, 0);
        assertThat(grads(new Pow(3), g, x)[0].data()).containsExactly(12, 0, 0.75, 48);
    }

    @Test
    void reductions() {
        Tensor x = t(new int[] {2, 3}, 1, 5, 5, 7, 0, 7);
        assertThat(new Sum(new int[0], false).forward(x)).isEqualTo(Tensor.scalar(25));
        assertThat(new Sum(new int[] {0}, true).forward(x)).isEqualTo(t(new int[] {1, 3}, 8, 5, 12));
        assertThat(new Mean(new int[] {-1}, false).forward(x).data()).containsExactly(11 / 3.0, 14 / 3.0);
        assertThat(new Max(new int[] {1}, false).forward(x).data()).containsExactly(5, 7);
        assertThat(grads(new Sum(new int[] {1}, false), v(1, 2), x)[0]).isEqualTo(t(new int[] {2, 3}, 1, 1, 1, 2, 2, 2));
        assertThat(grads(new Mean(new int[0], true), t(new int[] {1, 1}, 6), x)[0].data()).containsOnly(1.0);
        // ties: the whole gradient goes to the first maximum in row-major order
        assertThat(grads(new Max(new int[] {1}, false), v(10, 20), x)[0].data()).containsExactly(0, 10, 0, 20, 0, 0);
        assertThat(grads(new Max(new int[0], false), Tensor.scalar(3), x)[0].data()).containsExactly(0, 0, 0, 3, 0, 0);
        Tensor cube = t(new int[] {2, 2, 2}, 1, 9, 3, 4, 9, 6, 7, 8);
        assertThat(grads(new Max(new int[] {0, 2}, true), t(new int[] {1, 2, 1}, 1, 2), cube)[0].data())
                .containsExactly(0, 1, 0, 0, 0, 0, 0, 2);
    }

    @Test
    void logSumExpIsStable() {
        Tensor x = t(new int[] {2, 2}, 1000, 1000, -1000, Double.NEGATIVE_INFINITY);
        Tensor y = new LogSumExp(new int[] {1}, false).forward(x);
        assertThat(y.data()).containsExactly(1000 + Math.log(2), -1000);
        Tensor[] g = grads(new LogSumExp(new int[] {1}, false), v(1, 1), x);
        assertThat(g[0].data()).usingComparatorWithPrecision(1e-12).containsExactly(0.5, 0.5, 1, 0);
        Tensor allInf = v(Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY);
        assertThat(new LogSumExp(new int[0], false).forward(allInf).item()).isEqualTo(Double.NEGATIVE_INFINITY);
    }

    @Test
    void softmaxAndLogSoftmaxAreStableAndAgree() {
        Tensor x = t(new int[] {2, 3}, 1000, 1001, 1002, -5, 0, 5);
        Tensor s = new Softmax(1).forward(x);
        Tensor ls = new LogSoftmax(-1).forward(x);
        double z = 1 + Math.exp(1) + Math.exp(2);
        assertThat(s.data()).usingComparatorWithPrecision(1e-15)
                .containsExactly(1 / z, Math.exp(1) / z, Math.exp(2) / z, Math.exp(-10) / (1 + Math.exp(-5) + Math.exp(-10)),
                        Math.exp(-5) / (1 + Math.exp(-5) + Math.exp(-10)), 1 / (1 + Math.exp(-5) + Math.exp(-10)));
        assertThat(ls.exp().data()).usingComparatorWithPrecision(1e-15).containsExactly(s.data());
        assertThat(s.sum(new int[] {1}, false).data()).usingComparatorWithPrecision(1e-15).containsExactly(1, 1);
        // a constant shift of a row changes nothing, so its gradient sums to 0 along the axis
        Tensor[] g = grads(new Softmax(1), t(new int[] {2, 3}, 1, 2, 3, -1, 0, 4), x);
        assertThat(g[0].sum(new int[] {1}, false).data()).usingComparatorWithPrecision(1e-15).containsExactly(0, 0);
    }

    @Test
    void shapeOps() {
        Tensor x = t(new int[] {2, 3}, 1, 2, 3, 4, 5, 6);
        assertThat(new Reshape(3, -1).forward(x)).isEqualTo(t(new int[] {3, 2}, 1, 2, 3, 4, 5, 6));
        assertThat(new Reshape().forward(Tensor.vector(7))).isEqualTo(Tensor.scalar(7));
        assertThat(new Permute(1, 0).forward(x)).isEqualTo(t(new int[] {3, 2}, 1, 4, 2, 5, 3, 6));
        assertThat(new Transpose(-1, 0).forward(x)).isEqualTo(t(new int[] {3, 2}, 1, 4, 2, 5, 3, 6));
        assertThat(new Slice(1, 1, 2).forward(x)).isEqualTo(t(new int[] {2, 1}, 2, 5));
        assertThat(grads(new Slice(1, 1, 2), t(new int[] {2, 1}, 7, 8), x)[0])
                .isEqualTo(t(new int[] {2, 3}, 0, 7, 0, 0, 8, 0));
        assertThat(new Pad(new int[] {1, 0}, new int[] {0, 1}, 9).forward(x))
                .isEqualTo(t(new int[] {3, 4}, 9, 9, 9, 9, 1, 2, 3, 9, 4, 5, 6, 9));
        assertThat(grads(new Pad(new int[] {1, 0}, new int[] {0, 1}, 9), Tensor.arange(12).reshape(3, 4), x)[0])
                .isEqualTo(t(new int[] {2, 3}, 4, 5, 6, 8, 9, 10));
        Tensor[] parts = grads(new Concat(1), Tensor.arange(10).reshape(2, 5), x, Tensor.zeros(2, 2));
        assertThat(new Concat(1).forward(x, Tensor.zeros(2, 2)))
                .isEqualTo(t(new int[] {2, 5}, 1, 2, 3, 0, 0, 4, 5, 6, 0, 0));
        assertThat(parts[0]).isEqualTo(t(new int[] {2, 3}, 0, 1, 2, 5, 6, 7));
        assertThat(parts[1]).isEqualTo(t(new int[] {2, 2}, 3, 4, 8, 9));
        // ops return new tensors, never their input
        assertThat(new Reshape(2, 3).forward(x).data()).isNotSameAs(x.data());
        assertThat(new Concat(0).forward(x).data()).isNotSameAs(x.data());
    }

    @Test
    void gatherAndIndexSelectAccumulateRepeatedIndices() {
        Tensor x = t(new int[] {2, 3}, 1, 2, 3, 4, 5, 6);
        Tensor idx = t(new int[] {2, 2}, 2, 2, 0, 1);
        assertThat(new Gather(1).forward(x, idx)).isEqualTo(t(new int[] {2, 2}, 3, 3, 4, 5));
        Tensor[] g = grads(new Gather(1), t(new int[] {2, 2}, 1, 2, 3, 4), x, idx);
        assertThat(g[0]).isEqualTo(t(new int[] {2, 3}, 0, 0, 3, 3, 4, 0));
        assertThat(g[1]).isEqualTo(Tensor.zeros(2, 2));

        Tensor table = t(new int[] {3, 2}, 1, 2, 3, 4, 5, 6);
        Tensor ids = v(2, 0, 2);
        assertThat(new IndexSelect(0).forward(table, ids)).isEqualTo(t(new int[] {3, 2}, 5, 6, 1, 2, 5, 6));
        Tensor[] e = grads(new IndexSelect(0), t(new int[] {3, 2}, 1, 2, 3, 4, 5, 6), table, ids);
        assertThat(e[0]).isEqualTo(t(new int[] {3, 2}, 3, 4, 0, 0, 6, 8));
        assertThat(e[1]).isEqualTo(Tensor.zeros(3));
        assertThat(new IndexSelect(0).differentiable(1)).isFalse();
        assertThat(new Gather(0).differentiable(1)).isFalse();
    }
}
