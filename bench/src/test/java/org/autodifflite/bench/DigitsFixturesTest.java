package org.autodifflite.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.commons.math3.random.Well19937c;
import org.autodifflite.core.Tensor;
import org.autodifflite.core.kernel.MatMul;
import org.autodifflite.layers.ops.Conv2d;
import org.junit.jupiter.api.Test;

/**
 * The digits benchmarks' fixtures, under the kernel they run (the vector API): the training
 * step trains (the loss falls by a quarter over 20 steps on the same batch), the checker benchmark's setup
 * finds exactly the two planted (node, input) pairs, and the digits CNN's two convolutions, whose
 * small images are multiplied a chunk at a time, give the whole forward's bits from the
 * incremental forward the checker uses. (Speed is measured by the JMH benchmarks only.)
 */
class DigitsFixturesTest {

    @Test
    void theTrainingStepTrains() {
        assertThat(MatMul.kernelName()).startsWith("vector");
        DigitsCnnBenchmark b = new DigitsCnnBenchmark();
        b.setUp();
        double first = b.step();
        double last = first;
        for (int i = 0; i < 20; i++) {
            last = b.step1Thread();
        }
        assertThat(Double.isFinite(first)).isTrue();
        // Adam at 1e-3 on one batch of 64: from 2.49 to 1.70 in 20 steps (seeded); a step that
        // did not train (no update, a wrong gradient) would stay near ln 10 = 2.30 or rise.
        assertThat(last).isLessThan(first * 0.75);
    }

    @Test
    void theCheckBenchmarkNamesBothPlantedPairs() {
        DigitsCheckBenchmark b = new DigitsCheckBenchmark();
        b.setUp();   // throws unless the per-node check and checkGraph name exactly conv1.W and fc.b
        List<DigitsCheckBenchmark.Failure> f = b.fastNodesBuggy();
        assertThat(f).extracting(DigitsCheckBenchmark.Failure::node).containsExactly("conv1", "fc");
        assertThat(f.get(0).result().diagnosis()).startsWith("flipped:");
        assertThat(f.get(1).result().diagnosis()).startsWith("analytic = 4.00 × numeric");
    }

    @Test
    void theDigitsConvolutionsIncrementalForwardGivesTheWholeForwardsBits() {
        Well19937c rng = new Well19937c(8);
        for (int[] s : new int[][] {{64, 1, 8, 8, 8}, {64, 8, 4, 4, 16}, {4, 1, 8, 8, 8}}) {
            Conv2d conv = new Conv2d(1, 1);
            Tensor[] in = {Tensor.randn(new int[] {s[0], s[1], s[2], s[3]}, rng),
                Tensor.randn(new int[] {s[4], s[1], 3, 3}, rng), Tensor.randn(new int[] {s[4]}, rng)};
            Tensor clean = conv.forward(in);
            Tensor into = Tensor.zerosLike(clean);
            conv.forwardInto(into, in);
            assertThat(into).isEqualTo(clean);
            for (int trial = 0; trial < 30; trial++) {
                int i = trial % 3;
                int e = rng.nextInt(in[i].size());
                double saved = in[i].data()[e];
                in[i].data()[e] += 0.25;
                Tensor got = clean.copy();
                conv.forwardEntriesInto(got, i, e, e + 1, in);
                assertThat(got).as("%s, input %d entry %d", java.util.Arrays.toString(s), i, e)
                        .isEqualTo(conv.forward(in));
                in[i].data()[e] = saved;
            }
        }
    }
}
