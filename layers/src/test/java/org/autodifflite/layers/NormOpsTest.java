package org.autodifflite.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.apache.commons.math3.random.Well19937c;
import org.autodifflite.check.CheckReport;
import org.autodifflite.check.GradientChecker;
import org.autodifflite.core.Graph;
import org.autodifflite.core.Node;
import org.autodifflite.core.Parameter;
import org.autodifflite.core.Tensor;
import org.autodifflite.layers.ops.BatchNorm;
import org.autodifflite.layers.ops.Embedding;
import org.autodifflite.layers.ops.LayerNorm;
import org.autodifflite.layers.ops.ScaledDotProductAttention;
import org.autodifflite.layers.ops.SoftmaxCrossEntropy;
import org.autodifflite.layers.ops.SparseSoftmaxCrossEntropy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Forward values and contracts of the normalization, embedding, attention and sparse
 * cross-entropy ops: the maths against hand-computed numbers and naive loops, the running
 * statistics rule, purity (inputs never modified, no state), and that checking a graph with
 * batch norm leaves parameters, gradients and running statistics bit for bit.
 */
class NormOpsTest {

    private static final double EPS = BatchNorm.DEFAULT_EPSILON;

    @Test
    void batchNormFeaturesByBatchNormalizesEachRowOverTheBatch() {
        Tensor x = Tensor.of(new double[][] {{1, 2, 3, 4}, {10, 10, 10, 30}});
        Tensor gamma = Tensor.column(2, 1);
        Tensor beta = Tensor.column(0.5, -1);
        Tensor y = BatchNorm.training().forward(x, gamma, beta);
        double s0 = Math.sqrt(1.25 + EPS);          // row 0: mean 2.5, biased variance 1.25
        double s1 = Math.sqrt(75 + EPS);            // row 1: mean 15, biased variance 75
        double[][] want = {
            {2 * -1.5 / s0 + 0.5, 2 * -0.5 / s0 + 0.5, 2 * 0.5 / s0 + 0.5, 2 * 1.5 / s0 + 0.5},
            {-5 / s1 - 1, -5 / s1 - 1, -5 / s1 - 1, 15 / s1 - 1}};
        assertClose(y, Tensor.of(want), 1e-14);
    }

    @Test
    void batchNormImagesNormalizesEachChannelOverBatchAndSpace() {
        Well19937c rng = new Well19937c(2);
        Tensor x = Tensor.randn(new int[] {3, 2, 2, 3}, rng).scale(3).add(Tensor.scalar(1));
        Tensor y = BatchNorm.training().forward(x, Tensor.ones(2), Tensor.zeros(2));
        for (int c = 0; c < 2; c++) {
            double sum = 0;
            double sq = 0;
            for (int n = 0; n < 3; n++) {
                for (int h = 0; h < 2; h++) {
                    for (int w = 0; w < 3; w++) {
                        sum += y.at(n, c, h, w);
                        sq += y.at(n, c, h, w) * y.at(n, c, h, w);
                    }
                }
            }
            assertThat(sum / 18).as("channel %d mean", c).isCloseTo(0, within(1e-12));
            assertThat(sq / 18).as("channel %d variance", c).isCloseTo(1, within(1e-4));
        }
    }

    /** Evaluation with running statistics equal to the batch's (biased) ones is training mode. */
    @Test
    void evaluationWithTheBatchStatisticsEqualsTraining() {
        Well19937c rng = new Well19937c(3);
        Tensor x = Tensor.randn(new int[] {2, 3, 2, 2}, rng);
        Tensor gamma = Tensor.randn(new int[] {3}, rng);
        Tensor beta = Tensor.randn(new int[] {3}, rng);
        int[] axes = {0, 2, 3};
        Tensor mean = x.mean(axes, false);
        Tensor centered = x.subtract(x.mean(axes, true));
        Tensor var = centered.multiply(centered).mean(axes, false);
        Tensor train = BatchNorm.training().forward(x, gamma, beta);
        Tensor eval = BatchNorm.evaluation().forward(x, gamma, beta, mean, var);
        assertClose(eval, train, 1e-12);
    }

    @Test
    void runningUpdateFollowsPyTorchUnbiasedVarianceAndMomentum() {
        Tensor x = Tensor.of(new double[][] {{1, 2, 3, 4}, {0, 0, 6, 6}});
        BatchNorm.RunningStats start = BatchNorm.RunningStats.initial(2, 4);
        assertThat(start.mean()).isEqualTo(Tensor.zeros(2, 1));
        assertThat(start.variance()).isEqualTo(Tensor.ones(2, 1));
        BatchNorm.RunningStats s = BatchNorm.runningUpdate(x, start.mean(), start.variance());
        // torch.nn.BatchNorm1d(2, momentum=0.1) after one training batch: running_mean = 0.1·μ,
        // running_var = 0.9 + 0.1·(unbiased variance): rows (1,2,3,4) → 5/3, (0,0,6,6) → 12.
        assertClose(s.mean(), Tensor.column(0.25, 0.3), 1e-15);
        assertClose(s.variance(), Tensor.column(0.9 + 0.1 * 5 / 3, 0.9 + 0.1 * 12), 1e-15);
        assertThat(start.mean()).as("inputs unchanged").isEqualTo(Tensor.zeros(2, 1));
        BatchNorm.RunningStats images = BatchNorm.runningUpdate(Tensor.ones(2, 3, 1, 2), Tensor.zeros(3),
                Tensor.ones(3), 0.5);
        assertClose(images.mean(), Tensor.full(0.5, 3), 0);
        assertClose(images.variance(), Tensor.full(0.5, 3), 0);
    }

    @Test
    void runningUpdateOverOneSampleMovesTheMeanAndKeepsTheVariance() {
        BatchNorm.RunningStats s = BatchNorm.runningUpdate(Tensor.column(5, -5), Tensor.column(1, 1),
                Tensor.column(2, 3));
        assertClose(s.mean(), Tensor.column(0.9 + 0.5, 0.9 - 0.5), 1e-15);
        assertThat(s.variance()).isEqualTo(Tensor.column(2, 3));
    }

    @Test
    void runningUpdateRejectsABadMomentumAndMisshapenStatistics() {
        assertThatThrownBy(() -> BatchNorm.runningUpdate(Tensor.zeros(2, 3), Tensor.zeros(2, 1), Tensor.ones(2, 1), 1.5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("momentum").hasMessageContaining("1.5");
        assertThatThrownBy(() -> BatchNorm.runningUpdate(Tensor.zeros(2, 3), Tensor.zeros(3, 1), Tensor.ones(2, 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("runningMean is 3×1")
                .hasMessageContaining("2×1");
    }

    /**
     * The checker perturbs and restores: checking a graph with batch norm in training mode, and
     * one in evaluation mode whose running statistics are inputs, leaves every parameter value,
     * every parameter gradient and the running statistics bit for bit as they were.
     */
    @Test
    void checkingBatchNormGraphsLeavesParametersGradientsAndRunningStatisticsBitForBit() {
        Well19937c rng = new Well19937c(9);
        Parameter gamma = new Parameter("bn.gamma", Tensor.randn(new int[] {3, 1}, rng));
        Parameter beta = new Parameter("bn.beta", Tensor.randn(new int[] {3, 1}, rng));
        Parameter w = new Parameter("fc.weight", Tensor.randn(new int[] {2, 3}, rng));
        List<Parameter> params = List.of(gamma, beta, w);
        for (Parameter p : params) {
            p.grad().copyFrom(Tensor.randn(p.value().dims(), rng));     // gradients of an earlier step
        }
        Tensor runningMean = Tensor.randn(new int[] {3, 1}, rng);
        Tensor runningVar = Tensor.uniform(new int[] {3, 1}, 0.5, 2, rng);
        Tensor x = Tensor.randn(new int[] {3, 5}, rng);
        Tensor y = Tensor.randn(new int[] {2, 5}, rng);
        for (BatchNorm bn : List.of(BatchNorm.training(), BatchNorm.evaluation())) {
            Graph g = new Graph();
            Node in = g.input("X", x);
            Node normalized = bn.mode() == BatchNorm.Mode.TRAINING
                    ? g.apply("bn", bn, in, g.parameter(gamma), g.parameter(beta))
                    : g.apply("bn", bn, in, g.parameter(gamma), g.parameter(beta), g.input("bn.runningMean", runningMean),
                            g.input("bn.runningVar", runningVar));
            Node z = g.apply("fc", new org.autodifflite.layers.ops.Linear(), normalized, g.parameter(w),
                    g.constant(Tensor.zeros(2, 1)));
            Node loss = g.apply("loss", new org.autodifflite.layers.ops.MeanSquaredError(), z, g.input("Y", y));
            List<long[]> before = NothingLostTest.snapshot(params, g);
            long[] statsBefore = bits(runningMean, runningVar);
            CheckReport r = GradientChecker.defaults().withThreads(1).checkGraph(g, loss);
            assertThat(r.passed()).as("%s%n%s", bn.name(), r.render()).isTrue();
            CheckReport fast = GradientChecker.defaults().withThreads(1).fast(2).checkGraph(g, loss);
            assertThat(fast.passed()).as("%s fast%n%s", bn.name(), fast.render()).isTrue();
            NothingLostTest.assertSame(before, NothingLostTest.snapshot(params, g));
            assertThat(bits(runningMean, runningVar)).as("running statistics").isEqualTo(statsBefore);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.autodifflite.layers.NormOpCases#cases")
    void opsNeverModifyTheirInputsAndGiveOneGradientPerInput(OpCatalog.Case c) {
        Tensor[] in = c.inputs(new Well19937c(11));
        Tensor[] copies = new Tensor[in.length];
        for (int i = 0; i < in.length; i++) {
            copies[i] = in[i].copy();
            assertThat(c.op().inputName(i)).doesNotStartWith("input");
        }
        assertThat(c.op().arity()).isEqualTo(in.length);
        Tensor out = c.op().forward(in);
        Tensor again = c.op().forward(in);
        assertThat(again).as("same inputs, same bits").isEqualTo(out);
        Tensor outCopy = out.copy();
        Tensor g = Tensor.randn(out.dims(), 5L);
        Tensor gCopy = g.copy();
        Tensor[] grads = c.op().backward(in, out, g);
        assertThat(grads).hasSize(in.length);
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

    @Test
    void layerNormNormalizesEachVectorOfTheLastAxis() {
        Tensor x = Tensor.wrap(new int[] {2, 1, 4}, new double[] {1, 2, 3, 4, -2, 0, 0, 2});
        Tensor gamma = Tensor.vector(1, 2, 3, 4);
        Tensor beta = Tensor.vector(0, 0, 0, 1);
        Tensor y = new LayerNorm().forward(x, gamma, beta);
        double s0 = Math.sqrt(1.25 + EPS);
        double s1 = Math.sqrt(2 + EPS);
        assertClose(y, Tensor.wrap(new int[] {2, 1, 4}, new double[] {-1.5 / s0, 2 * -0.5 / s0, 3 * 0.5 / s0,
            4 * 1.5 / s0 + 1, -2 / s1, 0, 0, 4 * 2 / s1 + 1}), 1e-14);
        // Over the last two axes: one slice per leading index.
        Tensor y2 = new LayerNorm(2).forward(x, Tensor.ones(1, 4), Tensor.zeros(1, 4));
        assertClose(y2, new LayerNorm().forward(x, Tensor.ones(4), Tensor.zeros(4)), 0);
    }

    @Test
    void embeddingLooksUpRowsAndAddsTheGradientsOfRepeatedIndices() {
        Tensor table = Tensor.of(new double[][] {{0, 1}, {10, 11}, {20, 21}});
        Tensor idx = Tensor.of(new double[][] {{2, 0, 2}});
        Embedding emb = new Embedding();
        Tensor out = emb.forward(idx, table);
        assertThat(out.dims()).containsExactly(1, 3, 2);
        assertThat(out).isEqualTo(Tensor.wrap(new int[] {1, 3, 2}, new double[] {20, 21, 0, 1, 20, 21}));
        Tensor g = Tensor.wrap(new int[] {1, 3, 2}, new double[] {1, 2, 3, 4, 5, 6});
        Tensor[] grads = emb.backward(new Tensor[] {idx, table}, out, g);
        assertThat(grads[1]).isEqualTo(Tensor.of(new double[][] {{3, 4}, {0, 0}, {6, 8}}));
        Tensor one = emb.forward(Tensor.scalar(1), table);
        assertThat(one).isEqualTo(Tensor.vector(10, 11));
        assertThat(emb.differentiable(0)).isFalse();
        assertThat(emb.differentiable(1)).isTrue();
    }

    @Test
    void attentionEqualsTheNaiveLoops() {
        Well19937c rng = new Well19937c(4);
        Tensor q = Tensor.randn(new int[] {2, 3, 4}, rng);
        Tensor k = Tensor.randn(new int[] {2, 5, 4}, rng);
        Tensor v = Tensor.randn(new int[] {2, 5, 2}, rng);
        Tensor mask = NormOpCases.mask(new int[] {3, 5}, rng);
        Tensor plain = new ScaledDotProductAttention().forward(q, k, v);
        Tensor causal = ScaledDotProductAttention.causal().forward(q, k, v);
        Tensor masked = ScaledDotProductAttention.masked().forward(q, k, v, mask);
        for (int b = 0; b < 2; b++) {
            for (int i = 0; i < 3; i++) {
                double[] s = new double[5];
                double[] sc = new double[5];
                double[] sm = new double[5];
                for (int j = 0; j < 5; j++) {
                    double dot = 0;
                    for (int t = 0; t < 4; t++) {
                        dot += q.at(b, i, t) * k.at(b, j, t);
                    }
                    s[j] = Math.exp(dot / 2);                // √d = 2
                    sc[j] = j <= i ? s[j] : 0;
                    sm[j] = mask.at(i, j) == 1 ? s[j] : 0;
                }
                for (int c = 0; c < 2; c++) {
                    assertThat(plain.at(b, i, c)).isCloseTo(weighted(s, v, b, c), within(1e-12));
                    assertThat(causal.at(b, i, c)).isCloseTo(weighted(sc, v, b, c), within(1e-12));
                    assertThat(masked.at(b, i, c)).isCloseTo(weighted(sm, v, b, c), within(1e-12));
                }
            }
        }
    }

    /** Causal attention is masked attention with the lower-triangular mask, to the bit. */
    @Test
    void causalEqualsMaskedWithTheLowerTriangle() {
        Well19937c rng = new Well19937c(6);
        Tensor q = Tensor.randn(new int[] {2, 4, 3}, rng);
        Tensor k = Tensor.randn(new int[] {2, 3, 3}, rng);
        Tensor v = Tensor.randn(new int[] {2, 3, 2}, rng);
        Tensor tril = Tensor.zeros(4, 3);
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j <= Math.min(i, 2); j++) {
                tril.setAt(1, i, j);
            }
        }
        Tensor[] in = {q, k, v};
        Tensor[] withMask = {q, k, v, tril};
        Tensor causal = ScaledDotProductAttention.causal().forward(in);
        Tensor masked = ScaledDotProductAttention.masked().forward(withMask);
        assertThat(causal).isEqualTo(masked);
        Tensor g = Tensor.randn(causal.dims(), 1L);
        Tensor[] dc = ScaledDotProductAttention.causal().backward(in, causal, g);
        Tensor[] dm = ScaledDotProductAttention.masked().backward(withMask, masked, g);
        for (int i = 0; i < 3; i++) {
            assertThat(dc[i]).isEqualTo(dm[i]);
        }
    }

    /** Huge scores do not overflow: the softmax is shifted by the row's largest kept score. */
    @Test
    void attentionIsStableForHugeScores() {
        Tensor q = Tensor.of(new double[][] {{1000, -1000}});
        Tensor k = Tensor.of(new double[][] {{1000, 0}, {-1000, 0}, {0, 1000}});
        Tensor v = Tensor.of(new double[][] {{1}, {2}, {3}});
        Tensor o = new ScaledDotProductAttention().forward(q, k, v);
        assertThat(o.isFinite()).isTrue();
        assertThat(o.at(0, 0)).isCloseTo(1.0, within(1e-12));
    }

    @Test
    void sparseCrossEntropyEqualsTheDenseOneWithOneHotLabels() {
        Well19937c rng = new Well19937c(8);
        Tensor z = Tensor.randn(new int[] {4, 6}, rng).scale(3);
        double[] labels = {0, 3, 3, 1, 2, 0};
        Tensor oneHot = Tensor.zeros(4, 6);
        for (int j = 0; j < 6; j++) {
            oneHot.setAt(1, (int) labels[j], j);
        }
        SoftmaxCrossEntropy dense = new SoftmaxCrossEntropy();
        SparseSoftmaxCrossEntropy sparse = new SparseSoftmaxCrossEntropy();
        for (Tensor y : List.of(Tensor.wrap(new int[] {1, 6}, labels.clone()), Tensor.vector(labels))) {
            Tensor l = sparse.forward(z, y);
            assertThat(l.item()).isCloseTo(dense.forward(z, oneHot).item(), within(1e-13));
            Tensor g = Tensor.scalar(0.7);
            assertClose(sparse.backward(new Tensor[] {z, y}, l, g)[0],
                    dense.backward(new Tensor[] {z, oneHot}, l, g)[0], 1e-15);
        }
    }

    @Test
    void hyperParametersAreValidated() {
        assertThatThrownBy(() -> new BatchNorm(BatchNorm.Mode.TRAINING, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("BatchNorm").hasMessageContaining("epsilon");
        assertThatThrownBy(() -> new BatchNorm(BatchNorm.Mode.EVALUATION, Double.NaN))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN");
        assertThatThrownBy(() -> new LayerNorm(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("LayerNorm").hasMessageContaining("0");
        assertThatThrownBy(() -> new LayerNorm(1, -1e-5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("epsilon");
        assertThat(BatchNorm.training().mode()).isEqualTo(BatchNorm.Mode.TRAINING);
        assertThat(BatchNorm.evaluation().arity()).isEqualTo(5);
        assertThat(BatchNorm.evaluation().differentiable(3)).isFalse();
        assertThat(BatchNorm.evaluation().differentiable(4)).isFalse();
        assertThat(new LayerNorm(2, 1e-3).epsilon()).isEqualTo(1e-3);
        assertThat(ScaledDotProductAttention.masked().arity()).isEqualTo(4);
        assertThat(ScaledDotProductAttention.masked().differentiable(3)).isFalse();
        assertThat(ScaledDotProductAttention.causal().isCausal()).isTrue();
        assertThat(BatchNorm.parameterDims(8, 5)).containsExactly(8, 1);
        assertThat(BatchNorm.parameterDims(2, 3, 4, 4)).containsExactly(3);
    }

    /** The refusals do not overreach: inputs exactly at the edge of what is allowed are accepted. */
    @Test
    void inputsAtTheEdgeOfWhatIsAllowedAreAccepted() {
        Tensor table = Tensor.of(new double[][] {{1, 2}, {3, 4}, {5, 6}});
        assertThat(new Embedding().forward(Tensor.vector(0, 2, -0.0), table))
                .isEqualTo(Tensor.of(new double[][] {{1, 2}, {5, 6}, {1, 2}}));                    // 0, V − 1, −0
        assertThat(new SparseSoftmaxCrossEntropy().forward(Tensor.zeros(3, 2), Tensor.row(0, 2)).item())
                .isCloseTo(Math.log(3), within(1e-15));                                            // labels 0 and k − 1
        Tensor oneKey = Tensor.of(new double[][] {{0, 1, 0}, {1, 1, 1}});
        Tensor v = Tensor.of(new double[][] {{1}, {2}, {3}});
        assertThat(ScaledDotProductAttention.masked().forward(Tensor.ones(2, 4), Tensor.ones(3, 4), v, oneKey).at(0, 0))
                .isEqualTo(2.0);                                                                   // one key kept
        assertThat(BatchNorm.evaluation().forward(Tensor.ones(2, 3), Tensor.ones(2, 1), Tensor.zeros(2, 1),
                Tensor.ones(2, 1), Tensor.zeros(2, 1))).isEqualTo(Tensor.zeros(2, 3));             // running variance 0
        assertThat(new LayerNorm().forward(Tensor.full(7, 3, 1), Tensor.ones(1), Tensor.full(0.5, 1)))
                .isEqualTo(Tensor.full(0.5, 3, 1));                                                // slices of one value
        assertThat(new BatchNorm(BatchNorm.Mode.TRAINING, Double.MIN_VALUE).epsilon()).isEqualTo(Double.MIN_VALUE);
        assertThat(BatchNorm.runningUpdate(Tensor.zeros(1, 2), Tensor.ones(1, 1), Tensor.ones(1, 1), 0).mean())
                .isEqualTo(Tensor.ones(1, 1));                                                     // momentum 0
    }

    private static double weighted(double[] e, Tensor v, int b, int c) {
        double num = 0;
        double den = 0;
        for (int j = 0; j < e.length; j++) {
            num += e[j] * v.at(b, j, c);
            den += e[j];
        }
        return num / den;
    }

    private static long[] bits(Tensor... ts) {
        int n = 0;
        for (Tensor t : ts) {
            n += t.size();
        }
        long[] out = new long[n];
        int k = 0;
        for (Tensor t : ts) {
            for (double d : t.data()) {
                out[k++] = Double.doubleToRawLongBits(d);
            }
        }
        return out;
    }

    private static void assertClose(Tensor actual, Tensor expected, double tol) {
        assertThat(actual.dims()).isEqualTo(expected.dims());
        for (int i = 0; i < actual.size(); i++) {
            assertThat(actual.data()[i]).as("entry %d of %s", i, actual).isCloseTo(expected.data()[i], within(tol));
        }
    }
}
