package org.autodifflite.check;

import static org.assertj.core.api.Assertions.assertThat;

import org.autodifflite.core.Op;
import org.autodifflite.core.Tensor;
import org.autodifflite.core.ops.Abs;
import org.autodifflite.core.ops.Clamp;
import org.autodifflite.core.ops.Max;
import org.autodifflite.core.ops.Maximum;
import org.autodifflite.core.ops.Minimum;
import org.junit.jupiter.api.Test;

/**
 * Where a primitive op is not differentiable — a tie of min, max or a maximum, a clamp bound —
 * the op still returns a gradient (documented on each op), and the checker reports exactly those
 * entries as skipped kinks: the check passes, nothing there is called right or wrong.
 */
class PrimitiveKinkTest {

    private static Tensor v(double... values) {
        return Tensor.vector(values);
    }

    /**
     * Checks the op: input {@code input} passes with exactly {@code kinks} entries skipped at a
     * kink (it is SKIPPED as a whole when every entry is), and its diagnosis says so.
     */
    private static void kinks(Op op, int input, int kinks, Tensor... inputs) {
        CheckReport report = GradientChecker.defaults().checkOp(op, inputs);
        assertThat(report.passed()).as(report.render()).isTrue();
        InputResult r = report.results().get(input);
        assertThat(r.verdict()).as(report.render())
                .isEqualTo(kinks == r.entriesTotal() ? Verdict.SKIPPED : Verdict.PASS);
        assertThat(r.entriesSkipped()).as(report.render()).isEqualTo(kinks);
        assertThat(r.diagnosis()).as(report.render()).contains("skipped at a kink");
    }

    @Test
    void aTieOfMinimumOrMaximumIsAKink() {
        // (3, 3) tie at entry 1; the other entries pass
        kinks(new Minimum(), 0, 1, v(1, 3, 5), v(2, 3, 4));
        kinks(new Minimum(), 1, 1, v(1, 3, 5), v(2, 3, 4));
        kinks(new Maximum(), 0, 1, v(1, 3, 5), v(2, 3, 4));
        // broadcast: the scalar ties with one entry of a
        kinks(new Maximum(), 1, 1, v(1, 2, 0), Tensor.scalar(2));
    }

    @Test
    void aTiedMaximumIsAKink() {
        kinks(new Max(new int[] {1}, false), 0, 2, Tensor.wrap(new int[] {2, 3}, new double[] {1, 4, 4, 0, 2, -1}));
    }

    @Test
    void clampAtItsBoundsIsAKink() {
        kinks(new Clamp(-1, 1), 0, 2, v(-1, 0.5, 1, 3));
    }

    @Test
    void absAtZeroTakesTheCentralDifferenceAsItsGradient() {
        // |x| at 0: the gradient 0 is what the central difference gives too, so it passes as is
        CheckReport report = GradientChecker.defaults().checkOp(new Abs(), v(-1, 0, 2));
        assertThat(report.results()).singleElement().satisfies(r -> {
            assertThat(r.verdict()).isEqualTo(Verdict.PASS);
            assertThat(r.entriesSkipped()).isZero();
        });
    }
}
