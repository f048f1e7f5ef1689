package org.autodifflite.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;
import org.autodifflite.check.CheckReport;
import org.autodifflite.check.GradientChecker;
import org.autodifflite.check.InputResult;
import org.autodifflite.check.Verdict;
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
 * Planted bugs in the new ops are caught, on the right inputs only, with the diagnosis naming the
 * input and the op: each bug is a wrong backward written out by hand ({@link PlantedBug}, a
 * {@link org.autodifflite.core.ForwardingOp}) — the mistakes one makes writing these passes.
 */
class NormOpMutantTest {

    private static final int SEEDS = 20;
    private static final int FAST_SEEDS = 5;
    private static final int REDRAWS = 50;
    private static final double EQUIVALENT = 1e-4;
    private static final GradientChecker CHECKER = GradientChecker.defaults().withThreads(1);

    /**
     * One planted bug.
     *
     * @param bug what it is
     * @param op the buggy op
     * @param wrong the inputs whose gradient it breaks (every other must pass)
     * @param text what the diagnosis of each wrong input must contain besides the place to fix
     * @param draw draws inputs at which the bug can show
     */
    record Mutant(String bug, PlantedBug op, int[] wrong, String text, Function<RandomGenerator, Tensor[]> draw) {
        @Override
        public String toString() {
            return op.name() + ": " + bug;
        }
    }

    static List<Mutant> all() {
        List<Mutant> out = new ArrayList<>();
        BatchNorm bn = BatchNorm.training();
        out.add(new Mutant("dX without the mean and variance terms (features × batch)",
                new PlantedBug(bn, (x, y, g) -> batchNormNoStatTerms(x, g, new int[] {1}, bn.epsilon(), true, true)),
                new int[] {0}, "worst: (", NormOpCases::batchNorm2d));
        out.add(new Mutant("dX without the mean and variance terms (N×C×H×W)",
                new PlantedBug(bn, (x, y, g) -> batchNormNoStatTerms(x, g, new int[] {0, 2, 3}, bn.epsilon(), true, true)),
                new int[] {0}, "worst: (", NormOpCases::batchNorm4d));
        out.add(new Mutant("dX without the variance term",
                new PlantedBug(bn, (x, y, g) -> batchNormNoStatTerms(x, g, new int[] {1}, bn.epsilon(), false, true)),
                new int[] {0}, "worst: (", NormOpCases::batchNorm2d));
        out.add(new Mutant("dX without the mean term",
                new PlantedBug(bn, (x, y, g) -> batchNormNoStatTerms(x, g, new int[] {0, 2, 3}, bn.epsilon(), true, false)),
                new int[] {0}, "worst: (", NormOpCases::batchNorm4d));

        LayerNorm ln = new LayerNorm();
        out.add(new Mutant("dX without the mean and variance terms",
                new PlantedBug(ln, NormOpMutantTest::layerNormNoStatTerms), new int[] {0}, "worst: (",
                rng -> NormOpCases.layerNorm(rng, 1)));

        ScaledDotProductAttention attention = new ScaledDotProductAttention();
        // d = 4: the forgotten 1/√d makes dQ and dK exactly twice too large.
        out.add(new Mutant("1/√d forgotten in backward (d = 4)",
                new PlantedBug(attention, NormOpMutantTest::attentionWithoutScaleInBackward), new int[] {0, 1},
                "analytic = 2.00 × numeric", rng -> attentionWithD(rng, 4)));
        out.add(new Mutant("1/√d forgotten in backward (d = 9)",
                new PlantedBug(attention, NormOpMutantTest::attentionWithoutScaleInBackward), new int[] {0, 1},
                "analytic = 3.00 × numeric", rng -> attentionWithD(rng, 9)));

        Embedding emb = new Embedding();
        out.add(new Mutant("a repeated index's gradient assigned, not added",
                new PlantedBug(emb, NormOpMutantTest::embeddingAssigned), new int[] {1}, "worst: (",
                NormOpMutantTest::embeddingWithRepeats));

        SparseSoftmaxCrossEntropy ce = new SparseSoftmaxCrossEntropy();
        out.add(new Mutant("1/m dropped", new PlantedBug(ce, (x, y, g) -> {
            Tensor[] right = ce.backward(x, y, g);
            return new Tensor[] {right[0].scale(x[0].dim(1)), right[1]};
        }), new int[] {0}, "analytic = 3.00 × numeric", rng -> sparseWithSamples(rng, 3)));
        return out;
    }

    /** The wrong batch-norm backward: {@code dX = γ·G/s}, with the mean's and/or variance's term dropped. */
    static Tensor[] batchNormNoStatTerms(Tensor[] in, Tensor g, int[] axes, double eps, boolean dropMean,
            boolean dropVariance) {
        Tensor x = in[0];
        Tensor gamma = in[1];
        int[] bshape = x.rank() == 2 ? new int[] {x.dim(0), 1} : new int[] {1, x.dim(1), 1, 1};
        Tensor gm = gamma.reshape(bshape);
        Tensor mean = x.mean(axes, true);
        Tensor centered = x.subtract(mean);
        Tensor invStd = centered.multiply(centered).mean(axes, true).add(Tensor.scalar(eps)).map(v -> 1 / Math.sqrt(v));
        Tensor xHat = centered.multiply(invStd);
        Tensor dx = g;
        if (!dropMean) {
            dx = dx.subtract(g.mean(axes, true));
        }
        if (!dropVariance) {
            dx = dx.subtract(xHat.multiply(g.multiply(xHat).mean(axes, true)));
        }
        dx = dx.multiply(gm).multiply(invStd);
        int[] p = gamma.dims();
        return new Tensor[] {dx, g.multiply(xHat).sum(axes, true).reshape(p), g.sum(axes, true).reshape(p)};
    }

    private static Tensor[] layerNormNoStatTerms(Tensor[] in, Tensor y, Tensor g) {
        Tensor x = in[0];
        int[] last = {-1};
        Tensor centered = x.subtract(x.mean(last, true));
        Tensor invStd = centered.multiply(centered).mean(last, true).add(Tensor.scalar(LayerNorm.DEFAULT_EPSILON))
                .map(v -> 1 / Math.sqrt(v));
        Tensor xHat = centered.multiply(invStd);
        int[] lead = new int[x.rank() - 1];
        Arrays.setAll(lead, i -> i);
        // Sum over the leading axes; a single vector has none (and no axes would mean all).
        Tensor dgamma = lead.length == 0 ? g.multiply(xHat) : g.multiply(xHat).sum(lead, false);
        Tensor dbeta = lead.length == 0 ? g.copy() : g.sum(lead, false);
        return new Tensor[] {g.multiply(in[1]).multiply(invStd), dgamma, dbeta};
    }

    /** The attention backward written out with the 1/√d of {@code S = Q·Kᵀ/√d} left out of dQ and dK. */
    static Tensor[] attentionWithoutScaleInBackward(Tensor[] in, Tensor y, Tensor g) {
        Tensor q = in[0];
        Tensor k = in[1];
        Tensor v = in[2];
        int[] last = {-1};
        Tensor s = q.matmulTransposeRight(k).scale(1 / Math.sqrt(q.dim(-1)));
        Tensor e = s.subtract(s.max(last, true)).map(Math::exp);
        Tensor p = e.divide(e.sum(last, true));
        Tensor dv = p.matmulTransposeLeft(g);
        Tensor dp = g.matmulTransposeRight(v);
        Tensor ds = p.multiply(dp.subtract(dp.multiply(p).sum(last, true)));
        return new Tensor[] {ds.matmul(k), ds.matmulTransposeLeft(q), dv};
    }

    /** The embedding backward with {@code =} where {@code +=} belongs: the last occurrence of an index wins. */
    static Tensor[] embeddingAssigned(Tensor[] in, Tensor y, Tensor g) {
        double[] idx = in[0].data();
        int d = in[1].dim(1);
        double[] dt = new double[in[1].size()];
        for (int i = 0; i < idx.length; i++) {
            System.arraycopy(g.data(), i * d, dt, (int) idx[i] * d, d);
        }
        return new Tensor[] {Tensor.zerosLike(in[0]), Tensor.wrap(in[1].dims(), dt)};
    }

    static Tensor[] attentionWithD(RandomGenerator rng, int d) {
        int b = 1 + rng.nextInt(2);
        int lq = 1 + rng.nextInt(4);
        int lk = 2 + rng.nextInt(3);
        return new Tensor[] {Tensor.randn(new int[] {b, lq, d}, rng), Tensor.randn(new int[] {b, lk, d}, rng),
            Tensor.randn(new int[] {b, lk, 1 + rng.nextInt(3)}, rng)};
    }

    /** 4–8 indices into a table of 2–3 rows: some index repeats. */
    static Tensor[] embeddingWithRepeats(RandomGenerator rng) {
        int v = 2 + rng.nextInt(2);
        int n = 4 + rng.nextInt(5);
        double[] idx = new double[n];
        for (int i = 0; i < n; i++) {
            idx[i] = rng.nextInt(v);
        }
        return new Tensor[] {Tensor.wrap(new int[] {n}, idx), Tensor.randn(new int[] {v, 1 + rng.nextInt(3)}, rng)};
    }

    static Tensor[] sparseWithSamples(RandomGenerator rng, int m) {
        int k = 2 + rng.nextInt(3);
        double[] labels = new double[m];
        for (int j = 0; j < m; j++) {
            labels[j] = rng.nextInt(k);
        }
        return new Tensor[] {Tensor.randn(new int[] {k, m}, rng), Tensor.wrap(new int[] {1, m}, labels)};
    }

    static Stream<Arguments> mutantsAndSeeds() {
        SplittableRandom seeds = new SplittableRandom(20261201L);
        List<Arguments> out = new ArrayList<>();
        for (Mutant m : all()) {
            for (int k = 0; k < SEEDS; k++) {
                out.add(Arguments.of(m, seeds.nextLong()));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}, seed {1}")
    @MethodSource("mutantsAndSeeds")
    void plantedBugIsCaughtOnTheWrongInputsWithItsDiagnosis(Mutant m, long seed) {
        Tensor[] x = pointWhereItShows(m, seed);
        CheckReport r = CHECKER.withSeed(seed).checkOp(m.op(), x);
        String report = r.render();
        assertThat(r.failures().stream().mapToInt(InputResult::inputIndex).toArray())
                .as("exactly the wrong inputs fail:%n%s", report).isEqualTo(m.wrong());
        for (InputResult f : r.failures()) {
            assertThat(f.verdict()).as(report).isEqualTo(Verdict.FAIL);
            assertThat(f.diagnosis()).as(report).contains(m.text())
                    .contains(m.op().inputName(f.inputIndex()) + " in " + m.op().name() + "'s backward");
        }
    }

    static Stream<Arguments> mutantsAndFewSeeds() {
        SplittableRandom seeds = new SplittableRandom(77L);
        List<Arguments> out = new ArrayList<>();
        for (Mutant m : all()) {
            for (int k = 0; k < FAST_SEEDS; k++) {
                out.add(Arguments.of(m, seeds.nextLong()));
            }
        }
        return out.stream();
    }

    /** Fast mode (random directions, then sampled entries) catches them too, on the same inputs. */
    @ParameterizedTest(name = "fast: {0}, seed {1}")
    @MethodSource("mutantsAndFewSeeds")
    void plantedBugIsCaughtInFastMode(Mutant m, long seed) {
        Tensor[] x = pointWhereItShows(m, seed);
        CheckReport r = CHECKER.fast(2).withSeed(seed).checkOp(m.op(), x);
        String report = r.render();
        assertThat(r.failures().stream().mapToInt(InputResult::inputIndex).toArray())
                .as("exactly the wrong inputs fail:%n%s", report).isEqualTo(m.wrong());
        for (InputResult f : r.failures()) {
            assertThat(f.verdict()).as(report).isEqualTo(Verdict.FAIL);
            assertThat(f.diagnosis()).as(report).contains(m.op().inputName(f.inputIndex()));
        }
    }

    /**
     * The assigned-not-added embedding bug is invisible without a repeated index, and caught with
     * one: it is the repetition the bug gets wrong, and the check says so on the table.
     */
    @Test
    void embeddingBugShowsExactlyWhenAnIndexRepeats() {
        PlantedBug bug = new PlantedBug(new Embedding(), NormOpMutantTest::embeddingAssigned);
        Tensor table = Tensor.randn(new int[] {5, 3}, 4L);
        Tensor distinct = Tensor.of(new double[][] {{0, 3}, {4, 1}});
        assertThat(CHECKER.withSeed(1).checkOp(bug, distinct, table).passed()).isTrue();
        Tensor repeated = Tensor.of(new double[][] {{0, 3}, {4, 3}});
        CheckReport r = CHECKER.withSeed(1).checkOp(bug, repeated, table);
        assertThat(r.failures()).hasSize(1);
        assertThat(r.failures().get(0).inputName()).isEqualTo("table");
        assertThat(r.failures().get(0).verdict()).isEqualTo(Verdict.FAIL);
        // Row 3 of the table is the repeated one: the worst entries are in it.
        assertThat(r.failures().get(0).diagnosis()).contains("(3, ");
    }

    /** The attention bug with d = 1 is no bug (√1 = 1): the checker must pass it, not invent a failure. */
    @Test
    void attentionScaleBugWithDOneIsEquivalentAndPasses() {
        PlantedBug bug = new PlantedBug(new ScaledDotProductAttention(), NormOpMutantTest::attentionWithoutScaleInBackward);
        Tensor[] in = attentionWithD(new Well19937c(5), 1);
        assertThat(CHECKER.withSeed(5).checkOp(bug, in).passed()).isTrue();
    }

    private static Tensor[] pointWhereItShows(Mutant m, long seed) {
        Well19937c rng = new Well19937c(seed);
        for (int k = 0; k < REDRAWS; k++) {
            Tensor[] candidate = m.draw().apply(rng);
            if (showsAt(m, candidate, seed)) {
                return candidate;
            }
        }
        return fail("%s is equivalent to the correct backward on %d random draws: not a bug", m, REDRAWS);
    }

    /** Whether the bug changes every gradient it should break, at this point. */
    private static boolean showsAt(Mutant m, Tensor[] x, long seed) {
        Tensor y = m.op().forward(x);
        Tensor u = Tensor.randn(y.dims(), seed);
        Tensor[] right = m.op().inner().backward(x, y, u);
        Tensor[] wrong = m.op().backward(x, y, u);
        for (int i : m.wrong()) {
            double scale = Math.max(right[i].maxAbs(), wrong[i].maxAbs());
            if (!(wrong[i].subtract(right[i]).maxAbs() > EQUIVALENT * scale)) {
                return false;
            }
        }
        return true;
    }
}
