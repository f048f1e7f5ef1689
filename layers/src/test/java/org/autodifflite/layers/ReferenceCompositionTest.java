package org.autodifflite.layers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
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
import org.autodifflite.layers.ops.Conv2d;
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
 * within a floating-point bound that measures the rounding noise of the point, no step size):
 * layer norm, batch norm in training and in evaluation mode, attention (plain, causal, masked),
 * the softmax cross-entropy with one-hot and with index labels, the embedding, {@link Conv2d}
 * (against pad, indexSelect, batched matmuls and sums, on every edge geometry and random ones),
 * and the older fused ops {@link Linear}, {@link SigmoidBinaryCrossEntropy} and
 * {@link BinaryCrossEntropy}. On every shape, degenerate ones included: normalizations over two
 * values, one confident sample of a softmax cross-entropy with logits ×3 and ×10. And the
 * comparison can fail: a backward off by 1 %, a difference of a millionth in a single entry of the
 * forward or of a gradient (wherever both sides resolve that entry to 1e-8 of itself), and the
 * planted bugs of each op, each caught on the right input.
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
                rng -> NormOpCases.layerNorm(rng, 1)));
        out.add(new Ref("LayerNorm last 2 axes, ε = 0.01", new LayerNorm(2, 0.01), (g, in) -> layerNorm(in, 2, 0.01),
                rng -> NormOpCases.layerNorm(rng, 2)));
        out.add(new Ref("LayerNorm over 2 values", new LayerNorm(), (g, in) -> layerNorm(in, 1, LayerNorm.DEFAULT_EPSILON),
                NormOpCases::layerNormOverTwo));
        out.add(new Ref("BatchNorm features×batch", BatchNorm.training(), ReferenceCompositionTest::batchNormTraining,
                NormOpCases::batchNorm2d));
        out.add(new Ref("BatchNorm N×C×H×W", BatchNorm.training(), ReferenceCompositionTest::batchNormTraining,
                NormOpCases::batchNorm4d));
        out.add(new Ref("BatchNorm over 2 values", BatchNorm.training(), ReferenceCompositionTest::batchNormTraining,
                rng -> NormOpCases.batchNormOverTwo(rng, false)));
        out.add(new Ref("BatchNorm(eval) features×batch", BatchNorm.evaluation(),
                ReferenceCompositionTest::batchNormEvaluation, NormOpCases::batchNormEval2d));
        out.add(new Ref("BatchNorm(eval) N×C×H×W", BatchNorm.evaluation(),
                ReferenceCompositionTest::batchNormEvaluation, NormOpCases::batchNormEval4d));
        out.add(new Ref("BatchNorm(eval) over 2 values", BatchNorm.evaluation(),
                ReferenceCompositionTest::batchNormEvaluation, rng -> NormOpCases.batchNormOverTwo(rng, true)));
        out.add(new Ref("ScaledDotProductAttention", new ScaledDotProductAttention(),
                (g, in) -> attention(g, in, null), rng -> NormOpCases.attention(rng, false)));
        out.add(new Ref("ScaledDotProductAttention causal", ScaledDotProductAttention.causal(),
                (g, in) -> attention(g, in, causalMask(in[0].value().dim(-2), in[1].value().dim(-2))),
                rng -> NormOpCases.attention(rng, false)));
        out.add(new Ref("ScaledDotProductAttention masked", ScaledDotProductAttention.masked(),
                (g, in) -> attention(g, in, in[3].value()), rng -> NormOpCases.attention(rng, true)));
        out.add(new Ref("SoftmaxCrossEntropy", new SoftmaxCrossEntropy(), ReferenceCompositionTest::softmaxCrossEntropy,
                OpCatalog.all().stream().filter(c -> c.name().equals("SoftmaxCrossEntropy")).findFirst().orElseThrow()
                        .draw()));
        for (double scale : new double[] {3, 10}) {
            out.add(new Ref("SoftmaxCrossEntropy one sample, logits ×" + (int) scale, new SoftmaxCrossEntropy(),
                    ReferenceCompositionTest::softmaxCrossEntropy, rng -> oneSample(rng, scale)));
        }
        out.add(new Ref("SparseSoftmaxCrossEntropy", new SparseSoftmaxCrossEntropy(), (g, in) -> {
            int m = in[0].value().dim(1);
            // The log-probability of each sample's class, picked with gather along the classes.
            return in[0].logSoftmax(0).gather(0, in[1].reshape(1, m)).sum().mul(-1.0 / m).reshape(1, 1);
        }, NormOpCases::sparseCrossEntropy));
        out.add(new Ref("Embedding", new Embedding(), (g, in) -> {
            int[] idx = in[0].value().dims();
            int[] outDims = Arrays.copyOf(idx, idx.length + 1);
            outDims[idx.length] = in[1].value().dim(1);
            return in[1].indexSelect(0, in[0].reshape(in[0].value().size())).reshape(outDims);
        }, NormOpCases::embedding));
        // Conv2d: every edge geometry of SpatialCases, then random ones, each with fresh values per point.
        for (SpatialCases.Case c : convGeometries()) {
            out.add(convRef(c));
        }
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

    /** {@code −Σ y·log softmax(z) / m}, the softmax over the classes (axis 0), as the fused op's 1×1. */
    private static Node softmaxCrossEntropy(Graph g, Node... in) {
        int m = in[0].value().dim(1);
        return in[0].logSoftmax(0).mul(in[1]).sum().mul(-1.0 / m).reshape(1, 1);   // the losses give 1×1
    }

    /**
     * One sample of 2–5 classes, one-hot, standard normal logits times {@code scale}: a confident
     * sample's {@code p − y} is a small difference of numbers near 1.
     */
    static Tensor[] oneSample(RandomGenerator rng, double scale) {
        int k = 2 + rng.nextInt(4);
        Tensor y = Tensor.zeros(k, 1);
        y.set(rng.nextInt(k), 0, 1.0);
        return new Tensor[] {Tensor.randn(k, 1, rng).scale(scale), y};
    }

    /** The convolutions compared: the edge cases of {@link SpatialCases}, then 5 random geometries. */
    static List<SpatialCases.Case> convGeometries() {
        Well19937c geometries = new Well19937c(2026L);
        List<SpatialCases.Case> out = new ArrayList<>();
        for (int k = 0; k < SpatialCases.edges(SpatialCases.Kind.CONV) + 5; k++) {
            out.add(SpatialCases.draw(SpatialCases.Kind.CONV, k, geometries));
        }
        return out;
    }

    /**
     * Conv2d against its definition, built without im2col: the input padded, then for each tap
     * {@code (u, v)} of the kernel the pixels it sees at every output position picked with
     * {@code indexSelect} (rows {@code u·dh + i·sh}, columns {@code v·dw + j·sw}), multiplied by
     * that tap's F×C weights with a batched matmul, and the taps summed; the bias added per
     * channel.
     */
    static Ref convRef(SpatialCases.Case template) {
        Conv2d op = (Conv2d) template.op();
        NaiveSpatial.Geometry geo = template.conv();
        Tensor[] shapes = template.inputs();
        boolean bias = shapes.length == 3;
        Composition reference = (g, in) -> {
            int[] xd = in[0].value().dims();
            int[] wd = in[1].value().dims();
            int n = xd[0];
            int c = xd[1];
            int f = wd[0];
            int kh = wd[2];
            int kw = wd[3];
            int ho = geo.outH(xd[2], kh);
            int wo = geo.outW(xd[3], kw);
            Node padded = in[0].pad(new int[] {0, 0, geo.ph(), geo.pw()}, new int[] {0, 0, geo.ph(), geo.pw()}, 0);
            Node sum = null;
            for (int u = 0; u < kh; u++) {
                for (int v = 0; v < kw; v++) {
                    Node rows = g.constant(positions(ho, u * geo.dh(), geo.sh()));
                    Node cols = g.constant(positions(wo, v * geo.dw(), geo.sw()));
                    Node patch = padded.indexSelect(2, rows).indexSelect(3, cols).reshape(n, c, ho * wo);
                    Node tap = in[1].slice(2, u, u + 1).slice(3, v, v + 1).reshape(f, c);
                    Node term = tap.matmul(patch);                      // (F×C)·(N×C×HoWo) → N×F×HoWo
                    sum = sum == null ? term : sum.add(term);
                }
            }
            Node y = sum.reshape(n, f, ho, wo);
            return bias ? y.add(in[2].reshape(1, f, 1, 1)) : y;
        };
        return new Ref("Conv2d " + template.name(), op, reference, rng -> {
            Tensor[] in = new Tensor[shapes.length];
            for (int i = 0; i < in.length; i++) {
                in[i] = Tensor.randn(shapes[i].dims(), rng);
            }
            return in;
        });
    }

    /** @return {@code (start, start + step, …)}, {@code count} indices as a rank-1 tensor */
    private static Tensor positions(int count, int start, int step) {
        double[] at = new double[count];
        for (int i = 0; i < count; i++) {
            at[i] = start + i * step;
        }
        return Tensor.wrap(new int[] {count}, at);
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
    static Node batchNormTraining(Graph g, Node... in) {
        Node x = in[0];
        int[] axes = statisticsAxes(x);
        Node centered = x.sub(x.meanKeepDims(axes));
        Node var = centered.pow(2).meanKeepDims(axes);
        return centered.div(var.add(BatchNorm.DEFAULT_EPSILON).sqrt()).mul(perChannel(x, in[1]))
                .add(perChannel(x, in[2]));
    }

    /** Batch norm with the running statistics (inputs 3 and 4, data). */
    static Node batchNormEvaluation(Graph g, Node... in) {
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
    /** A backward off by 1 % on every input is caught against the composition. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("references")
    void aFusedOpOffByOnePercentFails(Ref r) {
        int caught = 0;
        for (long seed = 1; seed <= 20; seed++) {
            Tensor[] in = r.draw().apply(new Well19937c(seed));
            Tensor[] right = r.op().backward(in, r.op().forward(in), Tensor.randn(r.op().forward(in).dims(), seed));
            boolean anyNonZero = false;
            for (int i = 0; i < right.length; i++) {
                anyNonZero |= r.op().differentiable(i) && right[i].maxAbs() > 0;
            }
            if (!anyNonZero) {
                continue;
            }
            caught++;
            Op scaled = new ScaledBackward(r.op(), ScaledBackward.ALL, 1.01);
            CheckReport report = CHECKER.withSeed(seed).checkAgainst(scaled, r.reference(), in);
            assertThat(report.passed()).as("%s ×1.01, seed %d:%n%s", r, seed, report.render()).isFalse();
            for (InputResult f : report.failures()) {
                assertThat(f.verdict()).as(report.render()).isEqualTo(Verdict.FAIL);
            }
        }
        assertThat(caught).as("points with a non-zero gradient").isGreaterThanOrEqualTo(15);
    }

    /**
     * One entry off by a millionth, relative: the largest entry of the forward, or of one input's
     * gradient (chosen at the first call, the point itself; the same entry at every later call).
     * Linear in the upstream gradient, so no contract breach gives it away.
     */
    static final class OneEntryOff extends ForwardingOp {
        private final int input;
        int at = -1;
        Tensor firstU;

        /** @param input the input whose gradient is off, or -1 for the forward */
        OneEntryOff(Op op, int input) {
            super(op);
            this.input = input;
        }

        @Override
        public Tensor forward(Tensor... inputs) {
            Tensor y = super.forward(inputs);
            if (input < 0) {
                at = at < 0 ? largest(y) : at;
                y.data()[at] *= 1 + 1e-6;
            }
            return y;
        }

        @Override
        public void forwardInto(Tensor out, Tensor... inputs) {
            out.copyFrom(forward(inputs));
        }

        @Override
        public boolean forwardEntriesInto(Tensor out, int in, int from, int to, Tensor... inputs) {
            return false;
        }

        @Override
        public Tensor[] backward(Tensor[] inputs, Tensor output, Tensor g) {
            Tensor[] grads = delegate().backward(inputs, output, g).clone();
            if (input >= 0) {
                if (at < 0) {
                    at = largest(grads[input]);
                    firstU = g.copy();
                }
                grads[input] = grads[input].copy();
                grads[input].data()[at] *= 1 + 1e-6;
            }
            return grads;
        }

        private static int largest(Tensor t) {
            int at = 0;
            for (int k = 1; k < t.size(); k++) {
                at = Math.abs(t.data()[k]) > Math.abs(t.data()[at]) ? k : at;
            }
            return at;
        }
    }

    /**
     * The reference's forward and, for upstream gradient {@code u}, its gradients (null for data):
     * what {@code checkAgainst} compares the fused op with, computed here to tell which entries
     * both sides resolve.
     */
    static Tensor[] referenceAt(Ref r, Tensor[] in, Tensor u) {
        Graph g = new Graph();
        Node[] nodes = new Node[in.length];
        for (int i = 0; i < in.length; i++) {
            nodes[i] = r.op().differentiable(i) ? g.variable("in" + i, in[i].copy()) : g.input("in" + i, in[i].copy());
        }
        Node out = r.reference().build(g, nodes.clone());
        Tensor[] result = new Tensor[in.length + 1];
        result[in.length] = out.value();
        if (u != null) {
            Node[] wrt = java.util.Arrays.stream(nodes).filter(Node::requiresGrad).toArray(Node[]::new);
            Tensor[] grads = g.gradients(out.mul(g.constant(u)).sum(), wrt);
            for (int q = 0, i = 0; i < in.length; i++) {
                if (nodes[i].requiresGrad()) {
                    Tensor gi = grads[q++];
                    result[i] = gi == null ? Tensor.zerosLike(in[i]) : gi;   // null: the reference does not use it
                }
            }
        }
        return result;
    }

    /** Whether the correct op and the reference agree at that entry to 1e-8 of it (it is resolved). */
    private static boolean resolved(double f, double r) {
        return f != 0 && Math.abs(f - r) <= 1e-8 * Math.abs(f);
    }

    /**
     * A difference of 1e-6 relative in a single entry — the largest of the forward, or of one
     * input's gradient — fails on exactly that input and names that entry, wherever both sides
     * resolve the entry to 1e-8 of itself; and that is nearly everywhere.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("references")
    void aMillionthInASingleEntryFails(Ref r) {
        int planted = 0;
        int resolved = 0;
        for (long seed = 1; seed <= 20; seed++) {
            Tensor[] in = r.draw().apply(new Well19937c(seed));
            for (int i = -1; i < in.length; i++) {
                if (i >= 0 && !r.op().differentiable(i)) {
                    continue;
                }
                OneEntryOff off = new OneEntryOff(r.op(), i);
                CheckReport report = CHECKER.withSeed(seed).checkAgainst(off, r.reference(), in);
                Tensor fused;
                Tensor ref;
                if (i < 0) {
                    fused = r.op().forward(in);
                    ref = referenceAt(r, in, null)[in.length];
                } else {
                    fused = r.op().backward(in, r.op().forward(in), off.firstU)[i];
                    ref = referenceAt(r, in, off.firstU)[i];
                }
                planted++;
                if (!resolved(fused.data()[off.at], ref.data()[off.at])) {
                    continue; // a remnant both sides compute to fewer digits than the difference planted
                }
                resolved++;
                int input = i;
                assertThat(report.failures()).as("%s, seed %d, input %d:%n%s", r, seed, i, report.render())
                        .singleElement().satisfies(f -> {
                            assertThat(f.inputIndex()).isEqualTo(input);
                            assertThat(f.verdict()).isEqualTo(input < 0 ? Verdict.FORWARD_DIFFERS : Verdict.FAIL);
                            assertThat(f.worstEntries().get(0).position()).isEqualTo(position(off.at, fused.dims()));
                        });
            }
        }
        System.out.printf("a millionth in one entry: %s: %d of %d planted entries resolved to 1e-8, all caught%n",
                r, resolved, planted);
        // The rest are remnants of exactly-zero gradients (layer norm over one value, attention over
        // one key): their largest entry is rounding noise, which no difference can be measured on.
        assertThat(resolved).as("entries resolved to 1e-8 by both sides").isGreaterThanOrEqualTo(planted * 3 / 4);
    }

    private static String position(int flat, int[] dims) {
        int[] at = new int[dims.length];
        for (int a = dims.length - 1; a >= 0; a--) {
            at[a] = flat % dims[a];
            flat /= dims[a];
        }
        StringBuilder sb = new StringBuilder("(");
        for (int a = 0; a < at.length; a++) {
            sb.append(a == 0 ? "" : ", ").append(at[a]);
        }
        return sb.append(')').toString();
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

    /**
     * The convolution's own planted bugs are caught against its composition on the right input:
     * ∂L/∂W by convolution instead of correlation (the kernel flipped; equivalent for a 1×1
     * kernel), and ∂L/∂X with the padding not cropped (equivalent without padding).
     */
    @Test
    void theConvolutionsPlantedBugsAreCaughtAgainstItsComposition() {
        int caught = 0;
        for (SpatialCases.Case c : convGeometries()) {
            Ref r = convRef(c);
            boolean bias = c.inputs().length == 3;
            int[] w = c.inputs()[1].dims();
            for (long seed = 1; seed <= 5; seed++) {
                Tensor[] in = r.draw().apply(new Well19937c(seed));
                PlantedBug flipped = new PlantedBug(c.op(), (x, y, g) -> NaiveSpatial.convBackward(x[0], x[1], bias, g,
                        c.conv(), NaiveSpatial.ConvBug.FLIPPED_KERNEL_IN_DW));
                if (shows(flipped, in, 1)) {
                    assertFailsExactly(flipped, r, in, seed, "worst: (", 1);
                    caught++;
                }
                PlantedBug uncropped = new PlantedBug(c.op(), (x, y, g) -> NaiveSpatial.convBackward(x[0], x[1], bias, g,
                        c.conv(), NaiveSpatial.ConvBug.PADDING_NOT_CROPPED));
                if (shows(uncropped, in, 0)) {
                    assertFailsExactly(uncropped, r, in, seed, "worst: (", 0);
                    caught++;
                }
            }
        }
        assertThat(caught).isGreaterThanOrEqualTo(50);
    }

    /** Whether the bug changes input {@code i}'s gradient at this point (a 1×1 kernel has nothing to flip). */
    private static boolean shows(PlantedBug bug, Tensor[] in, int i) {
        Tensor y = bug.forward(in);
        Tensor u = Tensor.randn(y.dims(), 7L);
        Tensor right = bug.inner().backward(in, y, u)[i];
        Tensor wrong = bug.backward(in, y, u)[i];
        return wrong.subtract(right).maxAbs() > 1e-4 * Math.max(right.maxAbs(), wrong.maxAbs());
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
