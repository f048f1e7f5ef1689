package org.autodifflite.core.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
            for (int i = 0; i < n; i++) { // Adam's loop as it was written before it moved here
                m[i] = B1 * m[i] + (1 - B1) * g[i];
                v[i] = B2 * v[i] + (1 - B2) * g[i] * g[i];
                theta[i] -= LR * (m[i] / c1) / (Math.sqrt(v[i] / c2) + EPS);
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

    @Test
    void arraysOfDifferentLengthsAreRefused() {
        assertThatThrownBy(() -> AdamUpdate.step(new double[3], new double[3], new double[2], new double[3], LR, B1,
                B2, EPS, 0.1, 0.001))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2 (m)");
    }
}
