package org.autodifflite.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.autodifflite.check.GradientAssertions.assertGradientsCorrect;

import java.util.stream.Stream;
import org.apache.commons.math3.random.Well19937c;
import org.autodifflite.check.CheckReport;
import org.autodifflite.check.GradientChecker;
import org.autodifflite.check.InputResult;
import org.autodifflite.check.Verdict;
import org.autodifflite.core.Op;
import org.autodifflite.core.Tensor;
import org.autodifflite.layers.ops.BatchNorm;
import org.autodifflite.layers.ops.Embedding;
import org.autodifflite.layers.ops.LayerNorm;
import org.autodifflite.layers.ops.ScaledDotProductAttention;
import org.autodifflite.layers.ops.SparseSoftmaxCrossEntropy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hand-written backward passes of batch norm (training and evaluation), layer norm, the
 * embedding, attention (plain, causal, masked) and the sparse softmax cross-entropy, proved by the
 * gradient checker (central differences) on a thousand seeded random inputs each, on named edge
 * shapes, and shown able to fail: a backward off by 1 % is caught for every one of them.
 */
class NormOpGradientTest {

    /** One thread: the inputs are tiny, so a thread pool per check would cost more than it saves. */
    private static final GradientChecker CHECKER = GradientChecker.defaults().withThreads(1);

    private static final int MANY = 1000;

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.autodifflite.layers.NormOpCases#cases")
    void backwardIsCorrectOnAThousandSeededRandomInputs(OpCatalog.Case c) {
        int entries = 0;
        int skipped = 0;
        for (long seed = 1000; seed < 1000 + MANY; seed++) {
            Tensor[] in = c.inputs(new Well19937c(seed));
            CheckReport r = CHECKER.withSeed(seed).checkOp(c.op(), in);
            assertThat(r.passed()).as("%s, seed %d:%n%s", c, seed, r.render()).isTrue();
            for (InputResult ir : r.results()) {
                assertThat(ir.verdict()).as("%s, seed %d:%n%s", c, seed, r.render()).isEqualTo(Verdict.PASS);
                entries += ir.entriesChecked();
                skipped += ir.entriesSkipped();
            }
        }
        // Every op here is smooth: no entry may be skipped as a kink (it would be an entry never checked).
        assertThat(skipped).as("entries skipped as kinks").isZero();
        System.out.printf("%s: %d random inputs passed, %d entries checked%n", c, MANY, entries);
    }

    static Stream<Arguments> edgeShapes() {
        Well19937c rng = new Well19937c(7);
        Tensor x2 = Tensor.randn(new int[] {3, 2}, rng);
        Tensor images1x1 = Tensor.randn(new int[] {2, 3, 1, 1}, rng);
        Tensor oneImage = Tensor.randn(new int[] {1, 2, 2, 3}, rng);
        return Stream.of(
                Arguments.of("BatchNorm, batch 2", BatchNorm.training(),
                        new Tensor[] {x2, Tensor.randn(new int[] {3, 1}, rng), Tensor.randn(new int[] {3, 1}, rng)}),
                Arguments.of("BatchNorm, 2 images of 1×1", BatchNorm.training(),
                        new Tensor[] {images1x1, Tensor.randn(new int[] {3}, rng), Tensor.randn(new int[] {3}, rng)}),
                Arguments.of("BatchNorm, one image of 2×3", BatchNorm.training(),
                        new Tensor[] {oneImage, Tensor.randn(new int[] {2}, rng), Tensor.randn(new int[] {2}, rng)}),
                Arguments.of("BatchNorm(eval), batch 1", BatchNorm.evaluation(),
                        new Tensor[] {Tensor.randn(new int[] {3, 1}, rng), Tensor.randn(new int[] {3, 1}, rng),
                            Tensor.randn(new int[] {3, 1}, rng), Tensor.randn(new int[] {3, 1}, rng),
                            Tensor.ones(3, 1)}),
                Arguments.of("BatchNorm, ε = 0.5", new BatchNorm(BatchNorm.Mode.TRAINING, 0.5),
                        new Tensor[] {x2, Tensor.randn(new int[] {3, 1}, rng), Tensor.randn(new int[] {3, 1}, rng)}),
                Arguments.of("LayerNorm, batch 1", new LayerNorm(),
                        new Tensor[] {Tensor.randn(new int[] {1, 5}, rng), Tensor.randn(new int[] {5}, rng),
                            Tensor.randn(new int[] {5}, rng)}),
                Arguments.of("LayerNorm, one vector (rank 1)", new LayerNorm(),
                        new Tensor[] {Tensor.randn(new int[] {4}, rng), Tensor.randn(new int[] {4}, rng),
                            Tensor.randn(new int[] {4}, rng)}),
                Arguments.of("attention, batch 1, Lq 3 ≠ Lk 5", new ScaledDotProductAttention(),
                        new Tensor[] {Tensor.randn(new int[] {1, 3, 4}, rng), Tensor.randn(new int[] {1, 5, 4}, rng),
                            Tensor.randn(new int[] {1, 5, 2}, rng)}),
                Arguments.of("attention, d = 1", new ScaledDotProductAttention(),
                        new Tensor[] {Tensor.randn(new int[] {2, 3, 1}, rng), Tensor.randn(new int[] {2, 2, 1}, rng),
                            Tensor.randn(new int[] {2, 2, 3}, rng)}),
                Arguments.of("attention, one query and one key", new ScaledDotProductAttention(),
                        new Tensor[] {Tensor.randn(new int[] {1, 2}, rng), Tensor.randn(new int[] {1, 2}, rng),
                            Tensor.randn(new int[] {1, 3}, rng)}),
                Arguments.of("attention, causal, Lq 4 > Lk 2", ScaledDotProductAttention.causal(),
                        new Tensor[] {Tensor.randn(new int[] {4, 3}, rng), Tensor.randn(new int[] {2, 3}, rng),
                            Tensor.randn(new int[] {2, 2}, rng)}),
                Arguments.of("attention, heads: 2×3 batch, large scores", new ScaledDotProductAttention(),
                        new Tensor[] {Tensor.randn(new int[] {2, 3, 2, 4}, rng).scale(4),
                            Tensor.randn(new int[] {2, 3, 3, 4}, rng).scale(4), Tensor.randn(new int[] {2, 3, 3, 2}, rng)}),
                Arguments.of("embedding, every index the same", new Embedding(),
                        new Tensor[] {Tensor.of(new double[][] {{2, 2, 2}, {2, 2, 2}}), Tensor.randn(new int[] {4, 3}, rng)}),
                Arguments.of("sparse cross-entropy, one class", new SparseSoftmaxCrossEntropy(),
                        new Tensor[] {Tensor.randn(new int[] {1, 3}, rng), Tensor.zeros(1, 3)}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("edgeShapes")
    void edgeShapesPass(String name, Op op, Tensor[] inputs) {
        assertGradientsCorrect(CHECKER, op, inputs);
    }

    /**
     * Batch norm over a batch of one (one value per feature): the output is beta, and the
     * gradients of X and gamma are exactly zero — by the formulas, and by the checker.
     */
    @Test
    void batchNormOverOneSampleOutputsBetaWithZeroGradients() {
        Well19937c rng = new Well19937c(3);
        Tensor x = Tensor.randn(new int[] {3, 1}, rng);
        Tensor gamma = Tensor.randn(new int[] {3, 1}, rng);
        Tensor beta = Tensor.randn(new int[] {3, 1}, rng);
        BatchNorm bn = BatchNorm.training();
        Tensor y = bn.forward(x, gamma, beta);
        assertThat(y).isEqualTo(beta);
        Tensor upstream = Tensor.randn(new int[] {3, 1}, rng);
        Tensor[] g = bn.backward(new Tensor[] {x, gamma, beta}, y, upstream);
        assertThat(g[0].maxAbs()).as("dX").isZero();
        assertThat(g[1].maxAbs()).as("dgamma").isZero();
        assertThat(g[2]).as("dbeta = G").isEqualTo(upstream);
        assertGradientsCorrect(CHECKER, bn, x, gamma, beta);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.autodifflite.layers.NormOpCases#cases")
    void aBackwardScaledByOnePercentIsCaught(OpCatalog.Case c) {
        Op buggy = new ScaledBackward(c.op(), ScaledBackward.ALL, 1.01);
        int tried = 0;
        for (long seed = 1; seed <= 100; seed++) {
            Tensor[] in = c.inputs(new Well19937c(seed));
            if (!hasNonZeroGradient(c.op(), in)) {
                continue;   // 1.01 × 0 = 0: nothing to catch (one class, one value per slice)
            }
            tried++;
            CheckReport r = CHECKER.withSeed(seed).checkOp(buggy, in);
            assertThat(r.passed()).as("%s ×1.01 not caught, seed %d:%n%s", c, seed, r.render()).isFalse();
            for (InputResult f : r.failures()) {
                assertThat(f.verdict()).isEqualTo(Verdict.FAIL);
                assertThat(c.op().differentiable(f.inputIndex())).isTrue();
            }
        }
        assertThat(tried).as("seeds with a non-zero gradient").isGreaterThanOrEqualTo(80);
    }

    private static boolean hasNonZeroGradient(Op op, Tensor[] in) {
        Tensor out = op.forward(in);
        Tensor[] g = op.backward(in, out, Tensor.randn(out.dims(), 1L));
        for (int i = 0; i < g.length; i++) {
            if (op.differentiable(i) && g[i].maxAbs() > 0) {
                return true;
            }
        }
        return false;
    }
}
