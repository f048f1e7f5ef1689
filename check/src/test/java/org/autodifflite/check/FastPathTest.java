package org.autodifflite.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.autodifflite.core.FastForward;
import org.autodifflite.core.Graph;
import org.autodifflite.core.Node;
import org.autodifflite.core.Op;
import org.autodifflite.core.Parameter;
import org.autodifflite.core.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Ops that override {@link FastForward#forwardInto} and {@link FastForward#forwardEntriesInto} are evaluated into
 * reusable buffers and incrementally; the reports must be the very same as for the same ops
 * through {@code forward} alone, for every mode, coverage and thread count. A fast path that
 * disagrees with {@code forward} is a contract breach, and nothing is lost when it throws.
 */
class FastPathTest {

    /** {@code A·B}, with both fast paths: a changed entry of A redoes its row, of B its column. */
    static class FastMatMul implements FastForward {
        private final boolean incremental;
        private final double forwardIntoError;

        FastMatMul(boolean incremental, double forwardIntoError) {
            this.incremental = incremental;
            this.forwardIntoError = forwardIntoError;
        }

        @Override
        public String name() {
            return "MatMul";
        }

        @Override
        public int arity() {
            return 2;
        }

        @Override
        public String inputName(int index) {
            return index == 0 ? "A" : "B";
        }

        @Override
        public Tensor forward(Tensor... in) {
            return TestOps.MATMUL.forward(in);
        }

        @Override
        public void forwardInto(Tensor out, Tensor... in) {
            Op.requireInputs(this, in);
            in[0].matmulInto(in[1], out);
            out.set(0, out.get(0) + forwardIntoError);
        }

        @Override
        public boolean forwardEntriesInto(Tensor out, int input, int from, int to, Tensor... in) {
            if (!incremental) {
                return false;
            }
            Tensor a = in[0];
            Tensor b = in[1];
            if (input == 0) {
                a.matmulRegionInto(b, out, from / a.cols(), (to - 1) / a.cols() + 1, 0, b.cols());
            } else if ((to - 1) / b.cols() == from / b.cols()) {
                a.matmulRegionInto(b, out, 0, a.rows(), from % b.cols(), (to - 1) % b.cols() + 1);
            } else {
                a.matmulRegionInto(b, out, 0, a.rows(), 0, b.cols());
            }
            return true;
        }

        @Override
        public Tensor[] backward(Tensor[] in, Tensor out, Tensor g) {
            return TestOps.MATMUL.backward(in, out, g);
        }
    }

    /** {@code tanh}, entry by entry, with both fast paths. */
    static final Op FAST_TANH = new FastForward() {
        @Override
        public String name() {
            return "Tanh";
        }

        @Override
        public int arity() {
            return 1;
        }

        @Override
        public String inputName(int index) {
            return "x";
        }

        @Override
        public Tensor forward(Tensor... in) {
            return TestOps.TANH.forward(in);
        }

        @Override
        public void forwardInto(Tensor out, Tensor... in) {
            forwardEntriesInto(out, 0, 0, in[0].size(), in);
        }

        @Override
        public boolean forwardEntriesInto(Tensor out, int input, int from, int to, Tensor... in) {
            for (int k = from; k < to; k++) {
                out.data()[k] = Math.tanh(in[0].data()[k]);
            }
            return true;
        }

        @Override
        public Tensor[] backward(Tensor[] in, Tensor out, Tensor g) {
            return TestOps.TANH.backward(in, out, g);
        }
    };

    static Stream<Arguments> checkers() {
        GradientChecker d = GradientChecker.defaults();
        return Stream.of(Arguments.of("default", d), Arguments.of("seed", d.seedMode()),
                Arguments.of("fast", d.fast(2)), Arguments.of("fast seed", d.seedMode().fast(1)),
                Arguments.of("subset", d.subset(5)), Arguments.of("fixed step", d.withStep(1e-4)),
                Arguments.of("one thread", d.withThreads(1)), Arguments.of("three threads", d.withThreads(3)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("checkers")
    void checkOpGivesTheSameReportWithOrWithoutTheFastPaths(String name, GradientChecker checker) {
        Tensor a = Tensor.randn(6, 40, 1);
        Tensor b = Tensor.randn(40, 5, 2);
        String plain = checker.checkOp(TestOps.MATMUL, a, b).toJson();
        assertThat(checker.checkOp(new FastMatMul(true, 0), a, b).toJson()).isEqualTo(plain);
        assertThat(checker.checkOp(new FastMatMul(false, 0), a, b).toJson()).isEqualTo(plain);
        Tensor z = Tensor.randn(4, 7, 3).scale(2);
        assertThat(checker.checkOp(FAST_TANH, z).toJson()).isEqualTo(checker.checkOp(TestOps.TANH, z).toJson());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("checkers")
    void checkGraphGivesTheSameReportWithOrWithoutTheFastPaths(String name, GradientChecker checker) {
        for (boolean bug : new boolean[] {false, true}) {
            Graph plain = graph(TestOps.MATMUL, TestOps.TANH, bug);
            Graph fast = graph(new FastMatMul(true, 0), FAST_TANH, bug);
            CheckReport p = checker.checkGraph(plain, plain.node("loss"));
            CheckReport f = checker.checkGraph(fast, fast.node("loss"));
            assertThat(f.toJson()).as("bug %s", bug).isEqualTo(p.toJson());
            assertThat(f.render()).isEqualTo(p.render());
        }
    }

    /** loss = Σ tanh(W2·tanh(W1·X)) (W2's gradient doubled with {@code bug}). */
    private static Graph graph(Op matmul, Op tanh, boolean bug) {
        Graph g = new Graph();
        Node x = g.input("X", Tensor.randn(5, 3, 4));
        Node w1 = g.parameter(new Parameter("w1", Tensor.randn(4, 5, 5)));
        Node w2 = g.parameter(new Parameter("w2", Tensor.randn(2, 4, 6)));
        Node h = g.apply("h", tanh, g.apply("z1", matmul, w1, x));
        Node z2 = g.apply("z2", bug ? TestOps.scaled(matmul, 0, 2.0) : matmul, w2, h);
        g.apply("loss", TestOps.SUM, g.apply("y", tanh, z2));
        return g;
    }

    @Test
    void aForwardIntoThatDisagreesWithForwardIsAContractBreach() {
        Tensor a = Tensor.randn(3, 4, 1);
        Tensor b = Tensor.randn(4, 2, 2);
        CheckReport r = GradientChecker.defaults().checkOp(new FastMatMul(true, 1e-3), a, b);
        assertThat(r.passed()).isFalse();
        assertThat(r.results()).allSatisfy(x -> {
            assertThat(x.verdict()).isEqualTo(Verdict.CONTRACT);
            assertThat(x.diagnosis()).contains("forwardInto gave other values than forward");
        });
    }

    @Test
    void nothingIsLostWhenAFastPathThrows() {
        Op throwing = new FastMatMul(true, 0) {
            @Override
            public boolean forwardEntriesInto(Tensor out, int input, int from, int to, Tensor... in) {
                if (input == 0 && from == 5) {
                    throw new IllegalArgumentException("planted failure at entry 5");
                }
                return super.forwardEntriesInto(out, input, from, to, in);
            }
        };
        Graph g = graph(throwing, FAST_TANH, false);
        Tensor w1 = g.parameters().get(0).value().copy();
        Tensor w2 = g.parameters().get(1).value().copy();
        Tensor loss = g.node("loss").value().copy();
        assertThatThrownBy(() -> GradientChecker.defaults().withThreads(2).checkEndToEnd(g, g.node("loss")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("planted failure");
        assertThat(g.parameters().get(0).value()).isEqualTo(w1);
        assertThat(g.parameters().get(1).value()).isEqualTo(w2);
        assertThat(g.node("loss").value()).isEqualTo(loss);
    }

    /**
     * X (positive) through W1 (row 0 all negative when {@code dead}: its ReLU unit never fires),
     * a ReLU, then W2 by {@code second}, tanh and a sum; with {@code diamond} the ReLU's output
     * is added to its own input first, so row 0 of W1 still reaches the loss.
     */
    private static Graph deadUnitGraph(boolean dead, Op second, Op add, boolean diamond) {
        Graph g = new Graph();
        Node x = g.input("X", Tensor.of(new double[] {0.5, 1.0, 1.5, 0.7}, new double[] {0.2, 0.9, 0.4, 1.1},
                new double[] {1.3, 0.6, 0.8, 0.3}));
        double r0 = dead ? -1 : 1;
        Node w1 = g.parameter(new Parameter("w1", Tensor.of(new double[] {r0, 0.9 * r0, 1.1 * r0},
                new double[] {0.4, -0.2, 0.6}, new double[] {0.3, 0.5, -0.1})));
        Node w2 = g.parameter(new Parameter("w2", Tensor.of(new double[] {0.7, -0.3, 0.2},
                new double[] {-0.5, 0.4, 0.9})));
        Node z1 = g.apply("z1", TestOps.MATMUL, w1, x);
        Node h = g.apply("h", TestOps.RELU, z1);
        if (diamond) {
            h = g.apply("sum", add, h, z1);
        }
        g.apply("loss", TestOps.SUM, g.apply("y", TestOps.TANH, g.apply("z2", second, w2, h)));
        return g;
    }

    @Test
    void aNodeWhoseInputsAreUnchangedIsNotReplayed() {
        int[] calls = new int[1];
        Op counting = new Op() {
            @Override
            public String name() {
                return "CountingMatMul";
            }

            @Override
            public int arity() {
                return 2;
            }

            @Override
            public Tensor forward(Tensor... in) {
                calls[0]++;
                return TestOps.MATMUL.forward(in);
            }

            @Override
            public Tensor[] backward(Tensor[] in, Tensor out, Tensor g) {
                return TestOps.MATMUL.backward(in, out, g);
            }
        };
        GradientChecker seed = GradientChecker.defaults().seedMode().withThreads(1);
        int[] count = new int[2];
        for (int dead = 0; dead < 2; dead++) {
            Graph g = deadUnitGraph(dead == 1, counting, TestOps.ADD, false);
            calls[0] = 0;
            assertThat(seed.checkEndToEnd(g, g.node("loss")).passed()).isTrue();
            count[dead] = calls[0];
        }
        // Seed mode evaluates each entry twice; the three entries of W1's dead row leave the
        // ReLU's output as it was, so the product below it is not redone for them.
        assertThat(count[0] - count[1]).isEqualTo(2 * 3);
    }

    @Test
    void aNodeWithOneChangedInputIsReplayed() {
        for (GradientChecker checker : new GradientChecker[] {GradientChecker.defaults(),
                GradientChecker.defaults().seedMode()}) {
            Graph ok = deadUnitGraph(true, TestOps.MATMUL, TestOps.ADD, true);
            CheckReport r = checker.checkEndToEnd(ok, ok.node("loss"));
            assertThat(r.passed()).as(r.render()).isTrue();
            // The dead row reaches the loss only through the sum's second input: a wrong
            // gradient there shows in that row although the ReLU's output did not change.
            Graph bad = deadUnitGraph(true, TestOps.MATMUL, TestOps.scaled(TestOps.ADD, 1, 2.0), true);
            CheckReport b = checker.checkEndToEnd(bad, bad.node("loss"));
            assertThat(b.passed()).isFalse();
            assertThat(b.failures()).extracting(InputResult::parameter).contains("w1");
        }
    }
}
