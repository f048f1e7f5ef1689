package org.autodifflite.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.autodifflite.core.Graph;
import org.autodifflite.core.Node;
import org.autodifflite.core.Parameter;
import org.autodifflite.core.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Coverage is stated honestly: entries verified, skipped at kinks and not checked are counted
 * apart on every summary; a check resting on too few entries says so; and
 * {@link GradientChecker#minimumCoverage(double)} turns it into a failure that says why.
 */
class HonestCoverageTest {

    private static Graph graph;
    private static Node loss;

    /** A 4 → 8 → 1 ReLU network on a batch of 1,000 samples: many ReLU inputs near 0. */
    @BeforeAll
    static void bigBatchReluNetwork() {
        graph = new Graph();
        Node x = graph.input("X", Tensor.randn(4, 1000, 2));
        Node y = graph.input("Y", Tensor.uniform(1, 1000, 0, 1, new org.apache.commons.math3.random.Well19937c(3)));
        Node w1 = graph.parameter(new Parameter("fc1.weight", Tensor.randn(8, 4, 4).scale(0.5)));
        Node b1 = graph.parameter(new Parameter("fc1.bias", Tensor.zeros(8, 1)));
        Node w2 = graph.parameter(new Parameter("fc2.weight", Tensor.randn(1, 8, 5).scale(0.5)));
        Node b2 = graph.parameter(new Parameter("fc2.bias", Tensor.zeros(1, 1)));
        Node h = graph.apply("relu1", TestOps.RELU, graph.apply("fc1", TestOps.linear(), x, w1, b1));
        Node a = graph.apply("sigmoid", TestOps.SIGMOID, graph.apply("fc2", TestOps.linear(), h, w2, b2));
        loss = graph.apply("loss", TestOps.BCE, a, y);
    }

    @Test
    void aBigBatchEndToEndSaysHowManyEntriesWereSkippedAndThatTheCheckIsWeak() {
        CheckReport r = GradientChecker.defaults().checkEndToEnd(graph, loss);
        assertThat(r.passed()).as(r.render()).isTrue();
        InputResult w1 = r.results().get(0);
        assertThat(w1.inputName()).isEqualTo("fc1.weight");
        assertThat(w1.entriesSkipped()).isGreaterThan(w1.entriesChecked() / 10);
        assertThat(w1.entriesVerified()).isEqualTo(w1.entriesChecked() - w1.entriesSkipped());
        assertThat(w1.weak()).isTrue();
        // the verified column does not count skipped entries
        assertThat(r.render()).contains(w1.entriesVerified() + "/32 (" + w1.entriesSkipped() + " kink)");
        long verified = r.entriesVerified();
        long skipped = r.entriesSkipped();
        assertThat(verified + skipped + r.entriesNotChecked()).isEqualTo(32 + 8 + 8 + 1);
        assertThat(r.summary()).contains("entries " + verified + " verified, " + skipped + " skipped at kinks, 0 not checked")
                .contains("; weak: ").contains("end-to-end fc1.weight");
        assertThat(r.render()).contains("Coverage is weak: over 10 % of the entries checked were skipped at kinks")
                .contains("smaller batch").contains("another point").contains("minimumCoverage(share)");
        assertThat(r.weakInputs()).first().isSameAs(r.weakInputs().stream()
                .min((p, q) -> Double.compare(p.verifiedShare(), q.verifiedShare())).orElseThrow());
        assertThat(r.coverageShortfalls()).isEmpty();
    }

    @Test
    void minimumCoverageTurnsAWeakCheckIntoAFailureAndSaysWhy() {
        GradientChecker strict = GradientChecker.defaults().minimumCoverage(0.9);
        CheckReport r = strict.checkEndToEnd(graph, loss);
        assertThat(r.failures()).isEmpty();
        assertThat(r.passed()).isFalse();
        InputResult w1 = r.results().get(0);
        assertThat(r.coverageShortfalls()).contains(w1);
        String share = ReportFormat.pct(w1.verifiedShare());
        assertThat(r.summary()).startsWith("gradient check FAILED: 0 failing of 4 checked; minimum coverage 90 % not met by")
                .contains("end-to-end fc1.weight " + share + " verified");
        assertThat(r.render()).contains("Minimum coverage not met, so the check FAILED")
                .contains("verified less than the required 90 % of its checked entries")
                .contains("minimum coverage 90 %");
        assertThatThrownBy(() -> {
            CheckReport again = strict.checkEndToEnd(graph, loss);
            if (!again.passed()) {
                throw new AssertionError("gradients were not verified enough (minimum coverage not met):\n"
                        + again.render());
            }
        }).isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("gradients were not verified enough (minimum coverage not met):")
                .hasMessageContaining("skipped at kinks");
        // the same network on a small batch verifies (almost) everything and passes the same bar
        Graph small = new Graph();
        Node x = small.input("X", Tensor.randn(4, 3, 5));
        Node y = small.input("Y", Tensor.row(0.2, 0.9, 0.4));
        Node h = small.apply("relu1", TestOps.RELU, small.apply("fc1", TestOps.linear(), x,
                small.parameter(new Parameter("fc1.weight", Tensor.randn(8, 4, 4).scale(0.5))),
                small.parameter(new Parameter("fc1.bias", Tensor.zeros(8, 1)))));
        Node l = small.apply("loss", TestOps.BCE, small.apply("sigmoid", TestOps.SIGMOID, small.apply("fc2",
                TestOps.linear(), h, small.parameter(new Parameter("fc2.weight", Tensor.randn(1, 8, 5).scale(0.5))),
                small.parameter(new Parameter("fc2.bias", Tensor.zeros(1, 1))))), y);
        CheckReport ok = strict.checkGraph(small, l);
        assertThat(ok.passed()).as(ok.render()).isTrue();
        assertThat(ok.summary()).contains("entries " + ok.entriesVerified() + " verified, 0 skipped at kinks, 0 not checked");
    }

    @Test
    void minimumCoverageMustBeAShare() {
        assertThatThrownBy(() -> GradientChecker.defaults().minimumCoverage(1.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("minimumCoverage: the share of checked entries that must be verified must be within"
                        + " [0, 1] (0.9 for 90 %), got 1.5");
        assertThatThrownBy(() -> GradientChecker.defaults().minimumCoverage(Double.NaN))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(GradientChecker.defaults().minimumCoverage(0).checkOp(TestOps.RELU, Tensor.scalar(0)).passed())
                .isTrue();
        assertThat(GradientChecker.defaults().minimumCoverage(0.5).checkOp(TestOps.RELU, Tensor.scalar(0)).passed())
                .isFalse();
    }

    @Test
    void subsetAndFastModesCountWhatTheyDidNotCheck() {
        CheckReport subset = GradientChecker.defaults().subset(5).checkOp(TestOps.MATMUL, Tensor.randn(10, 10, 1),
                Tensor.randn(10, 2, 2));
        assertThat(subset.entriesVerified()).isEqualTo(10);
        assertThat(subset.entriesNotChecked()).isEqualTo(110);
        assertThat(subset.summary()).contains("entries 10 verified, 0 skipped at kinks, 110 not checked;");
        CheckReport fast = GradientChecker.defaults().fast(2).checkOp(TestOps.SIN, Tensor.randn(40, 40, 1));
        assertThat(fast.summary()).contains("entries 0 verified, 0 skipped at kinks, 1600 not checked one by one"
                + " (2 random directions per input)");
        // directions that pass cover the input: a minimum coverage does not fail fast mode
        assertThat(GradientChecker.defaults().fast(2).minimumCoverage(1).checkOp(TestOps.SIN, Tensor.randn(4, 4, 1))
                .passed()).isTrue();
        String json = fast.toJson();
        assertThat(json).contains("\"entriesVerified\":0,\"entriesSkipped\":0,\"entriesNotChecked\":1600");
    }
}
