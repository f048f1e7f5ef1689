package org.autodifflite.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.autodifflite.check.GradientAssertions.assertGradientsCorrect;

import org.apache.commons.math3.random.Well19937c;
import org.autodifflite.check.CheckReport;
import org.autodifflite.check.GradientChecker;
import org.autodifflite.check.InputResult;
import org.autodifflite.check.Verdict;
import org.autodifflite.core.Tensor;
import org.autodifflite.layers.ops.Conv2d;
import org.autodifflite.layers.ops.MaxPool2d;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The spatial ops' hand-written backward passes, proved by the default gradient checker on
 * 1,000 seeded inputs each (the edge shapes of {@link SpatialCases} first, then random
 * geometries); a max-pool tie is reported as a kink, skipped, never as wrong.
 */
class SpatialGradientTest {

    private static final GradientChecker CHECKER = GradientChecker.defaults().withThreads(1);

    private static final int MANY = 1000;

    @ParameterizedTest(name = "{0}")
    @EnumSource(SpatialCases.Kind.class)
    void backwardIsCorrectOnAThousandSeededInputsEdgeShapesIncluded(SpatialCases.Kind kind) {
        int entries = 0;
        int skipped = 0;
        for (int k = 0; k < MANY; k++) {
            SpatialCases.Case c = SpatialCases.draw(kind, k, new Well19937c(20_000 + k));
            CheckReport r = CHECKER.withSeed(k).checkOp(c.op(), c.inputs());
            assertThat(r.passed()).as("%s, case %d:%n%s", c, k, r.render()).isTrue();
            for (InputResult ir : r.results()) {
                assertThat(ir.verdict()).as("%s, case %d:%n%s", c, k, r.render()).isIn(Verdict.PASS, Verdict.SKIPPED);
                entries += ir.entriesChecked();
                skipped += ir.entriesSkipped();
            }
        }
        System.out.printf("%s: %d seeded inputs passed, %d entries checked, %d skipped at kinks%n", kind, MANY, entries,
                skipped);
        if (kind != SpatialCases.Kind.MAX_POOL) {
            // Smooth ops (linear, in fact): an entry skipped there would be an entry never checked.
            assertThat(skipped).as("entries of a smooth op skipped as kinks").isZero();
        }
    }

    @Test
    void aMaxPoolTieIsAKinkSkippedNotAFailure() {
        // Window (0,0) holds a tie of two 5s, window (0,1) a three-way tie of 3s; every other
        // value is distinct, so exactly those five entries are not differentiable.
        Tensor x = Tensor.wrap(new int[] {1, 1, 2, 4}, new double[] {5, 5, 3, 3, 1, 2, 3, 0.5});
        CheckReport r = CHECKER.checkOp(new MaxPool2d(2), x);
        assertThat(r.passed()).as(r.render()).isTrue();
        InputResult ir = r.results().get(0);
        assertThat(ir.entriesSkipped()).as(r.render()).isEqualTo(5);
        assertThat(ir.diagnosis()).as(r.render()).contains("5 entries skipped at a kink");
        assertThat(ir.entriesChecked()).isEqualTo(8);
    }

    @Test
    void theShippedConvolutionPassesAtTheSizeOfARealLayer() {
        // 3 channels of 16×16, 8 filters of 3×3, batch 2, padding 1: 1,760 entries, every one checked.
        Tensor x = Tensor.randn(new int[] {2, 3, 16, 16}, 1L);
        Tensor w = Tensor.randn(new int[] {8, 3, 3, 3}, 2L);
        Tensor b = Tensor.randn(new int[] {8}, 3L);
        assertGradientsCorrect(GradientChecker.defaults(), new Conv2d(1, 1), x, w, b);
    }
}
