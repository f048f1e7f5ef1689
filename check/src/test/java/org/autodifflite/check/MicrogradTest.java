package org.autodifflite.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.autodifflite.core.Graph;
import org.autodifflite.core.Node;
import org.junit.jupiter.api.Test;

/**
 * micrograd's two published examples (karpathy/micrograd: {@code test/test_engine.py}'s sanity
 * check and the README), statement for statement through the expression API, with micrograd's
 * published figures; then the gradient checker over every node and end to end over the
 * variables.
 */
class MicrogradTest {

    @Test
    void sanityCheckFromTestEngine() {
        Graph graph = new Graph();
        Node x = graph.variable("x", -4);
        Node z = x.mul(2).add(2).add(x);
        Node q = z.relu().add(z.mul(x));
        Node h = z.mul(z).relu();
        Node y = h.add(q).add(q.mul(x));
        graph.backward(y);

        assertThat(y.item()).isEqualTo(-20.0);
        assertThat(x.grad().item()).isEqualTo(46.0);
        assertCheckedEverywhere(graph, y, "x");
    }

    @Test
    void readmeExample() {
        Graph graph = new Graph();
        Node a = graph.variable("a", -4);
        Node b = graph.variable("b", 2);
        Node c = a.add(b);
        Node d = a.mul(b).add(b.pow(3));
        c = c.add(c.add(1));
        c = c.add(graph.constant(1).add(c).add(a.neg()));
        d = d.add(d.mul(2).add(b.add(a).relu()));
        d = d.add(d.mul(3).add(b.sub(a).relu()));
        Node e = c.sub(d);
        Node f = e.pow(2);
        Node g = f.div(2);
        g = g.add(graph.constant(10).div(f));
        graph.backward(g);

        assertThat(fourDecimals(g.item())).isEqualTo("24.7041");
        assertThat(fourDecimals(a.grad().item())).isEqualTo("138.8338");
        assertThat(fourDecimals(b.grad().item())).isEqualTo("645.5773");
        assertCheckedEverywhere(graph, g, "a", "b");
    }

    /** As micrograd prints it: {@code f'{g.data:.4f}'}. */
    private static String fourDecimals(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }

    /**
     * The default checker passes the graph, every op node's every input compared entry by entry
     * and passing (no kink skipped), and end to end each variable.
     */
    private static void assertCheckedEverywhere(Graph graph, Node loss, String... variables) {
        CheckReport report = GradientChecker.defaults().checkGraph(graph, loss);

        assertThat(report.passed()).as(report.render()).isTrue();
        Set<String> opNodes = new TreeSet<>();
        for (Node n : graph.nodes()) {
            if (n.op() != null) {
                opNodes.add(n.label());
            }
        }
        Set<String> checkedNodes = new TreeSet<>();
        Set<String> endToEnd = new TreeSet<>();
        for (InputResult r : report.results()) {
            assertThat(r.verdict()).as(r.toString()).isEqualTo(Verdict.PASS);
            assertThat(r.entriesChecked()).as(r.toString()).isEqualTo(r.entriesTotal()).isPositive();
            (r.endToEnd() ? endToEnd : checkedNodes).add(r.endToEnd() ? r.inputName() : r.node());
        }
        assertThat(checkedNodes).isEqualTo(opNodes);
        assertThat(endToEnd).containsExactlyInAnyOrder(variables);
        assertThat(report.endToEndDifference()).isLessThan(1e-8);
    }
}
