package org.autodifflite.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.stream.Stream;
import org.apache.commons.math3.random.Well19937c;
import org.autodifflite.check.CheckReport;
import org.autodifflite.check.GradientChecker;
import org.autodifflite.core.FastForward;
import org.autodifflite.core.Graph;
import org.autodifflite.core.Node;
import org.autodifflite.core.Op;
import org.autodifflite.core.Parameter;
import org.autodifflite.core.Tensor;
import org.autodifflite.core.ops.ReLU;
import org.autodifflite.core.ops.Sigmoid;
import org.autodifflite.core.ops.Tanh;
import org.autodifflite.layers.ops.BinaryCrossEntropy;
import org.autodifflite.layers.ops.Linear;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The ops' allocation-free ({@link FastForward#forwardInto}) and incremental
 * ({@link FastForward#forwardEntriesInto}) forwards give the bits of {@link Op#forward}, and so the
 * gradient checker, which uses them, reports exactly what it reports for the same ops through
 * {@code forward} alone.
 */
class FastForwardTest {

    /** Every catalogued op with seeds. */
    static Stream<Arguments> casesAndSeeds() {
        return OpCatalog.all().stream().flatMap(c -> Stream.of(1L, 2L, 3L, 4L, 5L).map(s -> Arguments.of(c, s)));
    }

    @ParameterizedTest(name = "{0} seed {1}")
    @MethodSource("casesAndSeeds")
    void forwardIntoAndForwardEntriesIntoGiveForwardsBits(OpCatalog.Case c, long seed) {
        Well19937c rng = new Well19937c(seed);
        Tensor[] in = c.inputs(rng);
        assumeTrue(c.op() instanceof FastForward, "no fast forward");
        FastForward op = (FastForward) c.op();
        Tensor y = op.forward(in);
        Tensor out = Tensor.filled(y.rows(), y.cols(), Double.NaN);
        op.forwardInto(out, in);
        assertThat(out).as("forwardInto").isEqualTo(y);
        for (int trial = 0; trial < 10; trial++) {
            int i = rng.nextInt(in.length);
            if (!op.differentiable(i)) {
                continue;
            }
            int size = in[i].size();
            int from = rng.nextInt(size);
            int to = from + 1 + (rng.nextBoolean() ? 0 : rng.nextInt(size - from));
            double[] d = in[i].data();
            for (int k = from; k < to; k++) {
                d[k] += 1e-3 * rng.nextGaussian();
            }
            if (op.forwardEntriesInto(out, i, from, to, in)) {
                assertThat(out).as("forwardEntriesInto input %d [%d, %d)", i, from, to).isEqualTo(op.forward(in));
            } else {
                assertThat(out).as("declined: untouched").isEqualTo(y);
                op.forwardInto(out, in);
            }
            y = op.forward(in);
        }
    }

    @Test
    void linearRedoesOnlyTheRowOfAChangedWeight() {
        Linear lin = new Linear();
        Tensor x = Tensor.randn(6, 4, 1L);
        Tensor w = Tensor.randn(5, 6, 2L);
        Tensor b = Tensor.randn(5, 1, 3L);
        Tensor out = lin.forward(x, w, b);
        out.set(0, 0, 99.0); // a row the change cannot reach keeps whatever it holds
        w.set(3, 2, 0.5);
        assertThat(lin.forwardEntriesInto(out, 1, 3 * 6 + 2, 3 * 6 + 3, x, w, b)).isTrue();
        Tensor want = lin.forward(x, w, b);
        assertThat(out.get(0, 0)).isEqualTo(99.0);
        for (int j = 0; j < 4; j++) {
            assertThat(out.get(3, j)).isEqualTo(want.get(3, j));
        }
    }

    static Stream<Arguments> checkers() {
        GradientChecker d = GradientChecker.defaults();
        return Stream.of(Arguments.of("default", d), Arguments.of("seed", d.seedMode()),
                Arguments.of("fast", d.fast(2)), Arguments.of("fast seed", d.seedMode().fast(3)),
                Arguments.of("subset", d.subset(3)), Arguments.of("one thread", d.withThreads(1)),
                Arguments.of("three threads", d.withThreads(3)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("checkers")
    void checkOpReportsAreTheSameThroughForwardAlone(String name, GradientChecker checker) {
        for (OpCatalog.Case c : OpCatalog.all()) {
            for (long seed = 1; seed <= 3; seed++) {
                Tensor[] in = c.inputs(new Well19937c(seed));
                CheckReport fast = checker.checkOp(c.op(), in);
                CheckReport plain = checker.checkOp(new ForwardOnly(c.op()), in);
                assertThat(fast.toJson()).as("%s seed %d", c, seed).isEqualTo(plain.toJson());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("checkers")
    void checkGraphReportsAreTheSameThroughForwardAlone(String name, GradientChecker checker) {
        for (boolean bugs : new boolean[] {false, true}) {
            Net fast = net(false, bugs);
            Net plain = net(true, bugs);
            CheckReport a = checker.checkGraph(fast.graph, fast.loss);
            CheckReport b = checker.checkGraph(plain.graph, plain.loss);
            assertThat(a.toJson()).as("bugs %s", bugs).isEqualTo(b.toJson());
            assertThat(a.render()).isEqualTo(b.render());
        }
    }

    /** A graph and its loss. */
    private record Net(Graph graph, Node loss) {
    }

    /** A 7-5-3-1 net, batch 4; {@code plain} hides the fast paths, {@code bugs} scales dW2 by 2. */
    private static Net net(boolean plain, boolean bugs) {
        Graph g = new Graph();
        Node h = g.input("X", Tensor.randn(7, 4, 11L));
        int[] widths = {7, 5, 3, 1};
        for (int l = 1; l < widths.length; l++) {
            Op lin = new Linear();
            if (bugs && l == 2) {
                lin = new ScaledBackward(lin, 1, 2.0);
            }
            lin = plain || bugs && l == 2 ? new ForwardOnly(lin) : lin;
            Node w = g.parameter(new Parameter("fc" + l + ".weight", Tensor.randn(widths[l], widths[l - 1], 20L + l)));
            Node b = g.parameter(new Parameter("fc" + l + ".bias", Tensor.randn(widths[l], 1, 30L + l).scale(0.1)));
            h = g.apply("fc" + l, lin, h, w, b);
            Op act = l < widths.length - 1 ? (l == 1 ? new ReLU() : new Tanh()) : new Sigmoid();
            h = g.apply(plain ? new ForwardOnly(act) : act, h);
        }
        Op loss = new BinaryCrossEntropy();
        Node y = g.input("Y", Tensor.of(new double[][] {{1, 0, 0, 1}}));
        return new Net(g, g.apply("loss", plain ? new ForwardOnly(loss) : loss, h, y));
    }

    /** Delegates everything but the fast paths, so the checker sees an op with forward only. */
    private static final class ForwardOnly implements Op {
        private final Op inner;

        ForwardOnly(Op inner) {
            this.inner = inner;
        }

        @Override
        public String name() {
            return inner.name();
        }

        @Override
        public int arity() {
            return inner.arity();
        }

        @Override
        public String inputName(int index) {
            return inner.inputName(index);
        }

        @Override
        public boolean differentiable(int index) {
            return inner.differentiable(index);
        }

        @Override
        public Tensor forward(Tensor... inputs) {
            return inner.forward(inputs);
        }

        @Override
        public Tensor[] backward(Tensor[] inputs, Tensor output, Tensor gradOutput) {
            return inner.backward(inputs, output, gradOutput);
        }
    }
}
