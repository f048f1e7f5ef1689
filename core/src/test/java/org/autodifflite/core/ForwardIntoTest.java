package org.autodifflite.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The allocation-free and incremental evaluation paths: {@link Tensor#matmulInto},
 * {@link Tensor#matmulRegionInto} and {@link ForwardingOp}'s fallbacks for an op without
 * {@link FastForward}. Every product path (tiny loop, scalar or vector kernel) must give
 * the bits of {@link Tensor#matmul}, or a gradient check through them would check another
 * function. Surefire runs this class with and without the vector module.
 */
class ForwardIntoTest {

    /** n, k, m: the tiny path, kernel edges, the 784-128-64-1 net's shapes, rows of several vectors and a tail. */
    static Stream<Arguments> shapes() {
        return Stream.of(Arguments.of(5, 4, 3), Arguments.of(1, 1, 1), Arguments.of(17, 33, 9),
                Arguments.of(128, 784, 32), Arguments.of(64, 128, 32), Arguments.of(1, 64, 32),
                Arguments.of(131, 29, 61), Arguments.of(9, 300, 77), Arguments.of(6, 0, 4));
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void matmulIntoGivesTheBitsOfMatmul(int n, int k, int m) {
        Tensor a = Tensor.randn(n, k, 1L + n);
        Tensor b = Tensor.randn(k, m, 2L + m);
        Tensor out = Tensor.filled(n, m, Double.NaN); // stale contents must not leak in
        a.matmulInto(b, out);
        assertThat(out).isEqualTo(a.matmul(b));
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void matmulRegionIntoRecomputesExactlyTheRegion(int n, int k, int m) {
        Tensor a = Tensor.randn(n, k, 3L + k);
        Tensor b = Tensor.randn(k, m, 4L + n);
        Tensor full = a.matmul(b);
        SplittableRandom rng = new SplittableRandom(n * 31L + k * 7L + m);
        for (int trial = 0; trial < 20; trial++) {
            int r0 = rng.nextInt(n + 1);
            int r1 = r0 + rng.nextInt(n - r0 + 1);
            int c0 = rng.nextInt(m + 1);
            int c1 = c0 + rng.nextInt(m - c0 + 1);
            Tensor out = Tensor.filled(n, m, Double.NaN);
            a.matmulRegionInto(b, out, r0, r1, c0, c1);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < m; j++) {
                    boolean inside = i >= r0 && i < r1 && j >= c0 && j < c1;
                    if (inside) {
                        assertThat(Double.doubleToRawLongBits(out.get(i, j)))
                                .as("entry (%d, %d) of %d×%d·%d×%d", i, j, n, k, k, m)
                                .isEqualTo(Double.doubleToRawLongBits(full.get(i, j)));
                    } else {
                        assertThat(out.get(i, j)).as("entry (%d, %d) outside the region", i, j).isNaN();
                    }
                }
            }
        }
    }

    @Test
    void oneChangedRowOrColumnIsRedoneBitForBit() {
        Tensor w = Tensor.randn(128, 784, 5L);
        Tensor x = Tensor.randn(784, 32, 6L);
        Tensor out = w.matmul(x);
        w.set(7, 300, w.get(7, 300) + 1e-5);
        w.matmulRegionInto(x, out, 7, 8, 0, 32);
        assertThat(out).isEqualTo(w.matmul(x));
        x.set(300, 5, x.get(300, 5) - 1e-5);
        w.matmulRegionInto(x, out, 0, 128, 5, 6);
        assertThat(out).isEqualTo(w.matmul(x));
    }

    @Test
    void badOutputsAndRangesAreRefusedWithTheShapes() {
        Tensor a = Tensor.randn(3, 4, 1L);
        Tensor b = Tensor.randn(4, 2, 2L);
        assertThatThrownBy(() -> a.matmulInto(b, Tensor.zeros(2, 3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2×3").hasMessageContaining("3×2");
        assertThatThrownBy(() -> a.matmulInto(Tensor.randn(3, 2, 1L), Tensor.zeros(3, 2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("do not chain");
        Tensor sq = Tensor.randn(3, 3, 1L);
        assertThatThrownBy(() -> sq.matmulInto(Tensor.randn(3, 3, 2L), sq))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("operands");
        assertThatThrownBy(() -> a.matmulRegionInto(b, Tensor.zeros(3, 2), 0, 4, 0, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[0, 4)");
        assertThatThrownBy(() -> a.matmulRegionInto(b, Tensor.zeros(3, 2), 2, 1, 0, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3×2");
    }

    /** A wrapper around an op without {@link FastForward}: the fallbacks the checker relies on. */
    private static ForwardingOp plain(Op op) {
        return new ForwardingOp(op) { };
    }

    @Test
    void forwardIntoOfAPlainOpCopiesForwardAndChecksTheBuffer() {
        Tensor x = Tensor.randn(2, 3, 1L);
        Tensor y = Tensor.randn(2, 3, 2L);
        Tensor out = Tensor.filled(2, 3, Double.NaN);
        plain(TestOps.MUL).forwardInto(out, x, y);
        assertThat(out).isEqualTo(TestOps.MUL.forward(x, y));
        assertThatThrownBy(() -> plain(TestOps.MUL).forwardInto(Tensor.zeros(3, 2), x, y))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Mul")
                .hasMessageContaining("3×2").hasMessageContaining("2×3");
    }

    @Test
    void forwardEntriesIntoOfAPlainOpDeclinesAndLeavesTheBufferAlone() {
        Tensor x = Tensor.randn(2, 3, 1L);
        Tensor y = Tensor.randn(2, 3, 2L);
        Tensor out = Tensor.filled(2, 3, 7.0);
        assertThat(plain(TestOps.MUL).forwardEntriesInto(out, 0, 1, 2, x, y)).isFalse();
        assertThat(out).isEqualTo(Tensor.filled(2, 3, 7.0));
    }
}
