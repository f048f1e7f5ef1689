package org.autodifflite.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.autodifflite.core.Op;
import org.autodifflite.core.Tensor;
import org.junit.jupiter.api.Test;

/** The public API in its simplest use: a correct op passes, a broken one fails with a report. */
class GradientCheckerApiTest {

    private static final Op LINEAR = TestOps.linear();

    @Test
    void correctOpPassesEveryEntry() {
        Tensor x = Tensor.randn(4, 3, 1);
        Tensor w = Tensor.randn(5, 4, 2);
        Tensor b = Tensor.randn(5, 1, 3);
        CheckReport report = GradientChecker.defaults().checkOp(LINEAR, x, w, b);
        assertThat(report.passed()).as(report.render()).isTrue();
        assertThat(report.failures()).isEmpty();
        assertThat(report.results()).hasSize(3);
        assertThat(report.results()).allSatisfy(r -> {
            assertThat(r.verdict()).isEqualTo(Verdict.PASS);
            assertThat(r.entriesChecked()).isEqualTo(r.entriesTotal());
        });
        assertThat(report.results().get(1).entriesTotal()).isEqualTo(20);
    }

    @Test
    void doubledGradientFailsOnThatInputOnly() {
        Op broken = TestOps.scaled(LINEAR, 1, 2.0);
        CheckReport report = GradientChecker.defaults().checkOp(broken, Tensor.randn(4, 3, 1),
                Tensor.randn(5, 4, 2), Tensor.randn(5, 1, 3));
        assertThat(report.passed()).isFalse();
        assertThat(report.failures()).singleElement().satisfies(f -> {
            assertThat(f.inputName()).isEqualTo("W");
            assertThat(f.verdict()).isEqualTo(Verdict.FAIL);
            assertThat(f.diagnosis()).contains("analytic = 2.00 × numeric")
                    .contains("check the scale of the gradient for W in Linear's backward");
            assertThat(f.worstEntries()).isNotEmpty();
        });
        assertThat(report.render()).contains("Linear").contains("FAIL").contains("20/20");
    }

    @Test
    void graphAssertionPassesTheCorrectSeedNetworkAndNamesTheBuggyNodes() {
        SeedNetwork ok = SeedNetwork.correct();
        GradientAssertions.assertGradientsCorrect(GradientChecker.defaults(), ok.graph, ok.loss);
        SeedNetwork buggy = SeedNetwork.buggy();
        assertThatThrownBy(() -> GradientAssertions.assertGradientsCorrect(GradientChecker.defaults(),
                buggy.graph, buggy.loss))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("layer1.b (= b1) FAIL, layer2.W (= W2) FAIL")
                .hasMessageContaining("analytic = 4.00 × numeric");
    }

    @Test
    void assertionCarriesTheRenderedReport() {
        GradientAssertions.assertGradientsCorrect(TestOps.SIN, Tensor.randn(3, 3, 7));
        Op broken = TestOps.scaled(TestOps.SIN, 0, 2.0);
        assertThatThrownBy(() -> GradientAssertions.assertGradientsCorrect(broken, Tensor.randn(3, 3, 7)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Sin")
                .hasMessageContaining("analytic = 2.00 × numeric")
                .hasMessageContaining("FAIL");
    }
}
