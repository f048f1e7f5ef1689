package org.autodifflite.check;

import static org.assertj.core.api.Assertions.assertThat;

import org.autodifflite.core.Graph;
import org.autodifflite.core.Node;
import org.autodifflite.core.Parameter;
import org.autodifflite.core.Tensor;
import org.junit.jupiter.api.Test;

/**
 * A NaN or infinite input entry is reported on that input alone, with its index, the op or node
 * and the input's name, before any difference is taken; a non-finite output from finite inputs
 * keeps its own message.
 */
class NonFiniteInputTest {

    private static final GradientChecker CHECKER = GradientChecker.defaults();

    @Test
    void aNanInOneInputIsNamedOnThatInputAlone() {
        Tensor x = Tensor.randn(4, 3, 1);
        x.set(2, 1, Double.NaN);
        CheckReport r = CHECKER.checkOp(TestOps.linear(), x, Tensor.randn(5, 4, 2), Tensor.randn(5, 1, 3));
        assertThat(r.failures()).singleElement().satisfies(f -> {
            assertThat(f.inputName()).isEqualTo("X");
            assertThat(f.verdict()).isEqualTo(Verdict.NON_FINITE);
            assertThat(f.diagnosis()).startsWith("X of Linear holds NaN at (2, 1)")
                    .doesNotContain("forward output");
            assertThat(f.entriesChecked()).isZero();
        });
        assertThat(r.results().subList(1, 3)).allSatisfy(o -> {
            assertThat(o.verdict()).isEqualTo(Verdict.SKIPPED);
            assertThat(o.diagnosis()).startsWith("not checked: X of Linear holds NaN at (2, 1)");
            assertThat(o.entriesNotChecked()).isEqualTo(o.entriesTotal());
        });
        assertThat(r.passed()).isFalse();
        assertThat(r.summary()).contains("(Linear.X NON_FINITE)");
    }

    @Test
    void infinitiesAreCountedAndTheFirstIsNamed() {
        Tensor w = Tensor.randn(5, 4, 2);
        w.set(0, 3, Double.POSITIVE_INFINITY);
        w.set(4, 0, Double.NEGATIVE_INFINITY);
        CheckReport r = CHECKER.checkOp(TestOps.linear(), Tensor.randn(4, 3, 1), w, Tensor.randn(5, 1, 3));
        assertThat(r.failures()).singleElement().satisfies(f -> assertThat(f.diagnosis())
                .startsWith("W of Linear holds Infinity at (0, 3) (2 of 20 entries are NaN or infinite)"));
    }

    @Test
    void aNanInAnInputThatIsNotCheckedFailsTheCheckedOnesNamingIt() {
        Tensor y = Tensor.row(1, 0, Double.NaN);
        CheckReport r = CHECKER.checkOp(TestOps.BCE, Tensor.row(0.3, 0.6, 0.9), y);
        assertThat(r.results()).singleElement().satisfies(f -> {
            assertThat(f.inputName()).isEqualTo("A");
            assertThat(f.verdict()).isEqualTo(Verdict.NON_FINITE);
            assertThat(f.diagnosis()).startsWith("not checked: Y of BCE holds NaN at (0, 2)");
        });
    }

    @Test
    void inAGraphTheNodeAndWhereTheValueCameFromAreNamed() {
        Graph g = new Graph();
        Tensor data = Tensor.randn(2, 3, 1);
        data.set(1, 2, Double.NaN);
        Node x = g.input("X", data);
        Node w = g.parameter(new Parameter("fc.weight", Tensor.randn(2, 2, 2)));
        Node b = g.parameter(new Parameter("fc.bias", Tensor.randn(2, 1, 3)));
        Node h = g.apply("fc", TestOps.linear(), x, w, b);
        Node loss = g.apply("sum", TestOps.SUM, g.apply("tanh", TestOps.TANH, h));
        CheckReport r = CHECKER.checkGraph(g, loss);
        assertThat(r.results().get(0).diagnosis()).startsWith("X of node 'fc' (Linear) (the value of node 'X')"
                + " holds NaN at (1, 2)");
        assertThat(r.results().get(3).diagnosis()).startsWith("x of node 'tanh' (Tanh) (the value of node 'fc')"
                + " holds NaN at (0, 2) (2 of 6 entries are NaN or infinite)");
        assertThat(r.results().stream().filter(InputResult::endToEnd)).allSatisfy(p -> {
            assertThat(p.verdict()).isEqualTo(Verdict.NON_FINITE);
            assertThat(p.diagnosis()).startsWith("not checked: the graph's input 'X' holds NaN at (1, 2)");
        });
        // a parameter holding NaN is named end to end, the other parameters are not checked
        data.set(1, 2, 0.5);
        w.parameter().value().set(0, 1, Double.NaN);
        g.recompute();
        CheckReport p = CHECKER.checkEndToEnd(g, loss);
        assertThat(p.failures()).singleElement().satisfies(f -> assertThat(f.diagnosis())
                .startsWith("parameter fc.weight holds NaN at (0, 1)"));
        assertThat(p.results().get(1).verdict()).isEqualTo(Verdict.SKIPPED);
        assertThat(p.passed()).isFalse();
    }

    @Test
    void aNonFiniteOutputFromFiniteInputsKeepsItsMessage() {
        CheckReport r = CHECKER.checkOp(TestOps.elementwise("Log", Math::log, t -> 1 / t), Tensor.row(1.0, -1.0));
        assertThat(r.failures()).singleElement().satisfies(f -> assertThat(f.diagnosis())
                .startsWith("the forward output is not finite at the point checked")
                .contains("(log of 0, division by 0, overflow)"));
    }
}
