package org.autodifflite.core.ops;

import static org.assertj.core.api.Assertions.assertThat;

import org.autodifflite.core.Tensor;
import org.junit.jupiter.api.Test;

/**
 * ReLU computes {@code max(0, z)} without a branch: the same bits as the plain conditional at
 * every number (±0, subnormals, the largest values, ±∞), while a NaN stays NaN in the value and
 * in the gradient (as numpy's {@code maximum}), rather than becoming a harmless-looking 0.
 */
class ReLUBranchFreeTest {

    private static final double[] EDGES = {
        0.0, -0.0, Double.MIN_VALUE, -Double.MIN_VALUE, Double.MIN_NORMAL, 1.0, -1.0, 1e-300, -1e-300,
        Double.MAX_VALUE, -Double.MAX_VALUE, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN,
        Double.longBitsToDouble(0x7ff8_0000_0000_0001L), Double.longBitsToDouble(0xfff8_0000_0000_0000L),
        Double.longBitsToDouble(0x7ff0_0000_0000_0001L), Math.nextDown(Double.POSITIVE_INFINITY)
    };

    @Test
    void valueAndGradientMatchTheConditionalBitForBitAndNaNStaysNaN() {
        double[] z = new double[EDGES.length + 1000];
        System.arraycopy(EDGES, 0, z, 0, EDGES.length);
        Tensor random = Tensor.randn(1, 1000, 5L);
        System.arraycopy(random.data(), 0, z, EDGES.length, 1000);
        Tensor in = Tensor.wrap(1, z.length, z);
        Tensor g = Tensor.randn(1, z.length, 6L);
        ReLU relu = new ReLU();
        Tensor out = relu.forward(in);
        Tensor dz = relu.backward(new Tensor[] {in}, out, g)[0];
        for (int i = 0; i < z.length; i++) {
            if (Double.isNaN(z[i])) {
                assertThat(out.data()[i]).as("relu(%s)", z[i]).isNaN();
                assertThat(dz.data()[i]).as("relu'(%s)", z[i]).isNaN();
                continue;
            }
            double want = z[i] > 0 ? z[i] : 0.0;
            double wantGrad = g.data()[i] * (z[i] > 0 ? 1.0 : 0.0);
            assertThat(Double.doubleToRawLongBits(out.data()[i])).as("relu(%s)", z[i])
                    .isEqualTo(Double.doubleToRawLongBits(want));
            assertThat(Double.doubleToRawLongBits(dz.data()[i])).as("relu'(%s)", z[i])
                    .isEqualTo(Double.doubleToRawLongBits(wantGrad));
        }
    }
}
