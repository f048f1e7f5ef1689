package org.autodifflite.check;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The notebook's §2, one dimension, with its exact IEEE operations. */
class ScalarCheckTest {

    @Test
    void reproducesTheNotebookBitForBit() {
        double x = 2;
        ScalarCheck c = GradientChecker.defaults().seedMode().checkScalar(t -> t * x, t -> x, 4);
        assertThat(c.jPlus() + c.jMinus()).isEqualTo(16.0);
        assertThat(c.gradient()).isEqualTo(2.0);
        assertThat(c.difference()).isEqualTo(2.919335883291695e-10);
        assertThat(c.verdict()).isEqualTo(Verdict.PASS);
        assertThat(c.passed()).isTrue();
        // the default checker uses the same formula and step for the one-dimensional case
        assertThat(GradientChecker.defaults().checkScalar(t -> t * x, t -> x, 4).difference())
                .isEqualTo(2.919335883291695e-10);
    }

    @Test
    void wrongDerivativeFails() {
        ScalarCheck c = GradientChecker.defaults().checkScalar(t -> t * t, t -> 3 * t, 1.5);
        assertThat(c.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(c.difference()).isGreaterThan(0.1);
    }

    @Test
    void nanIsNeverAPass() {
        ScalarCheck c = GradientChecker.defaults().checkScalar(Math::log, t -> Double.NaN, 2);
        assertThat(c.verdict()).isEqualTo(Verdict.NON_FINITE);
        assertThat(c.passed()).isFalse();
        ScalarCheck d = GradientChecker.defaults().checkScalar(t -> Math.log(t), t -> 1 / t, -1);
        assertThat(d.verdict()).isEqualTo(Verdict.NON_FINITE);
    }

    @Test
    void bothZeroIsAPassNotZeroOverZero() {
        ScalarCheck c = GradientChecker.defaults().checkScalar(t -> 5, t -> 0, 3);
        assertThat(c.difference()).isEqualTo(0.0);
        assertThat(c.verdict()).isEqualTo(Verdict.PASS);
    }
}
