package org.autodifflite.layers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;
import org.autodifflite.check.CheckReport;
import org.autodifflite.check.Composition;
import org.autodifflite.check.GradientChecker;
import org.autodifflite.check.InputResult;
import org.autodifflite.check.Verdict;
import org.autodifflite.core.ForwardingOp;
import org.autodifflite.core.Graph;
import org.autodifflite.core.Node;
import org.autodifflite.core.Op;
import org.autodifflite.core.Tensor;
import org.autodifflite.layers.ops.BatchNorm;
import org.autodifflite.layers.ops.BinaryCrossEntropy;
import org.autodifflite.layers.ops.Embedding;
import org.autodifflite.layers.ops.LayerNorm;
import org.autodifflite.layers.ops.Linear;
import org.autodifflite.layers.ops.ScaledDotProductAttention;
import org.autodifflite.layers.ops.SigmoidBinaryCrossEntropy;
import org.autodifflite.layers.ops.SoftmaxCrossEntropy;
import org.autodifflite.layers.ops.SparseSoftmaxCrossEntropy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every fused op with a hand-written backward against the same function composed from primitives
 * with the expression API ({@code GradientChecker.checkAgainst}: forward and backward compared
 * within a floating-point bound, no step size): layer norm, batch norm in training and in
 * evaluation mode, attention (plain, causal, masked), the softmax cross-entropy with one-hot and
 * with index labels, the embedding, and the older fused ops {@link Linear},
 * {@link SigmoidBinaryCrossEntropy} and {@link BinaryCrossEntropy}. And the comparison can fail:
 * each op with one planted bug is caught against its reference, on the right input.
 */
class ReferenceCompositionTest {

    private static final GradientChecker CHECKER = GradientChecker.defaults().withThreads(1);

    /** Seeded random points per op. */
    private static final int POINTS = 200;

    /**
     * A fused op, its composition from primitives, and inputs.
     *
     * @param name display name
     * @param op the fused op
     * @param reference the same function built with the expression API
     * @param draw draws a valid input set
     */
    record Ref(String name, Op op, Composition reference, Function<RandomGenerator, Tensor[]> draw) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Ref> all() {
        List<Ref> out = new ArrayList<>();
        out.add(new Ref("LayerNorm last axis", new LayerNorm(), (g, in) -> layerNorm(in, 1, LayerNorm.DEFAULT_EPSILON),
                where(rng -> NormOpCases.layerNorm(rng, 1), in -> in[1].size() >= 4)));
        out.add(new Ref("LayerNorm last 2 axes, ε = 0.01", new LayerNorm(2, 0.01), (g, in) -> layerNorm(in, 2, 0.01),
                where(rng -> NormOpCases.layerNorm(rng, 2), in -> in[1].size() >= 4)));
        out.add(new Ref("BatchNorm features×batch", BatchNorm.training(), ReferenceCompositionTest::batchNormTraining,
                where(NormOpCases::batchNorm2d, in -> in[0].size() / in[1].size() >= 4)));
        out.add(new Ref("BatchNorm N×C×H×W", BatchNorm.training(), ReferenceCompositionTest::batchNormTraining,
                where(NormOpCases::batchNorm4d, in -> in[0].size() / in[1].size() >= 4)));
        out.add(new Ref("BatchNorm(eval) features×batch", BatchNorm.evaluation(),
                ReferenceCompositionTest::batchNormEvaluation, where(NormOpCases::batchNormEval2d, in -> in[1].size() >= 2)));
        out.add(new Ref("BatchNorm(eval) N×C×H×W", BatchNorm.evaluation(),
                ReferenceCompositionTest::batchNormEvaluation, where(NormOpCases::batchNormEval4d, in -> in[1].size() >= 2)));
        out.add(new Ref("ScaledDotProductAttention", new ScaledDotProductAttention(),
                (g, in) -> attention(g, in, null), rng -> NormOpCases.attention(rng, false)));
        out.add(new Ref("ScaledDotProductAttention causal", ScaledDotProductAttention.causal(),
                (g, in) -> attention(g, in, causalMask(in[0].value().dim(-2), in[1].value().dim(-2))),
                rng -> NormOpCases.attention(rng, false)));
        out.add(new Ref("ScaledDotProductAttention masked", ScaledDotProductAttention.masked(),
                (g, in) -> attention(g, in, in[3].value()), rng -> NormOpCases.attention(rng, true)));
        out.add(new Ref("SoftmaxCrossEntropy", new SoftmaxCrossEntropy(), (g, in) -> {
            int m = in[0].value().dim(1);
            return in[0].logSoftmax(0).mul(in[1]).sum().mul(-1.0 / m).reshape(1, 1);   // the losses give 1×1
        }, where(OpCatalog.all().stream().filter(c -> c.name().equals("SoftmaxCrossEntropy")).findFirst().orElseThrow()
                .draw(), in -> in[0].dim(1) >= 3)));
        out.add(new Ref("SparseSoftmaxCrossEntropy", new SparseSoftmaxCrossEntropy(), (g, in) -> {
            int m = in[0].value().dim(1);
            // The log-probability of each sample's class, picked with gather along the classes.
            return in[0].logSoftmax(0).gather(0, in[1].reshape(1, m)).sum().mul(-1.0 / m).reshape(1, 1);
        }, where(NormOpCases::sparseCrossEntropy, in -> in[0].dim(1) >= 3)));
        out.add(new Ref("Embedding", new Embedding(), (g, in) -> {
            int[] idx = in[0].value().dims();
            int[] outDims = Arrays.copyOf(idx, idx.length + 1);
            outDims[idx.length] = in[1].value().dim(1);
            return in[1].indexSelect(0, in[0].reshape(in[0].value().size())).reshape(outDims);
        }, NormOpCases::embedding));
        out.add(new Ref("Linear", new Linear(), (g, in) -> in[1].matmul(in[0]).add(in[2]), rng -> {
            int i = 1 + rng.nextInt(5);
            int o = 1 + rng.nextInt(5);
            int m = 1 + rng.nextInt(5);
            return new Tensor[] {Tensor.randn(new int[] {i, m}, rng), Tensor.randn(new int[] {o, i}, rng),
                Tensor.randn(new int[] {o, 1}, rng)};
        }));
        out.add(new Ref("SigmoidBinaryCrossEntropy", new SigmoidBinaryCrossEntropy(), (g, in) -> {
            // The stable form the fused op evaluates: max(z, 0) − z·y + log(1 + e^−|z|).
            Node z = in[0];
            int m = z.value().dim(1);
            return z.relu().sub(z.mul(in[1])).add(z.abs().neg().exp().add(1).log()).sum().div(m).reshape(1, 1);
        }, rng -> {
            int r = 1 + rng.nextInt(4);
            int c = 2 + rng.nextInt(4);
            return new Tensor[] {Tensor.randn(new int[] {r, c}, rng).scale(3), RandomInputs.labels(r, c, rng)};
        }));
        out.add(new Ref("BinaryCrossEntropy", new BinaryCrossEntropy(), (g, in) -> {
            Node a = in[0];
            Node y = in[1];
            int m = a.value().dim(1);
            return y.mul(a.log()).add(y.neg().add(1).mul(a.neg().add(1).log())).sum().mul(-1.0 / m).reshape(1, 1);
        }, rng -> {
            int r = 1 + rng.nextInt(4);
            int c = 1 + rng.nextInt(5);
            return new Tensor[] {Tensor.uniform(new int[] {r, c}, 0.02, 0.98, rng), RandomInputs.labels(r, c, rng)};
        }));
        return out;
    }

    /**
     * Redraws until a point is well-conditioned for a comparison without a step. The checker's
     * bound is relative to the size of the results ({@code checkAgainst} assumes the function is
     * computed stably at the point), so points where a result is the small difference of large
     * terms — in either implementation, correct or not — are left to the central-difference
     * checks of {@link NormOpGradientTest}: a normalization over 2 values (its output is ±γ + β
     * whatever X, so ∂L/∂X is an ε/(σ² + ε) remnant of cancelling terms) or 3 (∂L/∂X is G
     * projected onto one direction, often nearly orthogonal to it), a single sum as the whole of
     * a gradient (one channel's Σ G·x̂), a loss of one or two confident samples. The thresholds
     * used (≥ 4 values per statistic, ≥ 2 channels, ≥ 3 samples) gave no failure in 3,000 seeded
     * points per op; below them about 1 point in 1,000 misses the bound by a factor of 2 or less.
     */
    static Function<RandomGenerator, Tensor[]> where(Function<RandomGenerator, Tensor[]> draw,
            Predicate<Tensor[]> wellConditioned) {
        return rng -> {
            for (int k = 0; k < 1000; k++) {
                Tensor[] in = draw.apply(rng);
                if (wellConditioned.test(in)) {
                    return in;
                }
            }
            throw new IllegalStateException("no well-conditioned point in 1000 draws");
        };
    }

    /** {@code γ ⊙ (x − μ)/√(σ² + ε) + β} over the last {@code k} axes, σ² biased. */
    private static Node layerNorm(Node[] in, int k, double eps) {
        int[] axes = new int[k];
        for (int a = 0; a < k; a++) {
            axes[a] = -1 - a;
        }
        Node centered = in[0].sub(in[0].meanKeepDims(axes));
        Node var = centered.pow(2).meanKeepDims(axes);
        return centered.div(var.add(eps).sqrt()).mul(in[1]).add(in[2]);
    }

    /** Batch norm with the batch's statistics: over axis 1 of features × batch, axes 0, 2, 3 of images. */
    private static Node batchNormTraining(Graph g, Node... in) {
        Node x = in[0];
        int[] axes = statisticsAxes(x);
        Node centered = x.sub(x.meanKeepDims(axes));
        Node var = centered.pow(2).meanKeepDims(axes);
        return centered.div(var.add(BatchNorm.DEFAULT_EPSILON).sqrt()).mul(perChannel(x, in[1]))
                .add(perChannel(x, in[2]));
    }

    /** Batch norm with the running statistics (inputs 3 and 4, data). */
    private static Node batchNormEvaluation(Graph g, Node... in) {
        Node x = in[0];
        Node centered = x.sub(perChannel(x, in[3]));
        return centered.div(perChannel(x, in[4]).add(BatchNorm.DEFAULT_EPSILON).sqrt()).mul(perChannel(x, in[1]))
                .add(perChannel(x, in[2]));
    }

    private static int[] statisticsAxes(Node x) {
        return x.value().rank() == 2 ? new int[] {1} : new int[] {0, 2, 3};
    }

    /** A per-channel tensor shaped to broadcast against {@code x}: F×1 as it is, (C) as 1×C×1×1. */
    private static Node perChannel(Node x, Node p) {
        return x.value().rank() == 2 ? p : p.reshape(1, x.value().dim(1), 1, 1);
    }

    /** {@code softmax(Q·Kᵀ/√d)·V}, dropped scores set to −∞ by a constant added to them. */
    private static Node attention(Graph g, Node[] in, Tensor keep) {
        Node q = in[0];
        Node k = in[1];
        Node s = q.matmul(k.transpose(-2, -1)).mul(1 / Math.sqrt(q.value().dim(-1)));
        if (keep != null) {
            s = s.add(g.constant(keep.map(v -> v == 1 ? 0.0 : Double.NEGATIVE_INFINITY)));
        }
        return s.softmax(-1).matmul(in[2]);
    }

    private static Tensor causalMask(int lq, int lk) {
        Tensor m = Tensor.zeros(lq, lk);
        for (int i = 0; i < lq; i++) {
            for (int j = 0; j <= Math.min(i, lk - 1); j++) {
                m.setAt(1, i, j);
            }
        }
        return m;
    }

    static Stream<Arguments> references() {
        return all().stream().map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("references")
    void fusedOpMatchesItsComposition(Ref r) {
        for (long seed = 1; seed <= POINTS; seed++) {
            Tensor[] in = r.draw().apply(new Well19937c(seed));
            CheckReport report = CHECKER.withSeed(seed).checkAgainst(r.op(), r.reference(), in);
            assertThat(report.passed()).as("%s, seed %d:%n%s", r, seed, report.render()).isTrue();
        }
    }

    /**
     * The comparison can fail: a backward off by 1 % on every input, and a forward off by 1e-6
     * relative, are caught against the composition.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("references")
    void aFusedOpOffByOnePercentOrAForwardOffByAMillionthFails(Ref r) {
        int caught = 0;
        for (long seed = 1; seed <= 20; seed++) {
            Tensor[] in = r.draw().apply(new Well19937c(seed));
            Op scaled = new ScaledBackward(r.op(), ScaledBackward.ALL, 1.01);
            CheckReport report = CHECKER.withSeed(seed).checkAgainst(scaled, r.reference(), in);
            Tensor[] right = r.op().backward(in, r.op().forward(in), Tensor.randn(r.op().forward(in).dims(), seed));
            boolean anyNonZero = false;
            for (int i = 0; i < right.length; i++) {
                anyNonZero |= r.op().differentiable(i) && right[i].maxAbs() > 0;
            }
            if (!anyNonZero) {
                continue;
            }
            caught++;
            assertThat(report.passed()).as("%s ×1.01, seed %d:%n%s", r, seed, report.render()).isFalse();
            for (InputResult f : report.failures()) {
                assertThat(f.verdict()).as(report.render()).isEqualTo(Verdict.FAIL);
            }
            Op offForward = new ForwardingOp(r.op()) {
                @Override
                public Tensor forward(Tensor... inputs) {
                    return super.forward(inputs).map(v -> v * (1 + 1e-6) + 1e-9);
                }

                @Override
                public void forwardInto(Tensor out, Tensor... inputs) {
                    out.copyFrom(forward(inputs));
                }

                @Override
                public boolean forwardEntriesInto(Tensor out, int input, int from, int to, Tensor... inputs) {
                    return false;
                }
            };
            CheckReport fwd = CHECKER.withSeed(seed).checkAgainst(offForward, r.reference(), in);
            assertThat(fwd.failures()).as("%s forward ×(1 + 1e-6), seed %d:%n%s", r, seed, fwd.render())
                    .anySatisfy(f -> assertThat(f.verdict()).isEqualTo(Verdict.FORWARD_DIFFERS));
        }
        assertThat(caught).as("points with a non-zero gradient").isGreaterThanOrEqualTo(15);
    }

    /**
     * The three planted bugs the issue names are caught against the composition too, on the
     * right inputs: batch norm's dX without the mean and variance terms (X only), attention's
     * 1/√d forgotten in backward (Q and K, twice too large at d = 4), an embedding gradient
     * assigned instead of added for a repeated index (the table).
     */
    @Test
    void thePlantedBugsAreCaughtAgainstTheCompositionOnTheRightInputs() {
        Ref bn = find("BatchNorm features×batch");
        Ref attention = find("ScaledDotProductAttention");
        Ref embedding = find("Embedding");
        for (long seed = 1; seed <= 20; seed++) {
            BatchNorm op = BatchNorm.training();
            Op noTerms = new PlantedBug(op, (x, y, g) ->
                    NormOpMutantTest.batchNormNoStatTerms(x, g, new int[] {1}, op.epsilon(), true, true));
            assertFailsExactly(noTerms, bn, bn.draw().apply(new Well19937c(seed)), seed, "", 0);

            Op noScale = new PlantedBug(attention.op(), NormOpMutantTest::attentionWithoutScaleInBackward);
            assertFailsExactly(noScale, attention, NormOpMutantTest.attentionWithD(new Well19937c(seed), 4), seed,
                    "2.00", 0, 1);

            Op assigned = new PlantedBug(embedding.op(), NormOpMutantTest::embeddingAssigned);
            assertFailsExactly(assigned, embedding, NormOpMutantTest.embeddingWithRepeats(new Well19937c(seed)), seed,
                    "", 1);
        }
    }

    private static void assertFailsExactly(Op buggy, Ref r, Tensor[] in, long seed, String text, int... wrong) {
        CheckReport report = CHECKER.withSeed(seed).checkAgainst(buggy, r.reference(), in);
        String rendered = report.render();
        assertThat(report.failures().stream().mapToInt(InputResult::inputIndex).toArray())
                .as("%s, seed %d: exactly the wrong inputs fail%n%s", buggy.name(), seed, rendered).isEqualTo(wrong);
        for (InputResult f : report.failures()) {
            assertThat(f.verdict()).as(rendered).isEqualTo(Verdict.FAIL);
            assertThat(f.diagnosis()).as(rendered).contains(text).contains(f.inputName());
        }
    }

    private static Ref find(String name) {
        return all().stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow();
    }
}
