package org.autodifflite.check;

import static org.assertj.core.api.Assertions.assertThat;

import org.autodifflite.core.Op;
import org.autodifflite.core.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A random direction moves many entries at once, so it can cross kinks that no single entry's
 * step reaches (as end to end through the ReLUs of a wide net). Such a direction must not make a
 * correct gradient FAIL when no entry is wrong, and must not hide an entry that is.
 */
class FastModeKinkTest {

    /** y = Σ_j relu(Σ_k W_jk): each row sum is a kink that a direction crosses sooner than an entry. */
    private static final Op SUM_RELU_ROW_SUMS = TestOps.custom("SumReluRowSums",
            w -> Tensor.scalar(w.sumRows().map(s -> Math.max(s, 0)).sum()),
            (w, g) -> w.sumRows().map(s -> s > 0 ? 1 : 0).multiply(Tensor.ones(w.rows(), w.cols()))
                    .scale(g.item()));

    /** Rows whose sums lie a few steps from 0: beyond one entry's step, within a direction's. */
    private static Tensor nearKinks(long seed) {
        Tensor w = Tensor.randn(32, 64, seed).scale(0.3);
        Tensor sums = w.sumRows();
        Tensor jitter = Tensor.uniform(32, 1, -2e-4, 2e-4, new org.apache.commons.math3.random.Well19937c(seed));
        // shift each row so that its sum equals its jitter
        return w.subtract(sums.subtract(jitter).scale(1.0 / 64));
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void aCorrectGradientIsNotBlamedForKinksCrossedAlongADirection(long seed) {
        CheckReport r = GradientChecker.defaults().fast(8).withSeed(seed).checkOp(SUM_RELU_ROW_SUMS, nearKinks(seed));
        assertThat(r.passed()).as(r.render()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void aWrongGradientNearKinksIsStillCaughtAndDiagnosed(long seed) {
        CheckReport r = GradientChecker.defaults().fast(8).withSeed(seed)
                .checkOp(TestOps.scaled(SUM_RELU_ROW_SUMS, 0, 1.5), nearKinks(seed));
        assertThat(r.passed()).as(r.render()).isFalse();
        assertThat(r.failures().get(0).diagnosis()).as(r.render()).contains("analytic = 1.50 × numeric");
    }
}
