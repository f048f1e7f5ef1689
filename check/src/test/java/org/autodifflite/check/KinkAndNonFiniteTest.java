package org.autodifflite.check;

import static org.assertj.core.api.Assertions.assertThat;

import org.autodifflite.core.Op;
import org.autodifflite.core.Tensor;
import org.junit.jupiter.api.Test;

/** Kinks are skipped, never failed nor silently passed; NaN and infinity never pass; 0 = 0 passes. */
class KinkAndNonFiniteTest {

    private static final GradientChecker CHECKER = GradientChecker.defaults();

    @Test
    void reluAtAndNearZeroIsSkippedWithTheReason() {
        Tensor x = Tensor.row(0.0, 1e-9, -1e-9, 0.5, -0.7);
        CheckReport r = CHECKER.checkOp(TestOps.RELU, x);
        InputResult in = r.results().get(0);
        assertThat(in.verdict()).isEqualTo(Verdict.PASS);
        assertThat(in.entriesChecked()).isEqualTo(5);
        assertThat(in.entriesSkipped()).isEqualTo(3);
        assertThat(in.diagnosis()).contains("3 entries skipped at a kink").contains("(0, 0), (0, 1), (0, 2)");
        assertThat(r.render()).contains("(3 kink)");
        assertThat(r.passed()).isTrue();
    }

    @Test
    void anInputOnlyAtKinksIsSkippedNotPassed() {
        for (double v : new double[] {0.0, 1e-9, -1e-9}) {
            InputResult in = CHECKER.checkOp(TestOps.RELU, Tensor.scalar(v)).results().get(0);
            assertThat(in.verdict()).as("x = %s", v).isEqualTo(Verdict.SKIPPED);
        }
    }

    @Test
    void eitherSubgradientAtTheKinkIsSkippedNeverFailed() {
        Op reluOneAtZero = TestOps.elementwise("ReLU'", t -> Math.max(0, t), t -> t >= 0 ? 1 : 0);
        assertThat(CHECKER.checkOp(reluOneAtZero, Tensor.scalar(0)).results().get(0).verdict())
                .isEqualTo(Verdict.SKIPPED);
        // a wrong gradient away from the kink is still caught next to a skipped entry
        Op broken = TestOps.scaled(TestOps.RELU, 0, 3);
        InputResult in = CHECKER.checkOp(broken, Tensor.row(0.0, 0.8)).results().get(0);
        assertThat(in.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(in.entriesSkipped()).isEqualTo(1);
    }

    @Test
    void smoothFunctionWithLargeCurvatureIsNotMistakenForAKink() {
        Tensor x = Tensor.row(0.0, 1e-9, -3, 3, 25);
        InputResult in = CHECKER.checkOp(TestOps.EXP, x).results().get(0);
        assertThat(in.entriesSkipped()).isZero();
        assertThat(in.verdict()).isEqualTo(Verdict.PASS);
        InputResult sq = CHECKER.checkOp(TestOps.custom("Square", t -> t.multiply(t),
                (t, g) -> g.multiply(t).scale(2)), Tensor.row(0.0, 1e-9, -1e-9)).results().get(0);
        assertThat(sq.entriesSkipped()).isZero();
        assertThat(sq.verdict()).isEqualTo(Verdict.PASS);
    }

    @Test
    void seedModeHasNoKinkHandlingLikeTheNotebook() {
        InputResult in = CHECKER.seedMode().checkOp(TestOps.RELU, Tensor.scalar(0)).results().get(0);
        assertThat(in.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(in.entriesSkipped()).isZero();
    }

    @Test
    void nanInTheForwardOutputIsNonFinite() {
        Op log = TestOps.elementwise("Log", Math::log, t -> 1 / t);
        CheckReport r = CHECKER.checkOp(log, Tensor.row(1.0, -1.0));
        assertThat(r.results().get(0).verdict()).isEqualTo(Verdict.NON_FINITE);
        assertThat(r.passed()).isFalse();
        assertThat(r.failures()).hasSize(1);
    }

    @Test
    void nonFiniteLossEndToEndIsNonFiniteAndItsDifferenceNaN() {
        org.autodifflite.core.Graph g = new org.autodifflite.core.Graph();
        org.autodifflite.core.Node p = g.parameter(new org.autodifflite.core.Parameter("p", Tensor.row(0.5, -2.0)));
        Op log = TestOps.elementwise("Log", Math::log, t -> 1 / t);
        org.autodifflite.core.Node loss = g.apply("sum", TestOps.SUM, g.apply("log", log, p));
        CheckReport r = CHECKER.checkEndToEnd(g, loss);
        assertThat(r.results().get(0).verdict()).isEqualTo(Verdict.NON_FINITE);
        assertThat(r.endToEndDifference()).isNaN();
        assertThat(r.passed()).isFalse();
        assertThat(CHECKER.seedMode().checkEndToEnd(g, loss).passed()).isFalse();
    }

    @Test
    void nonFiniteAnalyticGradientIsNonFinite() {
        Op infinite = TestOps.breaking(TestOps.SIN, 0, (grad, g) -> {
            Tensor t = grad.copy();
            t.set(0, 1, Double.POSITIVE_INFINITY);
            return t;
        });
        InputResult in = CHECKER.checkOp(infinite, Tensor.row(0.3, 0.4)).results().get(0);
        assertThat(in.verdict()).isEqualTo(Verdict.NON_FINITE);
        assertThat(in.diagnosis()).contains("the analytic gradient is not finite").contains("(0, 1)");
        Op nan = TestOps.breaking(TestOps.SIN, 0, (grad, g) -> grad.map(v -> Double.NaN));
        assertThat(CHECKER.checkOp(nan, Tensor.row(0.3)).results().get(0).verdict()).isEqualTo(Verdict.NON_FINITE);
        assertThat(CHECKER.seedMode().checkOp(nan, Tensor.row(0.3)).results().get(0).verdict())
                .isEqualTo(Verdict.NON_FINITE);
    }

    @Test
    void nonFiniteNumericSideIsNonFinite() {
        // finite at the point checked, infinite a step away
        Op cliff = TestOps.custom("Cliff", t -> t.map(v -> v == 2.0 ? 2.0 : Double.POSITIVE_INFINITY),
                (t, g) -> g.copy());
        InputResult in = CHECKER.checkOp(cliff, Tensor.scalar(2.0)).results().get(0);
        assertThat(in.verdict()).isEqualTo(Verdict.NON_FINITE);
        assertThat(in.diagnosis()).contains("the numeric gradient is not finite");
    }

    @Test
    void bothExactlyZeroPassesWithoutZeroOverZero() {
        Op zero = TestOps.custom("Zero", Tensor::zerosLike, (t, g) -> Tensor.zerosLike(t));
        InputResult in = CHECKER.checkOp(zero, Tensor.randn(2, 3, 5)).results().get(0);
        assertThat(in.verdict()).isEqualTo(Verdict.PASS);
        assertThat(in.relativeDifference()).isEqualTo(0.0);
        InputResult seed = CHECKER.seedMode().checkOp(zero, Tensor.randn(2, 3, 5)).results().get(0);
        assertThat(seed.verdict()).isEqualTo(Verdict.PASS);
        assertThat(seed.relativeDifference()).isEqualTo(0.0);
        // dead ReLU units: exact zeros on both sides
        InputResult dead = CHECKER.checkOp(TestOps.RELU, Tensor.row(-1, -2, -3)).results().get(0);
        assertThat(dead.verdict()).isEqualTo(Verdict.PASS);
        assertThat(dead.relativeDifference()).isEqualTo(0.0);
    }
}
