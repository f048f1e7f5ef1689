package org.autodifflite.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.autodifflite.check.CheckReport;
import org.autodifflite.check.GradientAssertions;
import org.autodifflite.check.GradientChecker;
import org.autodifflite.check.InputResult;
import org.autodifflite.core.Tensor;
import org.autodifflite.layers.model.ModelGraph;
import org.autodifflite.layers.model.Sequential;
import org.autodifflite.layers.ops.BinaryCrossEntropy;
import org.junit.jupiter.api.Test;

/**
 * A ReLU model checked end to end on a realistic batch of 1,000 samples meets many kinks (each
 * parameter moves every sample's ReLU inputs): the summary says how many entries were verified
 * and how many skipped, calls the check weak, and {@code minimumCoverage(0.9)} fails it, saying why.
 */
class BigBatchCoverageTest {

    @Test
    void aThousandSampleEndToEndCheckStatesItsCoverageAndAMinimumTurnsItIntoAFailure() {
        Sequential model = Sequential.builder(4).seed(3).dense("fc1", 16).relu().dense("fc2", 8).relu()
                .dense("fc3", 1).sigmoid().loss(new BinaryCrossEntropy()).build();
        Tensor x = Tensor.randn(4, 1000, 11);
        Tensor y = Tensor.zeros(1, 1000);
        for (int k = 0; k < 1000; k++) {
            y.set(0, k, x.get(0, k) + x.get(1, k) > 0 ? 1 : 0);
        }
        ModelGraph mg = model.graph(x, y, true);
        CheckReport r = GradientChecker.defaults().checkEndToEnd(mg.graph(), mg.loss());
        assertThat(r.failures()).as(r.render()).isEmpty();
        assertThat(r.entriesSkipped()).isPositive();
        assertThat(r.summary()).contains("entries " + r.entriesVerified() + " verified, " + r.entriesSkipped()
                + " skipped at kinks, 0 not checked").contains("; weak: ");
        assertThat(r.weakInputs()).isNotEmpty();
        InputResult worst = r.weakInputs().get(0);
        assertThat(worst.verifiedShare()).isLessThan(0.9);
        // The verified column counts the verified entries only.
        assertThat(r.render()).contains(worst.entriesVerified() + "/" + worst.entriesTotal() + " ("
                + worst.entriesSkipped() + " kink)");

        GradientChecker strict = GradientChecker.defaults().minimumCoverage(0.9);
        CheckReport s = strict.checkEndToEnd(mg.graph(), mg.loss());
        assertThat(s.passed()).isFalse();
        assertThat(s.summary()).startsWith("gradient check FAILED: 0 failing of 6 checked; minimum coverage 90 % not met by")
                .contains(worst.displayName());
        assertThat(s.render()).contains("Minimum coverage not met, so the check FAILED")
                .contains("verified less than the required 90 %");
        assertThatThrownBy(() -> GradientAssertions.assertGradientsCorrect(strict, mg.graph(), mg.loss()))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("minimum coverage 90 % not met by");
    }
}
