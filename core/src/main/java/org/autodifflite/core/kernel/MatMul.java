package org.autodifflite.core.kernel;

import java.util.Arrays;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where matrices are multiplied, so that a faster kernel replaces it everywhere
 * at once: {@code Tensor}'s products, batched products and, through {@link #gemm}, any op that
 * lays out its own matrices (im2col convolution, attention).
 *
 * <p>Matrices are read through strides, so a transposed operand, a matrix inside a batch or a
 * window of a bigger array is multiplied where it lies: {@code A(i,p) = a[aOff + i·ars + p·acs]}
 * and {@code B(p,j) = b[bOff + p·brs + j·bcs]}. The product is written row-major and contiguous,
 * {@code C(i,j) = out[outOff + i·m + j]}, overwriting what was there.
 *
 * <p>Tiny products (the seed's 4-5-3-1 net) run a plain loop: there, any set-up costs more than
 * the arithmetic. Larger ones pack {@code B} into panels and hand them, with blocks of rows of
 * {@code A} (eight for the vector kernel, four for the scalar one), to a {@link MatMulKernel}: the vector-API
 * kernel when {@code jdk.incubator.vector} is present (run with
 * {@code --add-modules jdk.incubator.vector}), otherwise the scalar one. Products of at least
 * {@link #PARALLEL_MIN_MACS} multiply-adds split their row blocks between threads, and batches
 * of smaller products split their batches; every output entry is computed by the same chain of
 * operations whatever the thread count, so results are identical bit for bit with one thread or
 * many. {@link #gemmNT} takes {@code A·Bᵀ} with both stored along the inner dimension as dot
 * products, for a small output over a long inner dimension (a convolution's weight gradient).
 *
 * <p>System properties, read once: {@code autodifflite.matmul.vector=false} forces the scalar
 * kernel; {@code autodifflite.matmul.threads=N} sets the thread count (default: the available
 * processors, at most 8; 1 disables threading); {@code autodifflite.matmul.vectorBits} = 128 or
 * 256 narrows the vector width (default: the widest the hardware runs natively).
 */
public final class MatMul {

    private static final Logger LOG = LoggerFactory.getLogger(MatMul.class);

    /** Below this many multiply-adds the plain loop is faster than packing. */
    static final long SMALL_MACS = 4096;

    /** From this many multiply-adds on, the work is split between threads. */
    static final long PARALLEL_MIN_MACS = 1L << 19;

    /** Loaded by name: it is compiled apart, against a module the rest of core does without. */
    private static final String VECTOR_CLASS = "org.autodifflite.core.kernel.VectorKernel";

    /** The scalar kernel, always available. */
    static final MatMulKernel SCALAR = new ScalarKernel();

    /** The vector kernel, or {@code null} when the vector API is not available. */
    static final MatMulKernel VECTOR = loadVectorKernel();

    /** The kernel products use by default. */
    static final MatMulKernel DEFAULT = VECTOR != null
            && Boolean.parseBoolean(System.getProperty("autodifflite.matmul.vector", "true")) ? VECTOR : SCALAR;

    /** The thread count products use by default. */
    static final int THREADS = threadsProperty();

    private static volatile RowPool pool;

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    static {
        LOG.debug("matmul kernel: {} (vector API {}), {} thread(s)", DEFAULT.name(),
                VECTOR == null ? "unavailable" : "available", THREADS);
    }

    private MatMul() {
    }

    // ------------------------------------------------------------------ public entry points

    /**
     * The name of the kernel products use, for logs and bug reports: {@code "vector-512"} (or
     * 256, 128) when {@code jdk.incubator.vector} is present, {@code "scalar"} otherwise. Chosen
     * once, when this class is first used.
     *
     * @return the kernel's short name
     */
    public static String kernelName() {
        return DEFAULT.name();
    }

    /**
     * Whether every entry of {@code a} is finite, on the vector kernel when there is one: the
     * scan an optimizer makes of every gradient before it changes any parameter.
     *
     * @param a the values
     * @return {@code true} if none is NaN or infinite
     */
    public static boolean allFinite(double[] a) {
        return DEFAULT.allFinite(a, 0, a.length);
    }

    /**
     * Whether {@link #gemm} runs an n×k·k×m product in the blocked kernel (packing B first)
     * rather than in the plain loop. A caller that could recompute only part of a product (a
     * few rows or columns through {@link #region}) gains from the whole product only when it is
     * blocked: in the plain loop every entry costs the same either way.
     *
     * @param n the rows of A
     * @param k the columns of A and rows of B
     * @param m the columns of B
     * @return whether the product is large enough for the blocked kernel
     */
    public static boolean blocked(long n, long k, long m) {
        return n * k * m > SMALL_MACS;
    }

    /**
     * How many threads a large product (or a large batch of products) is split between; set by
     * the system property {@code autodifflite.matmul.threads}. Results never depend on it.
     *
     * @return the thread count, ≥ 1
     */
    public static int threads() {
        return THREADS;
    }

    /**
     * The general product {@code C = A · B} of strided operands, written over an n×m row-major
     * block of {@code out}:
     * {@code out[outOff + i·m + j] = Σ_p a[aOff + i·ars + p·acs] · b[bOff + p·brs + j·bcs]}
     * for {@code i < n}, {@code j < m}, {@code p < k}. The block is overwritten, so it need not
     * be zero on entry (with {@code k = 0} it is set to zero); nothing outside it is touched.
     * A row-major n×k {@code A} has {@code ars = k, acs = 1}; its transpose stored row-major as
     * k×n has {@code ars = 1, acs = n}. The result is the same, bit for bit, whatever the offsets
     * and thread count, and equal to what {@code Tensor.matmul} gives for the same matrices.
     *
     * @param a the array holding {@code A}
     * @param aOff the index of {@code A(0,0)} in {@code a}
     * @param ars the distance in {@code a} from {@code A(i,p)} to {@code A(i+1,p)}, ≥ 0
     * @param acs the distance in {@code a} from {@code A(i,p)} to {@code A(i,p+1)}, ≥ 0
     * @param b the array holding {@code B}
     * @param bOff the index of {@code B(0,0)} in {@code b}
     * @param brs the distance in {@code b} from {@code B(p,j)} to {@code B(p+1,j)}, ≥ 0
     * @param bcs the distance in {@code b} from {@code B(p,j)} to {@code B(p,j+1)}, ≥ 0
     * @param out the array receiving {@code C}; its block must not overlap what is read of
     *     {@code a} or {@code b}
     * @param outOff the index of {@code C(0,0)} in {@code out}
     * @param n the rows of {@code A} and {@code C}, ≥ 0
     * @param k the columns of {@code A} and rows of {@code B}, ≥ 0
     * @param m the columns of {@code B} and {@code C}, ≥ 0
     * @throws NullPointerException if an array is null
     * @throws IllegalArgumentException if a size, offset or stride is negative, an operand or
     *     the output does not fit in its array, or the output overlaps an operand
     */
    public static void gemm(double[] a, int aOff, int ars, int acs, double[] b, int bOff, int brs, int bcs,
            double[] out, int outOff, int n, int k, int m) {
        if (!fits(a, aOff, ars, acs, b, bOff, brs, bcs, out, outOff, n, k, m)) {
            checkGemm("gemm", a, aOff, ars, acs, b, bOff, brs, bcs, out, outOff, n, k, m);
        }
        gemm(DEFAULT, THREADS, a, aOff, ars, acs, b, bOff, brs, bcs, out, outOff, n, k, m);
    }

    /**
     * A batch of products of equally shaped matrices, {@code C_t = A_t · B_t} for
     * {@code t < batches}, each exactly as {@link #gemm} computes it: matrix {@code t} of an
     * operand starts at its offset {@code aOffs[t]} (resp. {@code bOffs[t]}, {@code outOffs[t]})
     * and is read through the shared strides. An operand broadcast across the batch simply
     * repeats its offset. With several threads, a batch of products too small to be split
     * alone is split by products; results are the same bit for bit as one {@link #gemm} per
     * product, whatever the thread count.
     *
     * @param batches the number of products, ≥ 0
     * @param a the array holding every {@code A_t}
     * @param aOffs the index of {@code A_t(0,0)} for each {@code t}, at least {@code batches}
     *     of them
     * @param ars the row stride of every {@code A_t}, ≥ 0
     * @param acs the column stride of every {@code A_t}, ≥ 0
     * @param b the array holding every {@code B_t}
     * @param bOffs the index of {@code B_t(0,0)} for each {@code t}
     * @param brs the row stride of every {@code B_t}, ≥ 0
     * @param bcs the column stride of every {@code B_t}, ≥ 0
     * @param out the array receiving every {@code C_t} (n×m, row-major); output blocks must not
     *     overlap the operands; distinct products must write distinct blocks
     * @param outOffs the index of {@code C_t(0,0)} for each {@code t}
     * @param n the rows of each {@code A_t} and {@code C_t}, ≥ 0
     * @param k the columns of each {@code A_t} and rows of each {@code B_t}, ≥ 0
     * @param m the columns of each {@code B_t} and {@code C_t}, ≥ 0
     * @throws NullPointerException if an array is null
     * @throws IllegalArgumentException if an offset array is shorter than {@code batches}, or
     *     any product fails the checks of {@link #gemm}
     */
    public static void gemmBatch(int batches, double[] a, int[] aOffs, int ars, int acs, double[] b, int[] bOffs,
            int brs, int bcs, double[] out, int[] outOffs, int n, int k, int m) {
        if (batches < 0) {
            throw new IllegalArgumentException("gemmBatch: batches must be ≥ 0, got " + batches);
        }
        if (aOffs.length < batches || bOffs.length < batches || outOffs.length < batches) {
            throw new IllegalArgumentException("gemmBatch: " + batches + " products need " + batches
                    + " offsets each, got " + aOffs.length + " (a), " + bOffs.length + " (b), " + outOffs.length
                    + " (out)");
        }
        for (int t = 0; t < batches; t++) {
            if (!fits(a, aOffs[t], ars, acs, b, bOffs[t], brs, bcs, out, outOffs[t], n, k, m)) {
                checkGemm("gemmBatch: product " + t, a, aOffs[t], ars, acs, b, bOffs[t], brs, bcs, out,
                        outOffs[t], n, k, m);
            }
        }
        gemmBatch(DEFAULT, THREADS, batches, a, aOffs, ars, acs, b, bOffs, brs, bcs, out, outOffs, n, k, m);
    }

    /**
     * Work that an op shares with the matmul threads through {@link #share}: blocks, each of
     * which a thread computes either straight into the output ({@link #direct}, the calling
     * thread's way) or into a private buffer of its own that is then copied into the output
     * ({@link #aside} and {@link #commit}, a worker's way). A worker that loses its core to
     * another process may keep a block waiting; the caller then computes it itself, directly, and
     * the worker's copy is never committed. So a block's values must not depend on the thread
     * that computes them, and {@link #direct} and {@link #aside} must write nothing but the
     * block's own outputs (direct) or the thread's private buffer (aside).
     */
    public interface SharedBlocks {
        /**
         * Computes a block straight into the output.
         *
         * @param block the block's index
         */
        void direct(int block);

        /**
         * Computes a block into the calling thread's private buffer.
         *
         * @param block the block's index
         */
        void aside(int block);

        /**
         * Copies the block this thread last computed {@link #aside} into the output.
         *
         * @param block the block's index
         */
        void commit(int block);
    }

    /**
     * Computes blocks {@code 0 … blocks−1} of {@code task} on the matmul threads (the calling
     * thread and the workers that share large products), through the same hand-off as the
     * products: a worker spins briefly between jobs, so an op that follows a product finds it
     * awake, where a fork-join task waits for a parked thread to wake. Returns when every block
     * is in the output. With one thread, or a single block, runs {@link SharedBlocks#direct} on
     * the calling thread in order.
     *
     * @param blocks the number of blocks, ≥ 0
     * @param task how to compute a block
     * @throws IllegalArgumentException if {@code blocks} is negative
     */
    public static void share(int blocks, SharedBlocks task) {
        Objects.requireNonNull(task, "task");
        if (blocks < 0) {
            throw new IllegalArgumentException("share: blocks must be ≥ 0, got " + blocks);
        }
        if (THREADS < 2 || blocks < 2) {
            for (int b = 0; b < blocks; b++) {
                task.direct(b);
            }
            return;
        }
        pool(THREADS).run(task, blocks);
    }

    /**
     * The product of {@code A} and the transpose of {@code B} where both are stored by rows along
     * the inner dimension, for a long inner dimension and a small output (a convolution's
     * weight gradient, {@code G · colᵀ}, summed over every position of a batch):
     * {@code out[outOff + i·m + j] = Σ_p a[aOff + i·lda + p] · b[bOff + j·ldb + p]} for
     * {@code i < n}, {@code j < m}, {@code p < k}. Each entry is the dot product of two
     * contiguous rows, which {@link #gemm} would reach only by packing the transpose of
     * {@code B}, a gather of every one of its entries, and then run with a few rows of
     * accumulators over thousands of {@code p}. On the calling thread.
     *
     * <p>The order of the additions is fixed by the kernel: the vector kernel keeps one partial
     * sum per vector lane (lane {@code l} takes the terms {@code p ≡ l} modulo the lane count,
     * by fused multiply-adds in order of {@code p}), adds the lanes in a fixed tree and then the
     * last {@code k mod lanes} terms in order; the scalar kernel does the same with four lanes
     * and separate multiplications and additions. So the result is the same, bit for bit,
     * whatever the offsets or the block an entry is computed in, but differs in the last bits
     * from {@link #gemm}'s chain for the same matrices.
     *
     * @param a the array holding {@code A}
     * @param aOff the index of {@code A(0,0)}
     * @param lda the distance from {@code A(i,0)} to {@code A(i+1,0)}, ≥ 0
     * @param b the array holding {@code B}
     * @param bOff the index of {@code B(0,0)}
     * @param ldb the distance from {@code B(j,0)} to {@code B(j+1,0)}, ≥ 0
     * @param out the array receiving the n×m product, row-major from {@code outOff}; not
     *     {@code a} or {@code b}
     * @param outOff the index of the product's entry (0, 0)
     * @param n the rows of {@code A} and of the product, ≥ 0
     * @param k the length of every row (the inner dimension), ≥ 0
     * @param m the rows of {@code B}, columns of the product, ≥ 0
     * @throws NullPointerException if an array is null
     * @throws IllegalArgumentException if a size, offset or stride is negative, an operand or
     *     the output does not fit in its array, or the output is an operand
     */
    public static void gemmNT(double[] a, int aOff, int lda, double[] b, int bOff, int ldb, double[] out,
            int outOff, int n, int k, int m) {
        // Bᵀ(p, j) = b[bOff + p + j·ldb]: gemm's strides brs = 1, bcs = ldb.
        if (!fits(a, aOff, lda, 1, b, bOff, 1, ldb, out, outOff, n, k, m)) {
            checkGemm("gemmNT", a, aOff, lda, 1, b, bOff, 1, ldb, out, outOff, n, k, m);
        }
        if (n == 0 || m == 0) {
            return;
        }
        DEFAULT.dotProducts(a, aOff, lda, b, bOff, ldb, out, outOff, n, k, m,
                SCRATCH.get().tile(n * m * DEFAULT.width()));
    }

    /**
     * {@link #gemmNT} for the scalar kernel: each entry summed in four partial sums, lane
     * {@code l} taking the terms {@code p ≡ l (mod 4)} below {@code k − k mod 4} in order of
     * {@code p}, added as {@code (s0 + s1) + (s2 + s3)}, then the remaining terms in order.
     */
    static void dotProducts(double[] a, int aOff, int lda, double[] b, int bOff, int ldb, double[] out,
            int outOff, int n, int k, int m) {
        int body = k - k % 4;
        for (int i = 0; i < n; i++) {
            int ai = aOff + i * lda;
            for (int j = 0; j < m; j++) {
                int bj = bOff + j * ldb;
                double s0 = 0.0;
                double s1 = 0.0;
                double s2 = 0.0;
                double s3 = 0.0;
                for (int p = 0; p < body; p += 4) {
                    s0 += a[ai + p] * b[bj + p];
                    s1 += a[ai + p + 1] * b[bj + p + 1];
                    s2 += a[ai + p + 2] * b[bj + p + 2];
                    s3 += a[ai + p + 3] * b[bj + p + 3];
                }
                double s = (s0 + s1) + (s2 + s3);
                for (int p = body; p < k; p++) {
                    s += a[ai + p] * b[bj + p];
                }
                out[outOff + i * m + j] = s;
            }
        }
    }

    /**
     * Recomputes the entries in rows {@code [r0, r1)} and columns {@code [c0, c1)} of
     * {@code out = a · b} (row-major, {@code a} n×k, {@code b} k×m, {@code out} n×m, all from
     * index 0), every other entry left as it is. Each entry is computed by the same chain of
     * operations as {@link #gemm} computes it for the whole product, so the entries are equal
     * bit for bit to those of the whole product. The gradient checker uses it (through
     * {@code Tensor.matmulRegionInto}) to redo only what one perturbed entry changes.
     *
     * @param a the left operand, n×k row-major
     * @param b the right operand, k×m row-major
     * @param out the product, n×m row-major, updated in place; not {@code a} or {@code b}
     * @param n the rows of {@code a}
     * @param k the columns of {@code a}, rows of {@code b}
     * @param m the columns of {@code b}
     * @param r0 the first row to recompute
     * @param r1 one past the last row
     * @param c0 the first column to recompute
     * @param c1 one past the last column
     * @throws NullPointerException if an array is null
     * @throws IllegalArgumentException if a size is negative, an array is too short, {@code out}
     *     is an operand, or the ranges are not within {@code [0, n]} and {@code [0, m]}
     */
    public static void region(double[] a, double[] b, double[] out, int n, int k, int m, int r0, int r1, int c0,
            int c1) {
        if (!fits(a, 0, k, 1, b, 0, m, 1, out, 0, n, k, m)) {
            checkGemm("region", a, 0, k, 1, b, 0, m, 1, out, 0, n, k, m);
        }
        if (r0 < 0 || r0 > r1 || r1 > n || c0 < 0 || c0 > c1 || c1 > m) {
            throw new IllegalArgumentException("region: rows [" + r0 + ", " + r1 + ") and columns [" + c0 + ", "
                    + c1 + ") are not within the " + n + "×" + m + " product; give 0 ≤ from ≤ to ≤ size");
        }
        boolean kernelSized = blocked(n, k, m);
        if (kernelSized && c0 == 0 && c1 == m && r1 - r0 > 1 && k > 0) {
            // Whole rows: the kernel itself, on just these row blocks (each entry's chain does
            // not depend on the block it is computed in), an order of magnitude faster than
            // the loop below.
            MatMulKernel kernel = DEFAULT;
            int w = kernel.width();
            Scratch s = SCRATCH.get();
            double[] bp = s.packedB(((m + w - 1) / w) * k * w);
            packB(b, 0, m, 1, bp, k, m, w);
            for (int i0 = r0; i0 < r1; i0 += kernel.rows()) {
                rowBlock(kernel, s, a, 0, k, 1, bp, out, 0, i0, i0, r1, k, m);
            }
            return;
        }
        boolean fused = DEFAULT == VECTOR && VECTOR != null && kernelSized;
        for (int i = r0; i < r1; i++) {
            if (fused) {
                DEFAULT.fusedRow(a, i * k, b, out, i * m, k, m, c0, c1);
            } else {
                regionRow(a, i * k, b, out, i * m, k, m, c0, c1, false);
            }
        }
    }

    /**
     * Columns {@code [c0, c1)} of one row of {@code a · b}, eight at a time: each entry's sum is
     * kept in a local and its terms are added in order of {@code p} from 0, the chain of
     * roundings of the whole product (fused multiply-adds for products the vector kernel takes,
     * as it computes them), so the bits are those of {@link #gemm}. Summing into locals rather
     * than into {@code out} once per {@code p} keeps eight independent chains in registers:
     * the checker redoes a row of a 784-wide layer twice per perturbed weight, and the loop
     * that wrote the row back on every {@code p} took half of an exhaustive check's time.
     */
    static void regionRow(double[] a, int ai, double[] b, double[] out, int oi, int k, int m, int c0,
            int c1, boolean fused) {
        int o = c0;
        for (; o + 8 <= c1; o += 8) {
            double s0 = 0.0;
            double s1 = 0.0;
            double s2 = 0.0;
            double s3 = 0.0;
            double s4 = 0.0;
            double s5 = 0.0;
            double s6 = 0.0;
            double s7 = 0.0;
            if (fused) {
                for (int p = 0, bp = o; p < k; p++, bp += m) {
                    double x = a[ai + p];
                    s0 = Math.fma(x, b[bp], s0);
                    s1 = Math.fma(x, b[bp + 1], s1);
                    s2 = Math.fma(x, b[bp + 2], s2);
                    s3 = Math.fma(x, b[bp + 3], s3);
                    s4 = Math.fma(x, b[bp + 4], s4);
                    s5 = Math.fma(x, b[bp + 5], s5);
                    s6 = Math.fma(x, b[bp + 6], s6);
                    s7 = Math.fma(x, b[bp + 7], s7);
                }
            } else {
                for (int p = 0, bp = o; p < k; p++, bp += m) {
                    double x = a[ai + p];
                    s0 += x * b[bp];
                    s1 += x * b[bp + 1];
                    s2 += x * b[bp + 2];
                    s3 += x * b[bp + 3];
                    s4 += x * b[bp + 4];
                    s5 += x * b[bp + 5];
                    s6 += x * b[bp + 6];
                    s7 += x * b[bp + 7];
                }
            }
            int q = oi + o;
            out[q] = s0;
            out[q + 1] = s1;
            out[q + 2] = s2;
            out[q + 3] = s3;
            out[q + 4] = s4;
            out[q + 5] = s5;
            out[q + 6] = s6;
            out[q + 7] = s7;
        }
        for (; o < c1; o++) {
            double s = 0.0;
            if (fused) {
                for (int p = 0, bp = o; p < k; p++, bp += m) {
                    s = Math.fma(a[ai + p], b[bp], s);
                }
            } else {
                for (int p = 0, bp = o; p < k; p++, bp += m) {
                    s += a[ai + p] * b[bp];
                }
            }
            out[oi + o] = s;
        }
    }

    // ------------------------------------------------------------------ the work

    /**
     * {@link #gemm} on a given kernel and thread count, without argument checks (callers have
     * checked); the tests run it on every kernel.
     *
     * @param kernel the kernel for products that are not tiny
     * @param threads how many threads may share a large product
     */
    static void gemm(MatMulKernel kernel, int threads, double[] a, int aOff, int ars, int acs, double[] b,
            int bOff, int brs, int bcs, double[] out, int outOff, int n, int k, int m) {
        if (n == 0 || m == 0) {
            return;
        }
        if (k == 0) {
            Arrays.fill(out, outOff, outOff + n * m, 0.0);
            return;
        }
        long macs = (long) n * k * m;
        if (!blocked(n, k, m)) {
            small(a, aOff, ars, acs, b, bOff, brs, bcs, out, outOff, n, k, m);
            return;
        }
        int w = kernel.width();
        int panels = (m + w - 1) / w;
        Scratch mine = SCRATCH.get();
        double[] bp = mine.packedB(panels * k * w);
        packB(b, bOff, brs, bcs, bp, k, m, w);
        final int rb = kernel.rows();
        int blocks = (n + rb - 1) / rb;
        if (threads > 1 && macs >= PARALLEL_MIN_MACS && blocks > 1) {
            // Threads claim chunks of row blocks, about four per thread: claiming costs an atomic
            // update of a line both cores write, which would be a fifth of a lone block's time.
            int per = Math.max(1, blocks / (4 * threads));
            int chunks = (blocks + per - 1) / per;
            pool(threads).run(new SharedBlocks() {
                @Override
                public void direct(int c) {
                    Scratch s = SCRATCH.get();
                    for (int blk = c * per, end = Math.min(blocks, blk + per); blk < end; blk++) {
                        rowBlock(kernel, s, a, aOff, ars, acs, bp, out, outOff, blk * rb, blk * rb, n, k, m);
                    }
                }

                @Override
                public void aside(int c) {
                    Scratch s = SCRATCH.get();
                    double[] rows = s.rowsOut(per * rb * m);
                    int first = c * per;
                    for (int blk = first, end = Math.min(blocks, first + per); blk < end; blk++) {
                        rowBlock(kernel, s, a, aOff, ars, acs, bp, rows, 0, (blk - first) * rb, blk * rb, n, k, m);
                    }
                }

                @Override
                public void commit(int c) {
                    int i0 = c * per * rb;
                    int rowCount = Math.min(per * rb, n - i0);
                    System.arraycopy(SCRATCH.get().rowsOut(0), 0, out, outOff + i0 * m, rowCount * m);
                }
            }, chunks);
        } else {
            for (int blk = 0; blk < blocks; blk++) {
                rowBlock(kernel, mine, a, aOff, ars, acs, bp, out, outOff, blk * rb, blk * rb, n, k, m);
            }
        }
    }

    /**
     * {@link #gemmBatch} on a given kernel and thread count, without argument checks.
     *
     * @param kernel the kernel for products that are not tiny
     * @param threads how many threads may share the batch
     */
    static void gemmBatch(MatMulKernel kernel, int threads, int batches, double[] a, int[] aOffs, int ars, int acs,
            double[] b, int[] bOffs, int brs, int bcs, double[] out, int[] outOffs, int n, int k, int m) {
        long macs = (long) n * k * m;
        int size = n * m;
        if (stacked(batches, aOffs, n * ars, bOffs, outOffs, size) && blocked(n, k, m)) {
            // One B under a stack of A's, the results stacked alike (x·W for a batch of
            // sequences): one product of n·batches rows packs B once instead of once per product.
            // Every entry is the same chain on the kernel path either way, so the bits match.
            gemm(kernel, threads, a, aOffs[0], ars, acs, b, bOffs[0], brs, bcs, out, outOffs[0], n * batches, k, m);
            return;
        }
        // Split by products when each is too small to be split alone, or when there are enough
        // of them to keep every thread busy (one packing of B per product either way).
        boolean byProducts = threads > 1 && batches > 1 && size > 0 && macs * batches >= PARALLEL_MIN_MACS
                && (macs < PARALLEL_MIN_MACS || batches >= 4 * threads);
        if (!byProducts) {
            for (int t = 0; t < batches; t++) {
                gemm(kernel, threads, a, aOffs[t], ars, acs, b, bOffs[t], brs, bcs, out, outOffs[t], n, k, m);
            }
            return;
        }
        int per = Math.max(1, batches / (4 * threads));
        int chunks = (batches + per - 1) / per;
        pool(threads).run(new SharedBlocks() {
            @Override
            public void direct(int c) {
                for (int t = c * per, end = Math.min(batches, t + per); t < end; t++) {
                    gemm(kernel, 1, a, aOffs[t], ars, acs, b, bOffs[t], brs, bcs, out, outOffs[t], n, k, m);
                }
            }

            @Override
            public void aside(int c) {
                // gemm with one thread never touches rowsOut, so it can be the private buffer.
                double[] mine = SCRATCH.get().rowsOut(per * size);
                int first = c * per;
                for (int t = first, end = Math.min(batches, first + per); t < end; t++) {
                    gemm(kernel, 1, a, aOffs[t], ars, acs, b, bOffs[t], brs, bcs, mine, (t - first) * size, n, k, m);
                }
            }

            @Override
            public void commit(int c) {
                double[] mine = SCRATCH.get().rowsOut(0);
                int first = c * per;
                for (int t = first, end = Math.min(batches, first + per); t < end; t++) {
                    System.arraycopy(mine, (t - first) * size, out, outOffs[t], size);
                }
            }
        }, chunks);
    }

    /** Whether the products share one B and their A's and results lie one after the other. */
    private static boolean stacked(int batches, int[] aOffs, int aStep, int[] bOffs, int[] outOffs, int outStep) {
        if (batches < 2) {
            return false;
        }
        for (int t = 1; t < batches; t++) {
            if (bOffs[t] != bOffs[0] || aOffs[t] != aOffs[0] + (long) t * aStep
                    || outOffs[t] != outOffs[0] + (long) t * outStep) {
                return false;
            }
        }
        return true;
    }

    /**
     * Computes the row block of A starting at row {@code i0} (up to the kernel's rows, not past
     * row {@code end}) into rows {@code outRow …} of the n×m block at {@code outOff} of
     * {@code out} (the output itself, or a worker's private buffer).
     */
    private static void rowBlock(MatMulKernel kernel, Scratch s, double[] a, int aOff, int ars, int acs,
            double[] bp, double[] out, int outOff, int outRow, int i0, int end, int k, int m) {
        int rb = kernel.rows();
        double[] tile = s.tile(rb * 3 * kernel.width());
        int rows = Math.min(rb, end - i0);
        if (rows == rb && kernel.readsAInPlace(k, m)) {
            // Read where it lies: copying A would cost as much memory traffic as the kernel's own
            // reads of it, unless the kernel says otherwise for this shape.
            kernel.rowBlock(a, aOff + i0 * ars, ars, acs, bp, k, m, out, outOff, outRow, rows, tile);
        } else {
            double[] ap = s.packedA(rb * k);
            packA(a, aOff, ars, acs, ap, i0, rows, k, rb);
            kernel.rowBlock(ap, 0, 1, rb, bp, k, m, out, outOff, outRow, rows, tile);
        }
    }

    /**
     * Copies a finished tile of accumulators into the output, keeping only the rows and columns
     * that lie inside it; kernels call it for tiles at the matrix's edges.
     *
     * @param tile the tile, row-major with row stride {@code tw}
     * @param tw the tile's row stride
     * @param out the array holding the output (n×m, row-major, from {@code outOff})
     * @param outOff the index of the output's entry (0, 0)
     * @param m the output's columns
     * @param i0 the tile's first output row
     * @param rows the valid rows
     * @param j0 the tile's first output column
     * @param cols the valid columns
     */
    static void storeTile(double[] tile, int tw, double[] out, int outOff, int m, int i0, int rows, int j0,
            int cols) {
        for (int r = 0; r < rows; r++) {
            System.arraycopy(tile, r * tw, out, outOff + (i0 + r) * m + j0, cols);
        }
    }

    private static void small(double[] a, int aOff, int ars, int acs, double[] b, int bOff, int brs, int bcs,
            double[] out, int outOff, int n, int k, int m) {
        if (bcs == 1 && m >= 8) {
            // Rows of B added into a row of the output: the JIT vectorizes the inner loop, and no
            // sum waits on the previous one (the seed net's rows of 3 stay with the dot products
            // below). Each entry still gets 0 + its terms in order of p, the chain of the dot
            // product, so the bits are the same.
            for (int i = 0; i < n; i++) {
                int ai = aOff + i * ars;
                int oi = outOff + i * m;
                Arrays.fill(out, oi, oi + m, 0.0);
                for (int p = 0; p < k; p++) {
                    double x = a[ai + p * acs];
                    int bp = bOff + p * brs - oi;
                    for (int o = oi; o < oi + m; o++) {
                        out[o] += x * b[bp + o];
                    }
                }
            }
            return;
        }
        for (int i = 0; i < n; i++) {
            int ai = aOff + i * ars;
            int oi = outOff + i * m;
            for (int j = 0; j < m; j++) {
                int bj = bOff + j * bcs;
                double s = 0;
                for (int p = 0; p < k; p++) {
                    s += a[ai + p * acs] * b[p * brs + bj];
                }
                out[oi + j] = s;
            }
        }
    }

    private static void packB(double[] b, int bOff, int brs, int bcs, double[] bp, int k, int m, int w) {
        int panels = (m + w - 1) / w;
        for (int q = 0; q < panels; q++) {
            int j0 = q * w;
            int cols = Math.min(w, m - j0);
            int base = q * k * w;
            if (cols == 8 && w == 8 && bcs == 1) {
                // A full panel of the vector kernel from B stored by rows (a layer's X), eight
                // values per row written out: one arraycopy call per 8 values measured ≈ 1.7×
                // slower (31 against 16 µs for a 784×64 X on this Xeon).
                for (int p = 0, o = base, s = bOff + j0; p < k; p++, o += 8, s += brs) {
                    bp[o] = b[s];
                    bp[o + 1] = b[s + 1];
                    bp[o + 2] = b[s + 2];
                    bp[o + 3] = b[s + 3];
                    bp[o + 4] = b[s + 4];
                    bp[o + 5] = b[s + 5];
                    bp[o + 6] = b[s + 6];
                    bp[o + 7] = b[s + 7];
                }
                continue;
            }
            if (cols == 8 && w == 8 && brs == 1) {
                // A full panel of the vector kernel from B stored transposed (a weight gradient's
                // Xᵀ), one row of 8 at a time, written out: eight columns read side by side and
                // stored contiguously measured ≈ 3× faster than walking one column at a time
                // with strided stores.
                int s = bOff + j0 * bcs;
                int c = bcs;
                for (int p = 0, o = base; p < k; p++, o += 8, s++) {
                    bp[o] = b[s];
                    bp[o + 1] = b[s + c];
                    bp[o + 2] = b[s + 2 * c];
                    bp[o + 3] = b[s + 3 * c];
                    bp[o + 4] = b[s + 4 * c];
                    bp[o + 5] = b[s + 5 * c];
                    bp[o + 6] = b[s + 6 * c];
                    bp[o + 7] = b[s + 7 * c];
                }
                continue;
            }
            if (bcs == 1) {
                for (int p = 0; p < k; p++) {
                    System.arraycopy(b, bOff + p * brs + j0, bp, base + p * w, cols);
                }
            } else {
                // B is stored transposed: walk each of its columns, contiguous in memory.
                for (int c = 0; c < cols; c++) {
                    int src = bOff + (j0 + c) * bcs;
                    for (int p = 0; p < k; p++) {
                        bp[base + p * w + c] = b[src + p * brs];
                    }
                }
            }
            for (int c = cols; c < w; c++) {
                for (int p = 0; p < k; p++) {
                    bp[base + p * w + c] = 0;
                }
            }
        }
    }

    /** Copies rows {@code i0 …} of A, p-major ({@code ap[p·rb + r]}), zero rows past {@code rows}. */
    private static void packA(double[] a, int aOff, int ars, int acs, double[] ap, int i0, int rows, int k, int rb) {
        for (int r = 0; r < rows; r++) {
            int src = aOff + (i0 + r) * ars;
            for (int p = 0; p < k; p++) {
                ap[p * rb + r] = a[src + p * acs];
            }
        }
        for (int r = rows; r < rb; r++) {
            for (int p = 0; p < k; p++) {
                ap[p * rb + r] = 0;
            }
        }
    }

    /**
     * Whether one product's arguments are surely valid: {@link #checkGemm}'s conditions in one
     * expression, with any shared array counted as an overlap. Small enough to be inlined, it
     * lets the usual call skip {@code checkGemm}, whose messages made it too large to inline:
     * its call cost 5 % of the seed net's gradient check, which takes thousands of tiny
     * products. When it says no, {@code checkGemm} decides and names the fault.
     */
    private static boolean fits(double[] a, int aOff, int ars, int acs, double[] b, int bOff, int brs, int bcs,
            double[] out, int outOff, int n, int k, int m) {
        return a != null && b != null && out != null && (n | k | m | aOff | bOff | outOff | ars | acs | brs | bcs) >= 0
                && outOff + (long) n * m <= out.length
                && (n == 0 || m == 0 || k == 0
                        || aOff + (long) (n - 1) * ars + (long) (k - 1) * acs < a.length
                        && bOff + (long) (k - 1) * brs + (long) (m - 1) * bcs < b.length && out != a && out != b);
    }

    /**
     * Validates one product's arguments; the strides being ≥ 0, the first and last entry read
     * bound everything read. Overlap is judged on those bounds, which is exact for the usual
     * dense layouts and errs on the safe side for exotic ones.
     */
    private static void checkGemm(String op, double[] a, int aOff, int ars, int acs, double[] b, int bOff, int brs,
            int bcs, double[] out, int outOff, int n, int k, int m) {
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(b, "b");
        Objects.requireNonNull(out, "out");
        if (n < 0 || k < 0 || m < 0) {
            throw new IllegalArgumentException(op + ": sizes must be ≥ 0, got n=" + n + ", k=" + k + ", m=" + m);
        }
        if (aOff < 0 || bOff < 0 || outOff < 0) {
            throw new IllegalArgumentException(op + ": offsets must be ≥ 0, got aOff=" + aOff + ", bOff=" + bOff
                    + ", outOff=" + outOff);
        }
        if (ars < 0 || acs < 0 || brs < 0 || bcs < 0) {
            throw new IllegalArgumentException(op + ": strides must be ≥ 0, got ars=" + ars + ", acs=" + acs
                    + ", brs=" + brs + ", bcs=" + bcs);
        }
        long outEnd = outOff + (long) n * m;
        if (outEnd > out.length) {
            throw new IllegalArgumentException(op + ": the " + n + "×" + m + " output at offset " + outOff
                    + " needs " + outEnd + " entries, out has " + out.length);
        }
        if (n == 0 || m == 0 || k == 0) {
            return;
        }
        long aLast = aOff + (long) (n - 1) * ars + (long) (k - 1) * acs;
        if (aLast >= a.length) {
            throw new IllegalArgumentException(op + ": A (" + n + "×" + k + " at offset " + aOff + ", strides " + ars
                    + ", " + acs + ") reaches index " + aLast + ", a has " + a.length + " entries");
        }
        long bLast = bOff + (long) (k - 1) * brs + (long) (m - 1) * bcs;
        if (bLast >= b.length) {
            throw new IllegalArgumentException(op + ": B (" + k + "×" + m + " at offset " + bOff + ", strides " + brs
                    + ", " + bcs + ") reaches index " + bLast + ", b has " + b.length + " entries");
        }
        if ((out == a && outOff <= aLast && aOff < outEnd) || (out == b && outOff <= bLast && bOff < outEnd)) {
            throw new IllegalArgumentException(op + ": the output overlaps an operand; write it to a separate"
                    + " array or a separate part of the array");
        }
    }

    static RowPool pool(int threads) {
        RowPool p = pool;
        if (p == null || p.threads() < threads) {
            synchronized (MatMul.class) {
                p = pool;
                if (p == null || p.threads() < threads) {
                    // Grows only; an old, smaller pool's parked daemons are left to idle.
                    p = new RowPool(threads);
                    pool = p;
                }
            }
        }
        return p;
    }

    private static MatMulKernel loadVectorKernel() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return null;
        }
        try {
            MatMulKernel k = (MatMulKernel) Class.forName(VECTOR_CLASS).getDeclaredConstructor().newInstance();
            if (!selfTest(k)) {
                LOG.warn("vector matmul kernel gave a wrong result on a self-test; using the scalar kernel");
                return null;
            }
            return k;
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            LOG.debug("vector matmul kernel not loaded ({}); using the scalar kernel", e.toString());
            return null;
        }
    }

    /** Multiplies small integer matrices, whose products are exact, and compares. */
    private static boolean selfTest(MatMulKernel k) {
        int n = 5, kk = 7, m = 13;
        double[] a = new double[n * kk];
        double[] b = new double[kk * m];
        for (int i = 0; i < a.length; i++) {
            a[i] = (i * 7) % 11 - 5;
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (i * 5) % 13 - 6;
        }
        double[] want = new double[n * m];
        double[] got = new double[n * m];
        small(a, 0, kk, 1, b, 0, m, 1, want, 0, n, kk, m);
        int w = k.width();
        double[] bp = new double[((m + w - 1) / w) * kk * w];
        packB(b, 0, m, 1, bp, kk, m, w);
        Scratch s = new Scratch();
        for (int i0 = 0; i0 < n; i0 += k.rows()) {
            rowBlock(k, s, a, 0, kk, 1, bp, got, 0, i0, i0, n, kk, m);
        }
        return Arrays.equals(want, got);
    }

    private static int threadsProperty() {
        int dflt = Math.min(8, Runtime.getRuntime().availableProcessors());
        String v = System.getProperty("autodifflite.matmul.threads");
        if (v == null) {
            return dflt;
        }
        try {
            return Math.max(1, Integer.parseInt(v.trim()));
        } catch (NumberFormatException e) {
            LOG.warn("autodifflite.matmul.threads={} is not a number; using {}", v, dflt);
            return dflt;
        }
    }

    /**
     * Per-thread buffers, grown as needed and reused, so products do not allocate; a buffer
     * larger than {@link #RETAIN_LIMIT} doubles is handed out fresh and not kept, so one huge
     * product does not pin its packed copy to a thread for good.
     */
    private static final class Scratch {
        static final int RETAIN_LIMIT = 1 << 21;

        private double[] a = new double[0];
        private double[] b = new double[0];
        private double[] t = new double[0];
        private double[] rows = new double[0];

        double[] packedA(int size) {
            if (a.length < size) {
                if (size > RETAIN_LIMIT) {
                    return new double[size];
                }
                a = new double[size];
            }
            return a;
        }

        double[] packedB(int size) {
            if (b.length < size) {
                if (size > RETAIN_LIMIT) {
                    return new double[size];
                }
                b = new double[size];
            }
            return b;
        }

        /** A worker's private copy of one chunk of output rows (size 0: the current one). */
        double[] rowsOut(int size) {
            if (rows.length < size) {
                rows = new double[size];
            }
            return rows;
        }

        double[] tile(int size) {
            if (t.length < size) {
                t = new double[size];
            }
            return t;
        }
    }
}
