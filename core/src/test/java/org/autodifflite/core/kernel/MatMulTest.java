package org.autodifflite.core.kernel;

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
import org.autodifflite.core.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The matrix kernels against a naive triple loop, over random shapes that cover the tiny path,
 * every edge of the 4- and 8-row blocks and vector panels, blocks of A read in place and copied,
 * and the 784-128-64-1 net's shapes.
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
                Arguments.of(130, 300, 41),
                // the 784-128-64-1 net's first layer at batch 64: forward (A read in place) and
                // weight gradient (short k, wide m: blocks of A copied), and the latter cut short
                Arguments.of(128, 784, 64), Arguments.of(128, 64, 784), Arguments.of(131, 29, 300));
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
                MatMul.gemm(kernel, threads, a, 0, k, 1, b, 0, m, 1, out, 0, n, k, m);
                assertClose(out, want, k, what + " a·b");
                out = new double[n * m];
                MatMul.gemm(kernel, threads, at, 0, 1, n, b, 0, m, 1, out, 0, n, k, m);
                assertClose(out, want, k, what + " (aᵀ)ᵀ·b");
                out = new double[n * m];
                MatMul.gemm(kernel, threads, a, 0, k, 1, bt, 0, 1, k, out, 0, n, k, m);
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
            MatMul.gemm(kernel, 1, a, 0, k, 1, b, 0, m, 1, one, 0, n, k, m);
            for (int threads : new int[] {2, 3, 4}) {
                double[] many = new double[n * m];
                MatMul.gemm(kernel, threads, a, 0, k, 1, b, 0, m, 1, many, 0, n, k, m);
                assertThat(many).as("%s with %d threads", kernel.name(), threads).isEqualTo(one);
            }
            // Transposed operands take other paths (A copied rather than read in place, B packed
            // from its columns): every entry is still the same chain, so the same bits.
            double[] at = Tensor.wrap(n, k, a).transpose().data();
            double[] bt = Tensor.wrap(k, m, b).transpose().data();
            for (int threads : new int[] {1, 2}) {
                double[] viaAt = new double[n * m];
                MatMul.gemm(kernel, threads, at, 0, 1, n, b, 0, m, 1, viaAt, 0, n, k, m);
                assertThat(viaAt).as("%s, aᵀ stored, %d threads", kernel.name(), threads).isEqualTo(one);
                double[] viaBt = new double[n * m];
                MatMul.gemm(kernel, threads, a, 0, k, 1, bt, 0, 1, k, viaBt, 0, n, k, m);
                assertThat(viaBt).as("%s, bᵀ stored, %d threads", kernel.name(), threads).isEqualTo(one);
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
                    MatMul.gemm(MatMul.DEFAULT, 1, a, 0, k, 1, b, 0, m, 1, alone, 0, n, k, m);
                    for (int rep = 0; rep < 20; rep++) {
                        double[] shared = new double[n * m];
                        MatMul.gemm(MatMul.DEFAULT, 2, a, 0, k, 1, b, 0, m, 1, shared, 0, n, k, m);
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
            MatMul.gemm(kernel, 1, a, 0, k, 1, b, 0, m, 1, out, 0, n, k, m);
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

    /** Every kernel's finiteness scan finds one NaN or infinity wherever it lies, tails included. */
    @Test
    void allFiniteFindsEveryNonFiniteValueAtEveryPosition() {
        double[] bad = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        for (MatMulKernel kernel : kernels()) {
            for (int n = 0; n <= 40; n++) {
                double[] a = Tensor.randn(1, Math.max(n, 1), n).scale(1e300).data();
                a[0] = Double.MAX_VALUE; // finite however large: x − x is still 0
                assertThat(kernel.allFinite(a, 0, n)).as("%s, %d finite values", kernel.name(), n).isTrue();
                for (int at = 0; at < n; at++) {
                    for (double v : bad) {
                        double[] c = a.clone();
                        c[at] = v;
                        assertThat(kernel.allFinite(c, 0, n)).as("%s, %s at %d of %d", kernel.name(), v, at, n)
                                .isFalse();
                        assertThat(kernel.allFinite(c, at + 1, n)).as("%s, range after it", kernel.name()).isTrue();
                    }
                }
            }
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

    /** An array of {@code before + len + after} NaNs with {@code values} at {@code before}. */
    private static double[] embed(double[] values, int before, int after) {
        double[] out = new double[before + values.length + after];
        java.util.Arrays.fill(out, Double.NaN);
        System.arraycopy(values, 0, out, before, values.length);
        return out;
    }

    @ParameterizedTest(name = "{0}×{1}·{1}×{2}")
    @MethodSource("shapes")
    void offsetsReadAndWriteOnlyTheirBlocksAndGiveTheSameBits(int n, int k, int m) {
        Well19937c rng = new Well19937c(77L * n + 5L * k + m);
        double[] a = Tensor.randn(n, k, rng).data();
        double[] b = Tensor.randn(k, m, rng).data();
        double[] at = Tensor.wrap(n, k, a).transpose().data();
        double[] bt = Tensor.wrap(k, m, b).transpose().data();
        // NaN around each operand: an entry read from outside its block would show in the result.
        double[] ao = embed(a, 7, 3);
        double[] bo = embed(b, 5, 11);
        double[] ato = embed(at, 13, 2);
        double[] bto = embed(bt, 1, 9);
        for (MatMulKernel kernel : kernels()) {
            for (int threads : new int[] {1, 2}) {
                String what = kernel.name() + "/" + threads;
                double[] want = new double[n * m];
                MatMul.gemm(kernel, threads, a, 0, k, 1, b, 0, m, 1, want, 0, n, k, m);
                for (int layout = 0; layout < 3; layout++) {
                    double[] out = new double[3 + n * m + 6];
                    java.util.Arrays.fill(out, 42.0); // not zero: the block must be overwritten
                    if (layout == 0) {
                        MatMul.gemm(kernel, threads, ao, 7, k, 1, bo, 5, m, 1, out, 3, n, k, m);
                    } else if (layout == 1) {
                        MatMul.gemm(kernel, threads, ato, 13, 1, n, bo, 5, m, 1, out, 3, n, k, m);
                    } else {
                        MatMul.gemm(kernel, threads, ao, 7, k, 1, bto, 1, 1, k, out, 3, n, k, m);
                    }
                    assertThat(java.util.Arrays.copyOfRange(out, 3, 3 + n * m)).as("%s layout %d", what, layout)
                            .isEqualTo(want);
                    assertThat(java.util.Arrays.copyOfRange(out, 0, 3)).as("%s before the block", what)
                            .containsOnly(42.0);
                    assertThat(java.util.Arrays.copyOfRange(out, 3 + n * m, out.length)).as("%s after the block", what)
                            .containsOnly(42.0);
                }
            }
        }
        // The public entry point gives the bits of Tensor.matmul.
        double[] out = new double[2 + n * m];
        MatMul.gemm(ao, 7, k, 1, bo, 5, m, 1, out, 2, n, k, m);
        assertThat(java.util.Arrays.copyOfRange(out, 2, out.length))
                .isEqualTo(Tensor.wrap(n, k, a).matmul(Tensor.wrap(k, m, b)).data());
    }

    /** n, k, m, batches, whether the results lie one after the other. */
    static Stream<Arguments> batches() {
        return Stream.of(
                Arguments.of(3, 4, 5, 7), Arguments.of(16, 16, 16, 40), Arguments.of(64, 64, 64, 6),
                Arguments.of(9, 70, 11, 1), Arguments.of(130, 300, 41, 3), Arguments.of(2, 0, 3, 4),
                Arguments.of(0, 3, 3, 5))
                .flatMap(x -> Stream.of(Arguments.of(append(x.get(), false)), Arguments.of(append(x.get(), true))));
    }

    private static Object[] append(Object[] values, Object last) {
        Object[] out = java.util.Arrays.copyOf(values, values.length + 1);
        out[values.length] = last;
        return out;
    }

    @ParameterizedTest(name = "{3} × {0}×{1}·{1}×{2}, results stacked {4}")
    @MethodSource("batches")
    void aBatchEqualsOneProductAtATimeBitForBitWhateverTheThreadCount(int n, int k, int m, int batches,
            boolean stacked) {
        Well19937c rng = new Well19937c(11L * n + 3L * k + m + 1000L * batches);
        double[] a = Tensor.randn(batches, n * k, rng).data();
        double[] b = Tensor.randn(1, 4 + k * m, rng).data(); // one B shared by every product, at offset 4
        int[] aOffs = new int[batches];
        int[] bOffs = new int[batches];
        int[] outOffs = new int[batches];
        for (int t = 0; t < batches; t++) {
            aOffs[t] = t * n * k;
            bOffs[t] = 4;
            // stacked: one after the other, so the batch runs as one tall product; otherwise in
            // reverse order, one entry apart, so each product runs alone
            outOffs[t] = stacked ? 1 + t * n * m : 1 + (batches - 1 - t) * (n * m + 1);
        }
        int outLength = 1 + batches * (n * m + 1);
        for (MatMulKernel kernel : kernels()) {
            double[] want = new double[outLength];
            for (int t = 0; t < batches; t++) {
                MatMul.gemm(kernel, 1, a, aOffs[t], k, 1, b, 4, m, 1, want, outOffs[t], n, k, m);
            }
            for (int threads : new int[] {1, 2, 3}) {
                double[] got = new double[outLength];
                MatMul.gemmBatch(kernel, threads, batches, a, aOffs, k, 1, b, bOffs, m, 1, got, outOffs, n, k, m);
                assertThat(got).as("%s with %d threads", kernel.name(), threads).isEqualTo(want);
            }
        }
        double[] got = new double[outLength];
        MatMul.gemmBatch(batches, a, aOffs, k, 1, b, bOffs, m, 1, got, outOffs, n, k, m);
        double[] want = new double[outLength];
        for (int t = 0; t < batches; t++) {
            MatMul.gemm(a, aOffs[t], k, 1, b, 4, m, 1, want, outOffs[t], n, k, m);
        }
        assertThat(got).isEqualTo(want);
    }

    /** n, k, m for {@link MatMul#gemmNT}: blocks of 2×4 whole and cut short, k below, at and off the lanes. */
    static Stream<Arguments> dotShapes() {
        return Stream.of(Arguments.of(1, 1, 1), Arguments.of(2, 8, 4), Arguments.of(3, 13, 5), Arguments.of(8, 4096, 9),
                Arguments.of(16, 1024, 72), Arguments.of(16, 1024, 27), Arguments.of(7, 1023, 6),
                Arguments.of(5, 3, 11), Arguments.of(4, 0, 3));
    }

    @ParameterizedTest(name = "{0}×{1}·({2}×{1})ᵀ")
    @MethodSource("dotShapes")
    void productsWithATransposedOperandMatchTheNaiveLoopAndEachEntryHasOneValue(int n, int k, int m) {
        Well19937c rng = new Well19937c(17L * n + 5L * k + m);
        int lda = k + 3;
        int ldb = k + 1;
        double[] a = Tensor.randn(new int[] {n * lda + 2}, rng).data();
        double[] b = Tensor.randn(new int[] {m * ldb + 1}, rng).data();
        // B(p, j) = b[1 + j·ldb + p] for the naive loop's strides.
        double[][] want = naive(java.util.Arrays.copyOfRange(a, 2, a.length), lda, 1,
                java.util.Arrays.copyOfRange(b, 1, b.length), 1, ldb, n, k, m);
        for (MatMulKernel kernel : kernels()) {
            double[] out = new double[n * m + 5];
            java.util.Arrays.fill(out, 7.0);
            kernel.dotProducts(a, 2, lda, b, 1, ldb, out, 3, n, k, m, new double[n * m * kernel.width()]);
            assertClose(java.util.Arrays.copyOfRange(out, 3, 3 + n * m), want, k, kernel.name());
            assertThat(out[2]).as("before the block").isEqualTo(7.0);
            assertThat(out[3 + n * m]).as("after the block").isEqualTo(7.0);
            // Each entry alone (no block around it, other offsets): the same bits.
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < m; j++) {
                    double[] one = new double[2];
                    kernel.dotProducts(a, 2 + i * lda, lda, b, 1 + j * ldb, ldb, one, 1, 1, k, 1, new double[kernel.width()]);
                    assertThat(one[1]).as("%s entry (%d, %d) alone", kernel.name(), i, j)
                            .isEqualTo(out[3 + i * m + j]);
                }
            }
        }
    }

    @Test
    void theScalarKernelsDotProductsAddInTheDocumentedOrder() {
        Well19937c rng = new Well19937c(3L);
        int k = 23;
        double[] a = Tensor.randn(new int[] {k}, rng).data();
        double[] b = Tensor.randn(new int[] {k}, rng).data();
        double[] s = new double[4];
        int body = k - k % 4;
        for (int p = 0; p < body; p++) {
            s[p % 4] += a[p] * b[p];
        }
        double want = (s[0] + s[1]) + (s[2] + s[3]);
        for (int p = body; p < k; p++) {
            want += a[p] * b[p];
        }
        double[] out = new double[1];
        MatMul.SCALAR.dotProducts(a, 0, k, b, 0, k, out, 0, 1, k, 1, new double[4]);
        assertThat(out[0]).isEqualTo(want);
    }

    @Test
    void theTransposedProductRejectsBadArgumentsAndSaysWhich() {
        double[] a = new double[6];
        double[] b = new double[12];
        assertThatThrownBy(() -> MatMul.gemmNT(a, 0, 3, b, 0, 3, new double[8], 0, 2, 3, -4))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("gemmNT: sizes must be ≥ 0, got n=2, k=3, m=-4");
        assertThatThrownBy(() -> MatMul.gemmNT(a, 1, 3, b, 0, 3, new double[8], 0, 2, 3, 4))
                .hasMessage("gemmNT: A (2×3 at offset 1, strides 3, 1) reaches index 6, a has 6 entries");
        assertThatThrownBy(() -> MatMul.gemmNT(a, 0, 3, b, 0, 3, new double[7], 0, 2, 3, 4))
                .hasMessage("gemmNT: the 2×4 output at offset 0 needs 8 entries, out has 7");
        assertThatThrownBy(() -> MatMul.gemmNT(a, 0, 3, b, 0, 3, b, 0, 2, 3, 4))
                .hasMessageContaining("gemmNT: the output overlaps an operand");
        double[] out = new double[8];
        MatMul.gemmNT(a, 0, 3, b, 0, 3, out, 0, 2, 3, 4);
        assertThat(out).containsOnly(0.0);
    }

    @Test
    void sharedBlocksEachReachTheOutputOnceComputedDirectlyOrAsideAndCommitted() {
        for (int blocks : new int[] {0, 1, 2, 7, 64}) {
            for (int round = 0; round < 20; round++) {
                double[] out = new double[blocks];
                ThreadLocal<double[]> mine = ThreadLocal.withInitial(() -> new double[1]);
                MatMul.share(blocks, new MatMul.SharedBlocks() {
                    @Override
                    public void direct(int block) {
                        out[block] += block + 1;
                    }

                    @Override
                    public void aside(int block) {
                        mine.get()[0] = block + 1;
                    }

                    @Override
                    public void commit(int block) {
                        out[block] += mine.get()[0];
                    }
                });
                for (int b = 0; b < blocks; b++) {
                    assertThat(out[b]).as("%d blocks, block %d", blocks, b).isEqualTo(b + 1.0);
                }
            }
        }
        assertThatThrownBy(() -> MatMul.share(-1, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> MatMul.share(-1, new MatMul.SharedBlocks() {
            @Override
            public void direct(int block) {
            }

            @Override
            public void aside(int block) {
            }

            @Override
            public void commit(int block) {
            }
        })).isInstanceOf(IllegalArgumentException.class).hasMessage("share: blocks must be ≥ 0, got -1");
    }

    @Test
    void anEmptyInnerDimensionWritesZerosOverTheBlock() {
        double[] out = {5, 5, 5, 5, 5, 5, 5};
        MatMul.gemm(new double[0], 0, 0, 1, new double[0], 0, 3, 1, out, 1, 2, 0, 3);
        assertThat(out).containsExactly(5, 0, 0, 0, 0, 0, 0);
    }

    @Test
    void publicEntryPointsRejectBadArgumentsAndSayWhich() {
        double[] a = new double[6];
        double[] b = new double[12];
        double[] out = new double[8];
        assertThatThrownBy(() -> MatMul.gemm(a, 0, 3, 1, b, 0, 4, 1, out, 0, -2, 3, 4))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("gemm: sizes must be ≥ 0, got n=-2, k=3, m=4");
        assertThatThrownBy(() -> MatMul.gemm(a, -1, 3, 1, b, 0, 4, 1, out, 0, 2, 3, 4))
                .hasMessage("gemm: offsets must be ≥ 0, got aOff=-1, bOff=0, outOff=0");
        assertThatThrownBy(() -> MatMul.gemm(a, 0, 3, -1, b, 0, 4, 1, out, 0, 2, 3, 4))
                .hasMessage("gemm: strides must be ≥ 0, got ars=3, acs=-1, brs=4, bcs=1");
        assertThatThrownBy(() -> MatMul.gemm(a, 1, 3, 1, b, 0, 4, 1, out, 0, 2, 3, 4))
                .hasMessage("gemm: A (2×3 at offset 1, strides 3, 1) reaches index 6, a has 6 entries");
        assertThatThrownBy(() -> MatMul.gemm(a, 0, 3, 1, b, 2, 4, 1, out, 0, 2, 3, 4))
                .hasMessage("gemm: B (3×4 at offset 2, strides 4, 1) reaches index 13, b has 12 entries");
        assertThatThrownBy(() -> MatMul.gemm(a, 0, 3, 1, b, 0, 4, 1, out, 1, 2, 3, 4))
                .hasMessage("gemm: the 2×4 output at offset 1 needs 9 entries, out has 8");
        double[] shared = new double[20];
        assertThatThrownBy(() -> MatMul.gemm(shared, 0, 3, 1, b, 0, 4, 1, shared, 5, 2, 3, 4))
                .hasMessageContaining("gemm: the output overlaps an operand");
        MatMul.gemm(shared, 0, 3, 1, b, 0, 4, 1, shared, 6, 2, 3, 4); // just past A: allowed
        assertThatThrownBy(() -> MatMul.gemm(null, 0, 3, 1, b, 0, 4, 1, out, 0, 2, 3, 4))
                .isInstanceOf(NullPointerException.class).hasMessage("a");
        assertThatThrownBy(() -> MatMul.gemmBatch(2, a, new int[] {0}, 3, 1, b, new int[] {0, 0}, 4, 1, out,
                new int[] {0, 0}, 2, 3, 4)).hasMessage("gemmBatch: 2 products need 2 offsets each, got 1 (a), 2 (b), 2 (out)");
        assertThatThrownBy(() -> MatMul.gemmBatch(2, a, new int[] {0, 0}, 3, 1, b, new int[] {0, 0}, 4, 1,
                new double[11], new int[] {0, 4}, 2, 3, 4))
                .hasMessage("gemmBatch: product 1: the 2×4 output at offset 4 needs 12 entries, out has 11");
        assertThatThrownBy(() -> MatMul.gemmBatch(-1, a, new int[0], 3, 1, b, new int[0], 4, 1, out, new int[0], 2, 3, 4))
                .hasMessage("gemmBatch: batches must be ≥ 0, got -1");
        assertThatThrownBy(() -> MatMul.region(a, b, out, 2, 3, 4, 0, 3, 0, 4))
                .hasMessage("region: rows [0, 3) and columns [0, 4) are not within the 2×4 product;"
                        + " give 0 ≤ from ≤ to ≤ size");
        assertThatThrownBy(() -> MatMul.region(a, b, a, 2, 3, 2, 0, 1, 0, 1))
                .hasMessageContaining("region: the output overlaps an operand");
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
