package org.autodifflite.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.autodifflite.core.Graph;
import org.autodifflite.core.Node;
import org.autodifflite.core.Op;
import org.autodifflite.core.Parameter;
import org.autodifflite.core.Tensor;
import org.junit.jupiter.api.Test;

/** Whole graphs: dropout as a leaf, nothing lost, engine bugs caught end to end, validation. */
class GraphCheckTest {

    private static final GradientChecker CHECKER = GradientChecker.defaults();

    @Test
    void dropoutWithItsMaskAsALeafChecksLikeAnyOtherNode() {
        Graph g = new Graph();
        Node x = g.input("X", Tensor.randn(4, 3, 1));
        Node y = g.input("Y", Tensor.row(1, 0, 1));
        Node mask = g.input("mask", Tensor.randn(5, 3, 2).map(v -> v > 0 ? 2.0 : 0.0));
        Node w1 = g.parameter(new Parameter("fc1.weight", Tensor.randn(5, 4, 3)));
        Node b1 = g.parameter(new Parameter("fc1.bias", Tensor.randn(5, 1, 4)));
        Node w2 = g.parameter(new Parameter("fc2.weight", Tensor.randn(1, 5, 5)));
        Node b2 = g.parameter(new Parameter("fc2.bias", Tensor.randn(1, 1, 6)));
        Node h = g.apply("fc1", TestOps.linear(), x, w1, b1);
        Node t = g.apply("tanh", TestOps.TANH, h);
        Node d = g.apply("dropout", TestOps.DROPOUT, t, mask);
        Node z = g.apply("fc2", TestOps.linear(), d, w2, b2);
        Node a = g.apply("sigmoid", TestOps.SIGMOID, z);
        Node loss = g.apply("loss", TestOps.BCE, a, y);
        CheckReport r = CHECKER.checkGraph(g, loss);
        assertThat(r.passed()).as(r.render()).isTrue();
        assertThat(r.results()).anySatisfy(res -> {
            assertThat(res.node()).isEqualTo("dropout");
            assertThat(res.inputName()).isEqualTo("x");
        });
    }

    @Test
    void wrongDropoutBackwardIsCaughtAtTheDropoutNode() {
        Op broken = TestOps.breaking(TestOps.DROPOUT, 0, (grad, g) -> g.copy()); // forgets the mask
        Graph g = new Graph();
        Node x = g.parameter(new Parameter("x", Tensor.randn(3, 3, 1)));
        Node mask = g.input("mask", Tensor.of(new double[][] {{2, 0, 2}, {0, 2, 2}, {2, 2, 0}}));
        Node d = g.apply("dropout", broken, x, mask);
        Node loss = g.apply("sum", TestOps.SUM, g.apply("sin", TestOps.SIN, d));
        CheckReport r = CHECKER.checkGraph(g, loss);
        assertThat(r.failures()).extracting(InputResult::node).containsExactly("dropout", "graph");
    }

    @Test
    void nothingIsLostAfterACheck() {
        SeedNetwork net = SeedNetwork.buggy();
        Map<Node, Tensor> before = snapshot(net.graph);
        Map<Parameter, Tensor> grads = new IdentityHashMap<>();
        net.params.values().forEach(p -> {
            p.grad().fill(0.25);
            grads.put(p, p.grad().copy());
        });
        CHECKER.checkGraph(net.graph, net.loss);
        CHECKER.seedMode().fast(2).checkGraph(net.graph, net.loss);
        assertThat(snapshot(net.graph)).isEqualTo(before);
        net.params.values().forEach(p -> assertThat(p.grad()).isEqualTo(grads.get(p)));
    }

    @Test
    void anOpThrowingMidwayPropagatesAndLosesNothing() {
        for (int threads : new int[] {1, 3}) {
            Op throwsOnTenth = throwingOnCall(10);
            Tensor x = Tensor.randn(4, 4, 3);
            Tensor saved = x.copy();
            assertThatThrownBy(() -> CHECKER.withThreads(threads).checkOp(throwsOnTenth, x))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("forward call 10");
            assertThat(x).isEqualTo(saved);

            Graph g = new Graph();
            Parameter p = new Parameter("w", Tensor.randn(3, 3, 4));
            Node in = g.input("in", Tensor.randn(3, 3, 5));
            Node prod = g.apply("mul", TestOps.MATMUL, g.parameter(p), in);
            Op late = throwingOnCall(10);
            Node loss = g.apply("sum", TestOps.SUM, g.apply("bad", late, prod));
            Map<Node, Tensor> before = snapshot(g);
            assertThatThrownBy(() -> CHECKER.withThreads(threads).checkEndToEnd(g, loss))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("forward call 10");
            assertThat(snapshot(g)).isEqualTo(before);
        }
    }

    /** A Sin whose forward throws on its n-th call (and after). */
    private static Op throwingOnCall(int n) {
        AtomicInteger calls = new AtomicInteger();
        return TestOps.custom("Fragile", t -> {
            if (calls.incrementAndGet() >= n) {
                throw new IllegalStateException("Fragile: forward call " + n);
            }
            return t.map(Math::sin);
        }, (t, g) -> g.multiply(t.map(Math::cos)));
    }

    private static Map<Node, Tensor> snapshot(Graph g) {
        Map<Node, Tensor> m = new HashMap<>();
        for (Node n : g.nodes()) {
            m.put(n, n.value().copy());
        }
        return m;
    }

    @Test
    void aFanOutBugNoNodeShowsIsCaughtEndToEnd() {
        // w feeds two nodes; a wrong engine assigns the second gradient instead of adding it
        Graph g = new Graph();
        Parameter w = new Parameter("w", Tensor.randn(2, 3, 11));
        Node wn = g.parameter(w);
        Node s = g.apply("sin", TestOps.SIN, wn);
        Node t = g.apply("tanh", TestOps.TANH, wn);
        Node loss = g.apply("sum", TestOps.SUM, g.apply("add", TestOps.ADD, s, t));
        Map<String, Tensor> wrong = backpropAssigning(g, loss);

        CheckReport perNode = CHECKER.checkGraph(g, loss);
        assertThat(perNode.passed()).as(perNode.render()).isTrue(); // every op and the real engine are right

        CheckReport e2e = CHECKER.checkEndToEnd(g, loss, wrong);
        assertThat(e2e.passed()).isFalse();
        assertThat(e2e.failures()).singleElement().satisfies(f -> {
            assertThat(f.endToEnd()).isTrue();
            assertThat(f.inputName()).isEqualTo("w");
            assertThat(f.diagnosis()).contains("summed where a value is used more than once");
        });
        assertThat(e2e.endToEndDifference()).isGreaterThan(0.05);
    }

    /** Back-propagation with the classic fan-out bug: gradients are assigned, not added. */
    private static Map<String, Tensor> backpropAssigning(Graph g, Node loss) {
        Map<Node, Tensor> grad = new HashMap<>();
        grad.put(loss, Tensor.scalar(1));
        List<Node> nodes = new ArrayList<>(g.nodes());
        for (int k = loss.index(); k >= 0; k--) {
            Node n = nodes.get(k);
            if (n.op() == null || !grad.containsKey(n)) {
                continue;
            }
            Tensor[] gs = n.op().backward(Graph.inputValues(n), n.value(), grad.get(n));
            for (int i = 0; i < gs.length; i++) {
                grad.put(n.inputs().get(i), gs[i]); // the bug
            }
        }
        Map<String, Tensor> out = new HashMap<>();
        for (Parameter p : g.parameters()) {
            out.put(p.name(), grad.get(g.node(p.name())));
        }
        return out;
    }

    @Test
    void badArgumentsAreRejectedWithAnExplanation() {
        assertThatThrownBy(() -> CHECKER.checkOp(TestOps.MATMUL, Tensor.randn(2, 2, 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("MatMul expects 2 inputs (A, B), got 1");
        Graph g = new Graph();
        Node w = g.parameter(new Parameter("w", Tensor.randn(2, 2, 1)));
        Node notScalar = g.apply("sin", TestOps.SIN, w);
        assertThatThrownBy(() -> CHECKER.checkEndToEnd(g, notScalar))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2×2").hasMessageContaining("needs a scalar loss")
                .hasMessageStartingWith("checkEndToEnd: ");
        Node loss = g.apply("sum", TestOps.SUM, notScalar);
        assertThatThrownBy(() -> CHECKER.checkEndToEnd(g, loss, Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no analytic gradient for parameter 'w'");
        w.parameter().value().set(0, 0, 5.0); // changed without recompute()
        assertThatThrownBy(() -> CHECKER.checkEndToEnd(g, loss))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stale")
                .hasMessageContaining("graph.recompute()");
        g.recompute();
        assertThat(CHECKER.checkEndToEnd(g, loss).passed()).isTrue();
        assertThatThrownBy(() -> CHECKER.withThreads(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CHECKER.withStep(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CHECKER.fast(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CHECKER.subset(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CHECKER.withTolerance(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }
}
