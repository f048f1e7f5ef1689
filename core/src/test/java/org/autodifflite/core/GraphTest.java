package org.autodifflite.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class GraphTest {

    @Test
    void applyEvaluatesAtOnceAndRecordsInTopologicalOrder() {
        Graph g = new Graph();
        Node x = g.input("x", Tensor.row(1, 2));
        Node y = g.apply(TestOps.SIN, x);
        Node s = g.apply("loss", TestOps.SUM, y);
        assertThat(y.value().data()).containsExactly(Math.sin(1), Math.sin(2));
        assertThat(s.value().item()).isEqualTo(Math.sin(1) + Math.sin(2));
        assertThat(g.nodes()).containsExactly(x, y, s);
        assertThat(y.label()).isEqualTo("Sin#1");
        assertThat(s.label()).isEqualTo("loss");
        assertThat(g.node("loss")).isSameAs(s);
        assertThat(y.inputs()).containsExactly(x);
        assertThat(x.isLeaf()).isTrue();
        assertThat(y.kind()).isEqualTo(Node.Kind.OP);
    }

    @Test
    void backwardGivesTheChainRuleGradient() {
        Graph g = new Graph();
        Parameter w = new Parameter("fc.weight", Tensor.of(new double[][] {{1, 2}, {3, 4}}));
        Node x = g.variable("x", Tensor.column(5, 6));
        Node wn = g.parameter(w);
        Node loss = g.apply(TestOps.SUM, g.apply(TestOps.MATMUL, wn, x));
        g.backward(loss);
        // d(sum(W·x))/dW[i][j] = x[j]
        assertThat(w.grad()).isEqualTo(Tensor.of(new double[][] {{5, 6}, {5, 6}}));
        assertThat(wn.grad()).isEqualTo(w.grad());
        // d/dx[j] = sum_i W[i][j]
        assertThat(x.grad()).isEqualTo(Tensor.column(4, 6));
    }

    @Test
    void aNodeUsedTwiceGetsTheSumOfItsGradients() {
        Graph g = new Graph();
        Parameter p = new Parameter("p", Tensor.row(3, -2));
        Node x = g.parameter(p);
        // y = x ⊙ x: both inputs are x, so dy/dx = 2x, not x
        Node loss = g.apply(TestOps.SUM, g.apply(TestOps.MUL, x, x));
        g.backward(loss);
        assertThat(p.grad().data()).containsExactly(6, -4);
    }

    @Test
    void fanOutToSeveralConsumersSums() {
        Graph g = new Graph();
        Node x = g.variable("x", Tensor.row(0.5));
        Node a = g.apply(TestOps.SIN, x);
        Node b = g.apply(TestOps.MUL, x, a);
        Node loss = g.apply(TestOps.SUM, g.apply(TestOps.MUL, a, b));
        // loss = sin(x)·x·sin(x) = x·sin²x; d/dx = sin²x + 2x·sin x·cos x
        g.backward(loss);
        double expected = Math.pow(Math.sin(0.5), 2) + 2 * 0.5 * Math.sin(0.5) * Math.cos(0.5);
        assertThat(x.grad().item()).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-15));
    }

    @Test
    void sameParameterAddedTwiceIsOneNode() {
        Graph g = new Graph();
        Parameter p = new Parameter("p", Tensor.row(1));
        assertThat(g.parameter(p)).isSameAs(g.parameter(p));
        assertThat(g.parameters()).containsExactly(p);
    }

    @Test
    void parameterGradientsAccumulateUntilZeroed() {
        Graph g = new Graph();
        Parameter p = new Parameter("p", Tensor.row(2));
        Node loss = g.apply(TestOps.SUM, g.apply(TestOps.MUL, g.parameter(p), g.input("x", Tensor.row(3))));
        g.backward(loss);
        g.backward(loss);
        assertThat(p.grad().item()).isEqualTo(6.0);
        g.zeroGrad();
        assertThat(p.grad().item()).isEqualTo(0.0);
        assertThat(loss.grad()).isNull();
        g.backward(loss);
        assertThat(p.grad().item()).isEqualTo(3.0);
    }

    /**
     * zeroGrad only marks the gradient zero; what backward then accumulates must be exactly
     * what filling with zeros and adding gave: a parameter used twice gets the sum, −0.0
     * becomes +0.0, and a gradient read before the next backward reads zeros.
     */
    @Test
    void theGradientAfterZeroGradIsWhatFillingAndAddingGave() {
        Parameter p = new Parameter("p", Tensor.row(2, -1, 0.5));
        Graph g = new Graph();
        Node w = g.parameter(p);
        // p used twice: d/dp Σ (p·x + p·y) = x + y; entry 0 is −0.0 + −0.0 = −0.0 until it is
        // accumulated onto the zeroed gradient, where 0 + (−0.0) is +0.0
        Node loss = w.mul(g.input("x", Tensor.row(-0.0, 3, -2))).add(w.mul(g.input("y", Tensor.row(-0.0, 4, 1))))
                .sum();
        g.backward(loss);
        g.zeroGrad();
        assertThat(p.grad()).isEqualTo(Tensor.row(0, 0, 0));
        g.zeroGrad();
        g.backward(loss);
        assertThat(p.grad().data()).containsExactly(0.0, 7.0, -1.0);
        assertThat(Double.doubleToRawLongBits(p.grad().get(0))).as("−0.0 + −0.0 on zeros is +0.0")
                .isEqualTo(Double.doubleToRawLongBits(0.0));
        g.backward(loss);
        assertThat(p.grad().data()).containsExactly(0.0, 14.0, -2.0);
    }

    @Test
    void recomputeAfterAParameterChangeEqualsAFreshBuild() {
        Parameter w = new Parameter("w", Tensor.randn(3, 4, 1L));
        Tensor xv = Tensor.randn(4, 2, 2L);
        Graph g = new Graph();
        Node x = g.input("x", xv);
        Node loss = g.apply(TestOps.SUM, g.apply(TestOps.SIN, g.apply(TestOps.MATMUL, g.parameter(w), x)));
        w.value().set(0, 0, 10.0);
        Tensor newX = Tensor.randn(4, 5, 3L);
        g.feed(x, newX);
        g.recompute();

        Graph fresh = new Graph();
        Node freshLoss = fresh.apply(TestOps.SUM, fresh.apply(TestOps.SIN,
                fresh.apply(TestOps.MATMUL, fresh.parameter(w), fresh.input("x", newX))));
        assertThat(loss.value()).isEqualTo(freshLoss.value());
        g.backward(loss);
        Tensor afterRecompute = w.grad().copy();
        w.zeroGrad();
        fresh.backward(freshLoss);
        assertThat(w.grad()).isEqualTo(afterRecompute);
    }

    @Test
    void tenThousandNodesRunBackwardWithoutStackOverflow() {
        Graph g = new Graph();
        Parameter p = new Parameter("p", Tensor.row(0.1));
        Node n = g.parameter(p);
        for (int i = 0; i < 10_000; i++) {
            n = g.apply(TestOps.SIN, n);
        }
        Node loss = g.apply(TestOps.SUM, n);
        g.backward(loss);
        g.recompute();
        assertThat(g.nodes()).hasSize(10_002);
        // sin iterated: every factor cos(.) is in (0, 1], so the gradient is finite and positive
        assertThat(p.grad().item()).isPositive().isLessThanOrEqualTo(1.0);
    }

    @Test
    void backwardOnANonScalarWithoutSeedIsAClearError() {
        Graph g = new Graph();
        Node y = g.apply(TestOps.SIN, g.variable("x", Tensor.row(1, 2)));
        assertThatThrownBy(() -> g.backward(y)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'Sin#1' is 1×2, not a scalar loss")
                .hasMessageContaining("backward(node, seed)");
        g.backward(y, Tensor.row(1, 1));
        assertThat(g.node("x").grad().data()).containsExactly(Math.cos(1), Math.cos(2));
        assertThatThrownBy(() -> g.backward(y, Tensor.row(1)))
                .hasMessageContaining("seed gradient for node 'Sin#1'").hasMessageContaining("1×1 and 1×2");
    }

    @Test
    void theEngineNamesTheOpTheInputAndBothShapesWhenABackwardIsMisshapen() {
        Graph g = new Graph();
        Node x = g.variable("x", Tensor.zeros(2, 3));
        Node bad = g.apply("bad", TestOps.backwardReturning(Tensor.zeros(3, 2)), x);
        assertThatThrownBy(() -> g.backward(bad)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Broken 'bad'")
                .hasMessageContaining("3×2 gradient for input 0 (x, node 'x') of shape 2×3")
                .hasMessageContaining("transposed");

        // Any rank: the last two axes swapped, and a gradient left at the broadcast shape.
        Graph t = new Graph();
        Node t3 = t.apply("bad3", TestOps.backwardReturning(Tensor.zeros(2, 4, 3)), t.variable("x", Tensor.zeros(2, 3, 4)));
        assertThatThrownBy(() -> t.backward(t3)).hasMessageContaining("2×4×3 gradient for input 0 (x, node 'x') of shape 2×3×4")
                .hasMessageContaining("(it looks transposed: its last two axes, 1 and 2, are swapped)");
        Graph u = new Graph();
        Node u4 = u.apply("bad4", TestOps.backwardReturning(Tensor.zeros(2, 5, 3, 4)), u.variable("x", Tensor.zeros(2, 1, 3, 4)));
        assertThatThrownBy(() -> u.backward(u4)).hasMessageContaining("it looks un-reduced: it has the broadcast shape"
                + " 2×5×3×4, and x (2×1×3×4) is broadcast along axis 1 of it; sum the gradient over axis 1 down to"
                + " 2×1×3×4 (Tensor.sumTo(2×1×3×4))");

        Graph h = new Graph();
        Node y = h.apply("few", TestOps.backwardReturning(), h.variable("x", Tensor.zeros(1, 1)));
        assertThatThrownBy(() -> h.backward(y)).hasMessageContaining("Broken 'few': backward returned 0 gradients for 1 input");

        Graph k = new Graph();
        Node z = k.apply("nul", TestOps.backwardReturning((Tensor) null), k.variable("x", Tensor.zeros(1, 1)));
        assertThatThrownBy(() -> k.backward(z)).hasMessageContaining("null gradient for input 0");
    }

    @Test
    void misuseIsAClearError() {
        Graph g = new Graph();
        Node x = g.input("x", Tensor.row(1));
        assertThatThrownBy(() -> g.input("x", Tensor.row(2))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("label 'x' is already used");
        assertThatThrownBy(() -> g.apply(TestOps.MUL, x)).hasMessageContaining("Mul expects 2 inputs (input0, input1), got 1");
        Graph other = new Graph();
        Node foreign = other.input("y", Tensor.row(1));
        assertThatThrownBy(() -> g.apply(TestOps.SIN, foreign)).hasMessageContaining("of another graph");
        assertThatThrownBy(() -> g.backward(other.apply(TestOps.SUM, foreign))).hasMessageContaining("of another graph");
        assertThatThrownBy(() -> g.apply(TestOps.MUL, x, g.input("w", Tensor.row(1, 2))))
                .hasMessageContaining("Mul: shapes 1×1 and 1×2 differ");
        Node p = g.parameter(new Parameter("p", Tensor.row(1)));
        assertThatThrownBy(() -> g.feed(p, Tensor.row(2))).hasMessageContaining("'p' is not an input");
        assertThatThrownBy(() -> g.node("nope")).hasMessageContaining("no node labelled 'nope'").hasMessageContaining("[x, w, p]");
        assertThatThrownBy(() -> g.input("", Tensor.row(1))).hasMessageContaining("must not be empty");
        assertThatThrownBy(() -> g.feed(null, Tensor.row(1))).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("feed: input node");
        assertThatThrownBy(() -> g.backward(null)).hasMessageContaining("backward: loss node");
        assertThatThrownBy(() -> g.backward(x, null)).hasMessageContaining("backward: seed gradient");
    }

    @Test
    void parametersValidateTheirNamesAndShapes() {
        assertThatThrownBy(() -> new Parameter("fc1..weight", Tensor.row(1))).hasMessageContaining("'fc1..weight'");
        assertThatThrownBy(() -> new Parameter("1fc", Tensor.row(1))).hasMessageContaining("dotted identifier");
        Parameter p = new Parameter("fc1.weight", Tensor.row(1, 2));
        assertThatThrownBy(() -> p.assign(Tensor.row(1))).hasMessageContaining("parameter 'fc1.weight'")
                .hasMessageContaining("1×2 and 1×1");
        assertThat(p.value().data()).containsExactly(1, 2);
        p.assign(Tensor.row(3, 4));
        assertThat(p.value().data()).containsExactly(3, 4);
        assertThat(p.toString()).isEqualTo("Parameter fc1.weight 1×2");
    }

    /** Records which input gradients the engine asked for. */
    private static final class NeedsRecorder extends ForwardingOp {
        final java.util.List<String> asked = new java.util.ArrayList<>();

        NeedsRecorder() {
            super(TestOps.MUL);
        }

        @Override
        public Tensor[] backward(Tensor[] in, Tensor out, Tensor g, boolean[] needs) {
            asked.add(java.util.Arrays.toString(needs));
            Tensor[] all = super.backward(in, out, g);
            for (int i = 0; i < needs.length; i++) {
                all[i] = needs[i] ? all[i] : null; // what an op that skips work returns
            }
            return all;
        }
    }

    @Test
    void dataGetsNoGradientAndOpsAreToldWhichGradientsAreNeeded() {
        Graph g = new Graph();
        Parameter w = new Parameter("w", Tensor.row(2, 3));
        Node x = g.input("x", Tensor.row(5, 7));
        Node c = g.constant(Tensor.row(1, 1));
        NeedsRecorder first = new NeedsRecorder();
        NeedsRecorder second = new NeedsRecorder();
        Node xc = g.apply(first, x, c);             // data only: needs no gradient at all
        Node loss = g.apply(TestOps.SUM, g.apply(second, g.parameter(w), xc));
        assertThat(x.requiresGrad()).isFalse();
        assertThat(c.requiresGrad()).isFalse();
        assertThat(c.kind()).isEqualTo(Node.Kind.CONSTANT);
        assertThat(xc.requiresGrad()).isFalse();
        assertThat(loss.requiresGrad()).isTrue();
        g.backward(loss);
        assertThat(first.asked).isEmpty();
        assertThat(second.asked).containsExactly("[true, false]");
        assertThat(w.grad().data()).containsExactly(5, 7);
        assertThat(x.grad()).isNull();
        assertThat(xc.grad()).isNull();
    }

    @Test
    void gradientsAreValuesAndChangeNothing() {
        Graph g = new Graph();
        Parameter w = new Parameter("w", Tensor.row(2, 3));
        Parameter unused = new Parameter("unused", Tensor.row(1));
        Node x = g.input("x", Tensor.row(5, 7));
        Node wn = g.parameter(w);
        g.parameter(unused);
        Node loss = g.apply(TestOps.SUM, g.apply(TestOps.MUL, wn, x));
        w.grad().fill(9.0);
        java.util.Map<Parameter, Tensor> grads = g.gradients(loss, java.util.List.of(w, unused));
        assertThat(grads.get(w).data()).containsExactly(5, 7);
        assertThat(grads.get(unused).data()).containsExactly(0);
        assertThat(w.grad().data()).containsExactly(9, 9);
        assertThat(wn.grad()).isNull();
        Tensor[] byNode = g.gradients(loss, x, wn);
        assertThat(byNode[0].data()).containsExactly(2, 3); // any node, data included
        assertThat(byNode[1].data()).containsExactly(5, 7);
        Parameter stranger = new Parameter("stranger", Tensor.row(1));
        assertThatThrownBy(() -> g.gradients(loss, java.util.List.of(stranger)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'stranger' is not used in this graph").hasMessageContaining("[w, unused]");
    }

    @Test
    void theGradientShapeHintNamesAxesForAnyRank() {
        assertThat(Shapes.broadcastAxes(new int[] {4, 1}, new int[] {2, 4, 3})).containsExactly(0, 2);
        assertThat(Shapes.broadcastAxes(new int[] {3}, new int[] {2, 3})).containsExactly(0);
        assertThat(Shapes.broadcastAxes(new int[] {1, 1, 2, 3}, new int[] {2, 3})).isEmpty();
        assertThat(Shapes.broadcastAxes(new int[] {2, 3}, new int[] {2, 3})).isEmpty();
        assertThat(Shapes.broadcastAxes(new int[] {5}, new int[] {2, 3})).isNull();
        assertThat(Shapes.broadcastAxes(new int[] {2, 2, 3}, new int[] {2, 3})).isNull();
        assertThat(Graph.gradientShapeHint(new int[] {2, 5, 3, 4}, new int[] {5, 1, 1}, new int[] {2, 5, 3, 4}, "b"))
                .isEqualTo("; it looks un-reduced: it has the output's shape 2×5×3×4, and b (5×1×1) is broadcast along"
                        + " axes 0, 2 and 3 of it; sum the gradient over axes 0, 2 and 3 down to 5×1×1"
                        + " (Tensor.sumTo(5×1×1))");
        assertThat(Graph.gradientShapeHint(new int[] {3, 2}, new int[] {2, 3}, null, "W")).isEqualTo(" (it looks transposed)");
        assertThat(Graph.gradientShapeHint(new int[] {3}, new int[] {2}, null, "W")).isEmpty();
    }

    /** Passes its input through, and hands back the upstream gradient itself, twice. */
    private static final Op PASS_TWICE = new Op() {
        @Override
        public String name() {
            return "PassTwice";
        }

        @Override
        public int arity() {
            return 2;
        }

        @Override
        public Tensor forward(Tensor... in) {
            return in[0].add(in[1]);
        }

        @Override
        public Tensor[] backward(Tensor[] in, Tensor out, Tensor g) {
            return new Tensor[] {g, g};
        }
    };

    @Test
    void gradientsAnOpHandsBackAreNeitherChangedNorShared() {
        // The engine keeps an op's gradient without copying it until a second must be added: it
        // must then copy rather than add into the op's tensor, and hand out no tensor twice.
        Graph g = new Graph();
        Parameter w = new Parameter("w", Tensor.row(2, 3));
        Node wn = g.parameter(w);
        Node y = g.apply(TestOps.MUL, wn, wn);          // w², its gradient is 2w·upstream
        Node z = g.apply(PASS_TWICE, y, wn);            // w² + w
        Node both = g.apply(PASS_TWICE, z, z);          // 2(w² + w): z's gradient arrives twice
        Node loss = g.apply(TestOps.SUM, both);
        g.backward(loss);
        assertThat(w.grad().data()).containsExactly(2 * (2 * 2 + 1), 2 * (2 * 3 + 1));
        assertThat(z.grad().data()).containsExactly(2, 2);
        assertThat(both.grad().data()).containsExactly(1, 1); // not changed by z's two gradients added
        assertThat(y.grad().data()).containsExactly(2, 2);
        java.util.Set<double[]> arrays = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (Node n : g.nodes()) {
            arrays.add(n.value().data());
        }
        for (Node n : g.nodes()) {
            if (n.grad() != null) {
                assertThat(arrays.add(n.grad().data())).as("gradient of %s is a tensor of its own", n.label())
                        .isTrue();
            }
        }
        Tensor[] values = g.gradients(loss, z, both);
        assertThat(values[0].data()).containsExactly(2, 2);
        assertThat(values[1].data()).isNotSameAs(values[0].data()).containsExactly(1, 1);
    }
}
