package org.autodifflite.core.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.apache.commons.math3.random.Well19937c;
import org.autodifflite.core.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Adam's update, shared between threads, against the plain loop: the same bits. */
class AdamUpdateTest {

    private static final double LR = 1e-3;
    private static final double B1 = 0.9;
    private static final double B2 = 0.999;
    private static final double EPS = 1e-8;

    /** θ, g, m, v after a few random steps, so that the moments are not zero. */
    private static double[][] state(int n, long seed) {
        Well19937c rng = new Well19937c(seed);
        return new double[][] {
            Tensor.randn(1, n, rng).data(), Tensor.randn(1, n, rng).scale(1e-2).data(),
            Tensor.randn(1, n, rng).scale(1e-3).data(), Tensor.randn(1, n, rng).scale(1e-6).map(Math::abs).data()
        };
    }

    private static double[][] copy(double[][] s) {
        double[][] c = new double[s.length][];
        for (int i = 0; i < s.length; i++) {
            c[i] = s[i].clone();
        }
        return c;
    }

    @ParameterizedTest(name = "{0} entries")
    @ValueSource(ints = {1, 1000, AdamUpdate.PARALLEL_MIN, 100_352, 100_353})
    void everyThreadCountGivesThePlainLoopsBits(int n) {
        double[][] s = state(n, n);
        double[][] want = copy(s);
        for (int t = 1; t <= 3; t++) {
            double c1 = 1 - Math.pow(B1, t);
            double c2 = 1 - Math.pow(B2, t);
            double[] theta = want[0];
            double[] g = want[1];
            double[] m = want[2];
            double[] v = want[3];
            for (int i = 0; i < n; i++) { // the documented order of operations, one entry at a time
                m[i] = B1 * m[i] + (1 - B1) * g[i];
                v[i] = B2 * v[i] + (1 - B2) * g[i] * g[i];
                theta[i] -= (LR / c1) * m[i] / (Math.sqrt(v[i]) * (1 / Math.sqrt(c2)) + EPS);
            }
        }
        for (int threads : new int[] {1, 2, 3}) {
            double[][] got = copy(s);
            for (int t = 1; t <= 3; t++) {
                AdamUpdate.step(threads, got[0], got[1], got[2], got[3], LR, B1, B2, EPS, 1 - Math.pow(B1, t),
                        1 - Math.pow(B2, t));
            }
            for (int i = 0; i < 4; i++) {
                assertThat(got[i]).as("array %d with %d threads", i, threads).isEqualTo(want[i]);
            }
        }
    }

    /**
     * The update uses one square root and one division per entry; it must agree with the
     * textbook form (three divisions and a square root) up to rounding: each step's change of θ
     * within a few units in the last place of that change.
     */
    @Test
    void agreesWithTheTextbookFormUpToRounding() {
        int n = 10_000;
        double[][] ours = state(n, 5L);
        double[] theta = ours[0];
        double[] g = ours[1];
        // The moments are the same expressions in both forms, so the textbook's are ours.
        double[] m = ours[2].clone();
        double[] v = ours[3].clone();
        for (int t = 1; t <= 20; t++) {
            double c1 = 1 - Math.pow(B1, t);
            double c2 = 1 - Math.pow(B2, t);
            double[] before = theta.clone();
            AdamUpdate.step(1, theta, g, ours[2], ours[3], LR, B1, B2, EPS, c1, c2);
            int worst = 0;
            double worstExcess = Double.NEGATIVE_INFINITY;
            double worstAllowed = 0;
            double[] want = new double[n];
            for (int i = 0; i < n; i++) {
                m[i] = B1 * m[i] + (1 - B1) * g[i];
                v[i] = B2 * v[i] + (1 - B2) * g[i] * g[i];
                want[i] = LR * (m[i] / c1) / (Math.sqrt(v[i] / c2) + EPS);
                // The change is rounded once more when it is subtracted from θ: allow θ's ulp too.
                double allowed = 8 * Math.ulp(want[i]) + 2 * Math.ulp(before[i]);
                double excess = Math.abs(before[i] - theta[i] - want[i]) - allowed;
                if (excess > worstExcess) {
                    worstExcess = excess;
                    worstAllowed = allowed;
                    worst = i;
                }
            }
            assertThat(before[worst] - theta[worst]).as("step %d, entry %d", t, worst)
                    .isCloseTo(want[worst], within(worstAllowed));
        }
    }

    @Test
    void arraysOfDifferentLengthsAreRefused() {
        assertThatThrownBy(() -> AdamUpdate.step(new double[3], new double[3], new double[2], new double[3], LR, B1,
                B2, EPS, 0.1, 0.001))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2 (m)");
    }
}
