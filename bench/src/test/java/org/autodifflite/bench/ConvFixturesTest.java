package org.autodifflite.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.commons.math3.random.Well19937c;
import org.autodifflite.check.CheckReport;
import org.autodifflite.check.GradientChecker;
import org.autodifflite.core.Tensor;
import org.autodifflite.core.kernel.MatMul;
import org.autodifflite.layers.ops.Conv2d;
import org.junit.jupiter.api.Test;

/**
 * The convolution benchmarks' fixtures, under the kernel the benchmarks run (the vector API,
 * whose products use fused multiply-adds): the incremental forward the checker uses gives
 * exactly the bits of the whole forward at the benchmark's sizes, so the check it times is the
 * check of the op; the shipped op and the naive yardstick pass it; the yardstick is the same
 * function. (Speed is measured by the JMH benchmarks only, never here.)
 */
class ConvFixturesTest {

    @Test
    void theVectorKernelRunsHere() {
        assertThat(MatMul.kernelName()).startsWith("vector");
    }

    @Test
    void theIncrementalForwardGivesTheWholeForwardsBitsUnderTheVectorKernel() {
        int[][] shapes = {{2, 3, 16, 16, 8, 3, 1, 1}, {32, 3, 32, 32, 16, 3, 1, 1}, {3, 5, 11, 9, 7, 3, 2, 0},
            {2, 16, 8, 8, 32, 3, 1, 1}};
        Well19937c rng = new Well19937c(5);
        for (int[] s : shapes) {
            Conv2d conv = new Conv2d(s[6], s[7]);
            Tensor[] in = {Tensor.randn(new int[] {s[0], s[1], s[2], s[3]}, rng),
                Tensor.randn(new int[] {s[4], s[1], s[5], s[5]}, rng), Tensor.randn(new int[] {s[4]}, rng)};
            Tensor clean = conv.forward(in);
            for (int trial = 0; trial < 30; trial++) {
                int i = trial % 3;
                int e = rng.nextInt(in[i].size());
                double saved = in[i].data()[e];
                in[i].data()[e] += 1e-3;
                Tensor got = clean.copy();
                conv.forwardEntriesInto(got, i, e, e + 1, in);
                assertThat(got).as("entry %d of %s, X %s", e, conv.inputName(i), in[0].shape())
                        .isEqualTo(conv.forward(in));
                in[i].data()[e] = saved;
                conv.forwardEntriesInto(got, i, e, e + 1, in);
                assertThat(got).isEqualTo(clean);
            }
        }
    }

    @Test
    void theCheckedConvolutionsPassAndTheYardstickIsTheSameFunction() {
        Tensor x = Tensor.randn(new int[] {2, 3, 16, 16}, 1L);
        Tensor w = Tensor.randn(new int[] {8, 3, 3, 3}, 2L);
        Tensor b = Tensor.randn(new int[] {8}, 3L);
        Conv2d conv = new Conv2d(1, 1);
        NaiveConv2d naive = new NaiveConv2d(1);
        Tensor y = conv.forward(x, w, b);
        assertThat(naive.forward(x, w, b).subtract(y).maxAbs()).isLessThan(1e-12);
        Tensor g = Tensor.randn(y.dims(), 4L);
        Tensor[] want = conv.backward(new Tensor[] {x, w, b}, y, g);
        Tensor[] got = naive.backward(new Tensor[] {x, w, b}, y, g);
        for (int i = 0; i < 3; i++) {
            assertThat(got[i].subtract(want[i]).maxAbs()).isLessThan(1e-11);
        }
        CheckReport r = GradientChecker.defaults().checkOp(conv, x, w, b);
        assertThat(r.passed()).as(r.render()).isTrue();
        assertThat(r.results().get(0).entriesChecked() + r.results().get(1).entriesChecked()
                + r.results().get(2).entriesChecked()).isEqualTo(1536 + 216 + 8);
    }
}
