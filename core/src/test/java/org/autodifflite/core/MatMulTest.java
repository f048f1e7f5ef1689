package org.autodifflite.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The matrix kernels against a naive triple loop, over random shapes that cover the tiny path,
 * every edge of the 4-row blocks and vector panels, and the 784-128-64-1 net's shapes.
 *
 * <p>Surefire runs this class twice: with {@code --add-modules jdk.incubator.vector} (the
 * vector kernel is the default) and without it (only the scalar kernel can load). The property
 * {@code autodifflite.test.expectVector} tells each run which to expect.
 */
class MatMulTest {

    /** n, k, m. */
    static Stream<Arguments> shapes() {
        return Stream.of(
                Arguments.of(1, 1, 1), Arguments.of(7, 13, 5), Arguments.of(128, 784, 32),
                Arguments.of(5, 4, 3), Arguments.of(1, 64, 32), Arguments.of(3, 5, 1),
                Arguments.of(17, 33, 9), Arguments.of(4, 300, 24), Arguments.of(33, 65, 47),
                Arguments.of(2, 1000, 3), Arguments.of(64, 128, 32), Arguments.of(9, 257, 23),
                Arguments.of(128, 32, 784), Arguments.of(131, 29, 61), Arguments.of(6, 0, 4),
                // packed B above the buffer-retention limit: a fresh buffer, not the kept one
                Arguments.of(5, 2100, 1001),
                // shared between threads in chunks, the last chunk and its last block cut short
                Arguments.of(130, 300, 41));
    }

    /** The reference: plain sums, and the sum of absolute products that bounds rounding. */
    private static double[][] naive(double[] a, int ars, int acs, double[] b, int brs, int bcs, int n, int k, int m) {
        double[] out = new double[n * m];
        double[] abs = new double[n * m];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                double s = 0;
                double t = 0;
                for (int p = 0; p < k; p++) {
                    double v = a[i * ars + p * acs] * b[p * brs + j * bcs];
                    s += v;
                    t += Math.abs(v);
                }
                out[i * m + j] = s;
                abs[i * m + j] = t;
            }
        }
        return new double[][] {out, abs};
    }

    private static void assertClose(double[] got, double[][] want, int k, String what) {
        // Both sums are accurate to k·eps·Σ|a·b|; fused multiply-adds only change the rounding.
        double eps = Math.ulp(1.0);
        for (int i = 0; i < got.length; i++) {
            double bound = 2 * (k + 1) * eps * want[1][i];
            assertThat(Math.abs(got[i] - want[0][i])).as("%s entry %d: %s vs %s", what, i, got[i], want[0][i])
                    .isLessThanOrEqualTo(bound);
        }
    }

    private static List<MatMulKernel> kernels() {
        List<MatMulKernel> ks = new ArrayList<>();
        ks.add(MatMul.SCALAR);
        if (MatMul.VECTOR != null) {
            ks.add(MatMul.VECTOR);
        }
        return ks;
    }

    @ParameterizedTest(name = "{0}×{1}·{1}×{2}")
    @MethodSource("shapes")
    void everyKernelAndLayoutMatchesTheNaiveLoop(int n, int k, int m) {
        Well19937c rng = new Well19937c(31L * n + 7L * k + m);
        double[] a = Tensor.randn(n, k, rng).data();
        double[] b = Tensor.randn(k, m, rng).data();
        double[] at = Tensor.wrap(n, k, a).transpose().data(); // k×n
        double[] bt = Tensor.wrap(k, m, b).transpose().data(); // m×k
        double[][] want = naive(a, k, 1, b, m, 1, n, k, m);
        for (MatMulKernel kernel : kernels()) {
            for (int threads : new int[] {1, 2}) {
                String what = kernel.name() + "/" + threads;
                double[] out = new double[n * m];
                MatMul.gemm(kernel, threads, a, k, 1, b, m, 1, out, n, k, m);
                assertClose(out, want, k, what + " a·b");
                out = new double[n * m];
                MatMul.gemm(kernel, threads, at, 1, n, b, m, 1, out, n, k, m);
                assertClose(out, want, k, what + " (aᵀ)ᵀ·b");
                out = new double[n * m];
                MatMul.gemm(kernel, threads, a, k, 1, bt, 1, k, out, n, k, m);
                assertClose(out, want, k, what + " a·(bᵀ)ᵀ");
            }
        }
        Tensor ta = Tensor.wrap(n, k, a);
        assertClose(ta.matmul(Tensor.wrap(k, m, b)).data(), want, k, "Tensor.matmul");
        assertClose(Tensor.wrap(k, n, at).matmulTransposeLeft(Tensor.wrap(k, m, b)).data(), want, k,
                "Tensor.matmulTransposeLeft");
        assertClose(ta.matmulTransposeRight(Tensor.wrap(m, k, bt)).data(), want, k, "Tensor.matmulTransposeRight");
    }

    @ParameterizedTest(name = "{0}×{1}·{1}×{2}")
    @MethodSource("shapes")
    void resultsAreBitIdenticalForAnyThreadCount(int n, int k, int m) {
        Well19937c rng = new Well19937c(1000L + n * 7919L + k * 31L + m);
        double[] a = Tensor.randn(n, k, rng).data();
        double[] b = Tensor.randn(k, m, rng).data();
        for (MatMulKernel kernel : kernels()) {
            double[] one = new double[n * m];
            MatMul.gemm(kernel, 1, a, k, 1, b, m, 1, one, n, k, m);
            for (int threads : new int[] {2, 3, 4}) {
                double[] many = new double[n * m];
                MatMul.gemm(kernel, threads, a, k, 1, b, m, 1, many, n, k, m);
                assertThat(many).as("%s with %d threads", kernel.name(), threads).isEqualTo(one);
            }
        }
    }

    @Test
    void concurrentCallersEachGetTheirOwnExactProduct() throws Exception {
        int n = 128, k = 784, m = 32;
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Boolean>> jobs = new ArrayList<>();
            for (int c = 0; c < 8; c++) {
                final long seed = c;
                jobs.add(() -> {
                    double[] a = Tensor.randn(n, k, seed).data();
                    double[] b = Tensor.randn(k, m, seed + 100).data();
                    double[] alone = new double[n * m];
                    MatMul.gemm(MatMul.DEFAULT, 1, a, k, 1, b, m, 1, alone, n, k, m);
                    for (int rep = 0; rep < 20; rep++) {
                        double[] shared = new double[n * m];
                        MatMul.gemm(MatMul.DEFAULT, 2, a, k, 1, b, m, 1, shared, n, k, m);
                        if (!java.util.Arrays.equals(alone, shared)) {
                            return false;
                        }
                    }
                    return true;
                });
            }
            for (Future<Boolean> f : callers.invokeAll(jobs)) {
                assertThat(f.get()).isTrue();
            }
        } finally {
            callers.shutdown();
        }
    }

    @Test
    void nonFiniteValuesPropagateAsInTheNaiveLoopOnTheBlockedPath() {
        int n = 9, k = 70, m = 11; // above the tiny-product threshold: packed kernels run
        double[] a = Tensor.randn(n, k, 5L).data();
        double[] b = Tensor.randn(k, m, 6L).data();
        a[3 * k + 4] = Double.POSITIVE_INFINITY;
        b[10 * m + 2] = Double.NaN;
        b[4 * m + 7] = 0.0; // ∞·0 = NaN in entry (3, 7)
        double[][] want = naive(a, k, 1, b, m, 1, n, k, m);
        for (MatMulKernel kernel : kernels()) {
            double[] out = new double[n * m];
            MatMul.gemm(kernel, 1, a, k, 1, b, m, 1, out, n, k, m);
            for (int i = 0; i < out.length; i++) {
                if (Double.isNaN(want[0][i]) || Double.isInfinite(want[0][i])) {
                    assertThat(Double.valueOf(out[i])).as("%s entry %d", kernel.name(), i)
                            .isEqualTo(Double.valueOf(want[0][i]));
                }
            }
            assertThat(out[3 * m + 7]).isNaN();
            assertThat(out[0]).isFinite();
        }
    }

    @Test
    void theVectorKernelIsChosenExactlyWhenItsModuleIsPresent() {
        boolean present = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        String expect = System.getProperty("autodifflite.test.expectVector");
        if (expect != null) {
            // Surefire says which run this is, so a flag that silently failed to apply is caught.
            assertThat(present).as("jdk.incubator.vector present").isEqualTo(Boolean.parseBoolean(expect));
        }
        if (present) {
            assertThat(MatMul.VECTOR).isNotNull();
            assertThat(MatMul.DEFAULT).isSameAs(MatMul.VECTOR);
            assertThat(MatMul.DEFAULT.name()).startsWith("vector-");
            assertThat(Tensor.matmulKernel()).startsWith("vector-");
        } else {
            assertThat(MatMul.VECTOR).isNull();
            assertThat(MatMul.DEFAULT).isSameAs(MatMul.SCALAR);
            assertThat(Tensor.matmulKernel()).startsWith("scalar, ");
        }
        assertThat(Tensor.matmulKernel()).endsWith(MatMul.THREADS + (MatMul.THREADS == 1 ? " thread" : " threads"));
    }

    @Test
    void transposedProductsRejectShapesThatDoNotChainAndNameThem() {
        Tensor a = Tensor.zeros(2, 3);
        assertThatThrownBy(() -> a.matmulTransposeLeft(Tensor.zeros(3, 4)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("matmulTransposeLeft: shapes 2×3 and 3×4");
        assertThatThrownBy(() -> a.matmulTransposeRight(Tensor.zeros(3, 2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("matmulTransposeRight: shapes 2×3 and 3×2");
        assertThat(a.matmulTransposeLeft(Tensor.zeros(2, 4)).shape()).isEqualTo("3×4");
        assertThat(a.matmulTransposeRight(Tensor.zeros(5, 3)).shape()).isEqualTo("2×5");
    }
}
