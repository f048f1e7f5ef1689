package org.autodifflite.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.autodifflite.core.Graph;
import org.autodifflite.core.Node;
import org.autodifflite.core.Op;
import org.autodifflite.core.Parameter;
import org.autodifflite.core.Tensor;
import org.junit.jupiter.api.Test;

/** The report's layout: narrow rows, one name per culprit, no repeated op, the HTML page. */
class ReportLayoutTest {

    @Test
    void everyLineFitsIn120ColumnsAndTheWorstEntriesGoBelowTheTable() {
        SeedNetwork net = SeedNetwork.buggy();
        CheckReport r = GradientChecker.defaults().checkGraph(net.graph, net.loss);
        String text = r.render();
        assertThat(text.lines()).allSatisfy(l -> assertThat(l.length()).as(l).isLessThanOrEqualTo(120));
        String row = text.lines().filter(l -> l.startsWith("layer1 ") && l.contains("FAIL")).findFirst().orElseThrow();
        assertThat(row).doesNotContain("analytic").doesNotContain("worst");
        assertThat(text).contains("layer1.b (= b1), op Linear: FAIL\n  analytic = 4.00 × numeric on all 5 checked entries")
                .contains("  worst entries  analytic       numeric        |difference|  allowed\n  (0, 0)         7.104674e+00");
        // the diagnosis keeps the worst entries for those who read it alone
        assertThat(r.failures().get(0).diagnosis()).contains("; worst: (0, 0): analytic 7.104674e+00");
        assertThat(r.failures().get(0).explanation()).doesNotContain("worst");
    }

    @Test
    void aNodeInputThatIsAParameterSaysWhichOne() {
        SeedNetwork net = SeedNetwork.buggy();
        CheckReport r = GradientChecker.defaults().checkGraph(net.graph, net.loss);
        InputResult b = r.failures().get(0);
        assertThat(b.parameter()).isEqualTo("b1");
        assertThat(b.displayName()).isEqualTo("layer1.b (= b1)");
        assertThat(r.summary()).contains("(layer1.b (= b1) FAIL, layer2.W (= W2) FAIL, end-to-end b1 FAIL, end-to-end W2 FAIL)");
        assertThat(r.results().get(0).parameter()).isNull(); // X is data
        assertThat(r.render()).contains("layer1   Linear      b (= b1)");
    }

    @Test
    void aCheckOfOneOpDoesNotRepeatItsName() {
        CheckReport r = GradientChecker.defaults().checkOp(TestOps.linear(), Tensor.randn(4, 3, 1),
                Tensor.randn(5, 4, 2), Tensor.randn(5, 1, 3));
        String text = r.render();
        assertThat(text).contains("op: Linear (checked alone)\ninput  shape  verified  rel.diff  max|err|  verdict\nX  ");
        assertThat(text).doesNotContain("Linear  Linear");
    }

    @Test
    void checkGraphNamesItselfWhenTheLossIsNotAScalar() {
        Graph g = new Graph();
        Node w = g.parameter(new Parameter("w", Tensor.randn(2, 2, 1)));
        Node notScalar = g.apply("sin", TestOps.SIN, w);
        assertThatThrownBy(() -> GradientChecker.defaults().checkGraph(g, notScalar))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("checkGraph: the loss node 'sin' is 2×2; the end-to-end check needs a scalar loss, one"
                        + " value (reduce it, e.g. a mean)");
    }

    @Test
    void assertGradientsCorrectOnAGraphWithTheDefaultChecker() {
        SeedNetwork ok = SeedNetwork.correct();
        GradientAssertions.assertGradientsCorrect(ok.graph, ok.loss);
        SeedNetwork buggy = SeedNetwork.buggy();
        assertThatThrownBy(() -> GradientAssertions.assertGradientsCorrect(buggy.graph, buggy.loss))
                .isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("gradients are wrong:\ngradient check FAILED: 4 failing of 19 checked")
                .hasMessageContaining("entries 160 verified, 0 skipped at kinks, 0 not checked");
    }

    @Test
    void aNonSquareGradientComputedTransposedAndReshapedIsDiagnosedTransposed() {
        // W is 3×5: the planted bug reads dWᵀ's row-major data back as 3×5
        Op reshaped = TestOps.breaking(TestOps.linear(), 1,
                (gr, g) -> Tensor.wrap(gr.rows(), gr.cols(), gr.transpose().data().clone()));
        Tensor[] x = {Tensor.randn(5, 4, 1), Tensor.randn(3, 5, 2), Tensor.randn(3, 1, 3)};
        for (GradientChecker c : new GradientChecker[] {GradientChecker.defaults(), GradientChecker.defaults().subset(6)}) {
            CheckReport r = c.checkOp(reshaped, x);
            assertThat(r.failures()).as(r.render()).singleElement().satisfies(f -> assertThat(f.diagnosis())
                    .contains("transposed: analytic ≈ numericᵀ read in the shape 3×5 (the gradient was computed as"
                            + " its transpose, 5×3, and reshaped)"));
        }
        // a wrong gradient that is not transposed is not called transposed
        Op noise = TestOps.breaking(TestOps.linear(), 1, (gr, g) -> gr.map(v -> v + 0.5));
        assertThat(GradientChecker.defaults().checkOp(noise, x).failures().get(0).diagnosis()).doesNotContain("transposed");
    }

    @Test
    void anUnreducedGradientIsNamedInTheContractMessage() {
        Op unreduced = TestOps.breaking(TestOps.linear(), 2, (gr, g) -> g.copy());
        CheckReport r = GradientChecker.defaults().checkOp(unreduced, Tensor.randn(4, 3, 1), Tensor.randn(5, 4, 2),
                Tensor.randn(5, 1, 3));
        assertThat(r.results().get(2).diagnosis()).isEqualTo("backward returned a 5×3 gradient for b of shape 5×1;"
                + " each gradient must be shaped like its input; it looks un-reduced: it has the output's shape 5×3,"
                + " and b (5×1) is broadcast along axis 1 of it; sum the gradient over axis 1 down to 5×1"
                + " (Tensor.sumTo(5×1))");
        Op wrongAxis = TestOps.breaking(TestOps.linear(), 2, (gr, g) -> g.sumCols());
        assertThat(GradientChecker.defaults().checkOp(wrongAxis, Tensor.randn(4, 3, 1), Tensor.randn(5, 4, 2),
                Tensor.randn(5, 1, 3)).results().get(2).diagnosis())
                .contains("backward returned a 1×3 gradient for b of shape 5×1")
                .contains("it looks reduced over the wrong axes: b (5×1) is broadcast along axis 1 of the output 5×3,"
                        + " so sum the upstream gradient over axis 1 (Tensor.sumTo(5×1)), not over axis 0");
    }

    @Test
    void shapeHintsWorkPerAxisForAnyRank() {
        assertThat(Shapes.gradientShapeHint(new int[] {2, 4, 3}, new int[] {4, 1}, new int[] {2, 4, 3}, "b"))
                .contains("sum the gradient over axes 0 and 2 down to 4×1");
        assertThat(Shapes.gradientShapeHint(new int[] {2, 5, 3, 4}, new int[] {2, 1, 3, 4}, new int[] {2, 5, 3, 4}, "y"))
                .contains("y (2×1×3×4) is broadcast along axis 1 of it; sum the gradient over axis 1 down to 2×1×3×4");
        assertThat(Shapes.gradientShapeHint(new int[] {2, 5, 1, 4}, new int[] {2, 1, 3, 4}, new int[] {2, 5, 3, 4}, "y"))
                .contains("it looks reduced over the wrong axes: y (2×1×3×4) is broadcast along axis 1 of the output"
                        + " 2×5×3×4, so sum the upstream gradient over axis 1 (Tensor.sumTo(2×1×3×4)), not over axis 2");
        assertThat(Shapes.gradientShapeHint(new int[] {3, 2}, new int[] {2, 3}, null, "W")).isEqualTo(" (it looks transposed)");
        assertThat(Shapes.gradientShapeHint(new int[] {2, 4, 5, 3}, new int[] {2, 4, 3, 5}, null, "W"))
                .isEqualTo(" (it looks transposed: its last two axes, 2 and 3, are swapped)");
        // Swapped leading axes are no transpose of the matrices.
        assertThat(Shapes.gradientShapeHint(new int[] {4, 2, 5, 3}, new int[] {2, 4, 3, 5}, null, "W")).isEmpty();
        assertThat(Shapes.index(7, new int[] {2, 2, 3})).isEqualTo("(1, 0, 1)");
        assertThat(Shapes.index(4, new int[] {5})).isEqualTo("(4)");
        assertThat(Shapes.index(0, new int[] {})).isEqualTo("()");
        assertThat(Shapes.shape(new int[] {2, 3, 4})).isEqualTo("2×3×4");
        assertThat(Shapes.shape(new int[] {5})).isEqualTo("(5)");
        assertThat(Shapes.shape(new int[] {})).isEqualTo("()");
    }

    @Test
    void theNodesAreTheGraphAsItWasChecked() {
        SeedNetwork net = SeedNetwork.correct();
        CheckReport r = GradientChecker.defaults().checkGraph(net.graph, net.loss);
        // The report draws its nodes when asked; by then the graph has a new batch and a node more.
        net.graph.feed(net.graph.node("X"), Tensor.randn(4, 5, 1));
        net.graph.feed(net.graph.node("Y"), Tensor.filled(1, 5, 1.0));
        net.graph.recompute();
        net.graph.apply("twice", TestOps.ADD, net.loss, net.loss);
        assertThat(r.nodes()).hasSize(15);
        assertThat(r.nodes().get(0).label()).isEqualTo("X");
        assertThat(r.nodes().get(0).shape()).isEqualTo("4×3");
        assertThat(r.nodes().get(8).shape()).isEqualTo("5×3");
        assertThat(r.nodes().get(14).inputs()).containsExactly(13, 1);
    }

    @Test
    void theHtmlPageIsSelfContainedAndCarriesTheGraph() {
        SeedNetwork net = SeedNetwork.buggy();
        CheckReport r = GradientChecker.defaults().checkGraph(net.graph, net.loss);
        String html = r.toHtml();
        assertThat(html).startsWith("<!DOCTYPE html>").contains("<body data-passed=\"false\">")
                .contains("dagre.graphlib.Graph").contains("id=\"graph-data\"")
                .contains("{\"id\":8,\"label\":\"layer1\",\"kind\":\"op\",\"sub\":\"Linear · 5×3\",\"verdict\":\"FAIL\"}")
                .contains("\"label\":\"b1\",\"kind\":\"parameter\",\"sub\":\"parameter · 5×1\",\"verdict\":\"FAIL\"")
                .contains("\"label\":\"X\",\"kind\":\"input\",\"sub\":\"input · 4×3\",\"verdict\":\"DATA\"")
                .contains("<svg class=\"heatmap\"");
        // nothing is loaded from elsewhere
        assertThat(html).doesNotContainPattern("<script[^>]+src=").doesNotContainPattern("<link[^>]+href=")
                .doesNotContain("@import");
        assertThat(r.nodes()).hasSize(15);
        assertThat(r.nodes().get(8).inputs()).containsExactly(0, 2, 3);
        assertThat(r.nodeVerdict("layer2")).isEqualTo(Verdict.FAIL);
        assertThat(r.nodeVerdict("relu1")).isEqualTo(Verdict.PASS);
        assertThat(r.nodeVerdict("X")).isNull();
        // a passing check of one op draws the op and its inputs
        String one = GradientChecker.defaults().checkOp(TestOps.SIN, Tensor.randn(2, 2, 1)).toHtml();
        assertThat(one).contains("\"label\":\"Sin\",\"kind\":\"op\"").contains("<body data-passed=\"true\">")
                .doesNotContain("<svg class=\"heatmap\"");
    }

    @Test
    void theHeatMapOfAHugeInputIsDownsampledAndSaysSo() {
        Tensor x = Tensor.randn(66, 130, 1);
        // Core's Tanh evaluates one entry at a time (FastForward), so 8,580 entries take well under a second.
        org.autodifflite.core.Op tanh = new org.autodifflite.core.ops.Tanh();
        CheckReport r = GradientChecker.defaults().withThreads(2).checkOp(TestOps.scaled(tanh, 0, 1.5), x);
        InputResult f = r.failures().get(0);
        ErrorMap m = f.errorMap();
        assertThat(m.downsampled()).isTrue();
        assertThat(m.cellRows).isLessThanOrEqualTo(ErrorMap.MAX_SIDE);
        assertThat(m.cellCols).isLessThanOrEqualTo(ErrorMap.MAX_SIDE);
        assertThat(m.error.length).isLessThanOrEqualTo(ErrorMap.MAX_SIDE * ErrorMap.MAX_SIDE);
        assertThat(r.toHtml()).contains("downsampled: each cell is a block of 2 × 3 entries");
        // passing inputs keep no map
        assertThat(GradientChecker.defaults().checkOp(tanh, x).results().get(0).errorMap()).isNull();
    }
}
