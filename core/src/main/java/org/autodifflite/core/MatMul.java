package org.autodifflite.core;

import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where matrices are multiplied, so that a faster kernel replaces it everywhere
 * at once.
 *
 * <p>Tiny products (the seed's 4-5-3-1 net) run a plain loop: there, any set-up costs more than
 * the arithmetic. Larger ones pack {@code B} into panels and hand them, with blocks of four rows
 * of {@code A} read in place, to a {@link MatMulKernel}: the vector-API
 * kernel when {@code jdk.incubator.vector} is present (run with
 * {@code --add-modules jdk.incubator.vector}), otherwise the scalar one. Products of at least
 * {@link #PARALLEL_MIN_MACS} multiply-adds split their row blocks between threads; every output
 * entry is computed by the same chain of operations whatever the thread count, so results are
 * identical bit for bit with one thread or many.
 *
 * <p>System properties, read once: {@code autodifflite.matmul.vector=false} forces the scalar
 * kernel; {@code autodifflite.matmul.threads=N} sets the thread count (default: the available
 * processors, at most 8; 1 disables threading); {@code autodifflite.matmul.vectorBits} = 128 or
 * 256 narrows the vector width (default: the widest the hardware runs natively).
 */
final class MatMul {

    private static final Logger LOG = LoggerFactory.getLogger(MatMul.class);

    /** Below this many multiply-adds the plain loop is faster than packing. */
    static final long SMALL_MACS = 4096;

    /** From this many multiply-adds on, the row blocks are split between threads. */
    static final long PARALLEL_MIN_MACS = 1L << 19;

    private static final String VECTOR_CLASS = "org.autodifflite.core.VectorKernel";

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

    /**
     * {@code out = a · b} for row-major {@code a} (n×k) and {@code b} (k×m); {@code out} (n×m)
     * must be zero on entry.
     */
    static void multiply(double[] a, double[] b, double[] out, int n, int k, int m) {
        gemm(DEFAULT, THREADS, a, k, 1, b, m, 1, out, n, k, m);
    }

    /**
     * {@code out = aᵀ · b} for row-major {@code a} (k×n) and {@code b} (k×m); {@code out} (n×m)
     * must be zero on entry.
     */
    static void multiplyTransposeLeft(double[] a, double[] b, double[] out, int n, int k, int m) {
        gemm(DEFAULT, THREADS, a, 1, n, b, m, 1, out, n, k, m);
    }

    /**
     * {@code out = a · bᵀ} for row-major {@code a} (n×k) and {@code b} (m×k); {@code out} (n×m)
     * must be zero on entry.
     */
    static void multiplyTransposeRight(double[] a, double[] b, double[] out, int n, int k, int m) {
        gemm(DEFAULT, THREADS, a, k, 1, b, 1, k, out, n, k, m);
    }

    /**
     * Recomputes the entries in rows {@code [r0, r1)} and columns {@code [c0, c1)} of
     * {@code out = a · b} (row-major, a n×k, b k×m), every other entry left as it is. Each entry
     * is computed by the same chain of operations as {@link #multiply} would compute it: for
     * products the kernels take (more than {@link #SMALL_MACS} multiply-adds, vector kernel
     * loaded) a chain of fused multiply-adds in order of {@code p}, otherwise plain products added
     * in order of {@code p}, so the entries are equal bit for bit to those of the whole product.
     * The gradient checker uses it to redo only what one perturbed entry changes.
     */
    static void region(double[] a, double[] b, double[] out, int n, int k, int m, int r0, int r1, int c0, int c1) {
        boolean kernelSized = (long) n * k * m > SMALL_MACS;
        if (kernelSized && c0 == 0 && c1 == m && r1 - r0 > 1 && k > 0) {
            // Whole rows: the kernel itself, on just these row blocks (each entry's chain does
            // not depend on the block it is computed in), an order of magnitude faster than
            // the loop below.
            MatMulKernel kernel = DEFAULT;
            int w = kernel.width();
            Scratch s = SCRATCH.get();
            double[] bp = s.packedB(((m + w - 1) / w) * k * w);
            packB(b, m, 1, bp, k, m, w);
            double[] tile = s.tile(MatMulKernel.ROWS * 3 * w);
            for (int i0 = r0; i0 < r1; i0 += MatMulKernel.ROWS) {
                int rows = Math.min(MatMulKernel.ROWS, r1 - i0);
                if (rows == MatMulKernel.ROWS && kernel.readsAInPlace()) {
                    kernel.rowBlock(a, i0 * k, k, 1, bp, k, m, out, i0, rows, tile);
                } else {
                    double[] ap = s.packedA(MatMulKernel.ROWS * k);
                    packA(a, k, 1, ap, i0, rows, k);
                    kernel.rowBlock(ap, 0, 1, MatMulKernel.ROWS, bp, k, m, out, i0, rows, tile);
                }
            }
            return;
        }
        boolean fused = DEFAULT == VECTOR && VECTOR != null && kernelSized;
        for (int i = r0; i < r1; i++) {
            int ai = i * k;
            int o0 = i * m + c0;
            int o1 = i * m + c1;
            Arrays.fill(out, o0, o1, 0.0);
            // Row by row over p, so that b is read along its rows; each entry still sees its
            // terms in order of p, so its chain of roundings is that of the whole product.
            for (int p = 0; p < k; p++) {
                double x = a[ai + p];
                int bp = p * m - i * m;
                if (fused) {
                    for (int o = o0; o < o1; o++) {
                        out[o] = Math.fma(x, b[bp + o], out[o]);
                    }
                } else {
                    for (int o = o0; o < o1; o++) {
                        out[o] += x * b[bp + o];
                    }
                }
            }
        }
    }

    /**
     * The general product {@code out = A · B} with {@code A(i,p) = a[i·ars + p·acs]} and
     * {@code B(p,j) = b[p·brs + j·bcs]}; {@code out} is n×m, row-major, and must be zero on
     * entry (an empty inner dimension leaves it zero).
     *
     * @param kernel the kernel for products that are not tiny
     * @param threads how many threads may share a large product
     */
    static void gemm(MatMulKernel kernel, int threads, double[] a, int ars, int acs, double[] b, int brs,
            int bcs, double[] out, int n, int k, int m) {
        if (n == 0 || m == 0 || k == 0) {
            return;
        }
        long macs = (long) n * k * m;
        if (macs <= SMALL_MACS) {
            small(a, ars, acs, b, brs, bcs, out, n, k, m);
            return;
        }
        int w = kernel.width();
        int panels = (m + w - 1) / w;
        Scratch mine = SCRATCH.get();
        double[] bp = mine.packedB(panels * k * w);
        packB(b, brs, bcs, bp, k, m, w);
        int blocks = (n + MatMulKernel.ROWS - 1) / MatMulKernel.ROWS;
        if (threads > 1 && macs >= PARALLEL_MIN_MACS && blocks > 1) {
            // Threads claim chunks of row blocks, about four per thread: claiming costs an atomic
            // update of a line both cores write, which would be a fifth of a lone block's time.
            int per = Math.max(1, blocks / (4 * threads));
            int chunks = (blocks + per - 1) / per;
            pool(threads).run(new RowPool.BlockTask() {
                @Override
                public void direct(int c) {
                    Scratch s = SCRATCH.get();
                    for (int blk = c * per, end = Math.min(blocks, blk + per); blk < end; blk++) {
                        rowBlock(kernel, s, a, ars, acs, bp, out, blk * MatMulKernel.ROWS, blk, n, k, m);
                    }
                }

                @Override
                public void aside(int c) {
                    Scratch s = SCRATCH.get();
                    double[] rows = s.rowsOut(per * MatMulKernel.ROWS * m);
                    int first = c * per;
                    for (int blk = first, end = Math.min(blocks, first + per); blk < end; blk++) {
                        rowBlock(kernel, s, a, ars, acs, bp, rows, (blk - first) * MatMulKernel.ROWS, blk, n, k, m);
                    }
                }

                @Override
                public void commit(int c) {
                    int i0 = c * per * MatMulKernel.ROWS;
                    int rowCount = Math.min(per * MatMulKernel.ROWS, n - i0);
                    System.arraycopy(SCRATCH.get().rowsOut(0), 0, out, i0 * m, rowCount * m);
                }
            }, chunks);
        } else {
            for (int blk = 0; blk < blocks; blk++) {
                rowBlock(kernel, mine, a, ars, acs, bp, out, blk * MatMulKernel.ROWS, blk, n, k, m);
            }
        }
    }

    /**
     * Computes row block {@code blk} of the product into rows {@code outRow …} of {@code out}
     * (the output itself, or a worker's private buffer with {@code outRow = 0}).
     */
    private static void rowBlock(MatMulKernel kernel, Scratch s, double[] a, int ars, int acs, double[] bp,
            double[] out, int outRow, int blk, int n, int k, int m) {
        double[] tile = s.tile(MatMulKernel.ROWS * 3 * kernel.width());
        int i0 = blk * MatMulKernel.ROWS;
        int rows = Math.min(MatMulKernel.ROWS, n - i0);
        if (rows == MatMulKernel.ROWS && kernel.readsAInPlace()) {
            // A whole block is read where it lies: copying A would cost as much memory traffic
            // as the kernel's own reads of it.
            kernel.rowBlock(a, i0 * ars, ars, acs, bp, k, m, out, outRow, rows, tile);
        } else {
            double[] ap = s.packedA(MatMulKernel.ROWS * k);
            packA(a, ars, acs, ap, i0, rows, k);
            kernel.rowBlock(ap, 0, 1, MatMulKernel.ROWS, bp, k, m, out, outRow, rows, tile);
        }
    }

    /**
     * Copies a finished tile of accumulators into the output, keeping only the rows and columns
     * that lie inside it; kernels call it for tiles at the matrix's edges.
     *
     * @param tile the tile, row-major with row stride {@code tw}
     * @param tw the tile's row stride
     * @param out the output (n×m, row-major)
     * @param m the output's columns
     * @param i0 the tile's first output row
     * @param rows the valid rows
     * @param j0 the tile's first output column
     * @param cols the valid columns
     */
    static void storeTile(double[] tile, int tw, double[] out, int m, int i0, int rows, int j0, int cols) {
        for (int r = 0; r < rows; r++) {
            System.arraycopy(tile, r * tw, out, (i0 + r) * m + j0, cols);
        }
    }

    private static void small(double[] a, int ars, int acs, double[] b, int brs, int bcs, double[] out,
            int n, int k, int m) {
        for (int i = 0; i < n; i++) {
            int ai = i * ars;
            int oi = i * m;
            for (int j = 0; j < m; j++) {
                int bj = j * bcs;
                double s = 0;
                for (int p = 0; p < k; p++) {
                    s += a[ai + p * acs] * b[p * brs + bj];
                }
                out[oi + j] = s;
            }
        }
    }

    private static void packB(double[] b, int brs, int bcs, double[] bp, int k, int m, int w) {
        int panels = (m + w - 1) / w;
        for (int q = 0; q < panels; q++) {
            int j0 = q * w;
            int cols = Math.min(w, m - j0);
            int base = q * k * w;
            if (bcs == 1) {
                for (int p = 0; p < k; p++) {
                    System.arraycopy(b, p * brs + j0, bp, base + p * w, cols);
                }
            } else {
                // B is stored transposed: walk each of its columns, contiguous in memory.
                for (int c = 0; c < cols; c++) {
                    int src = (j0 + c) * bcs;
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

    private static void packA(double[] a, int ars, int acs, double[] ap, int i0, int rows, int k) {
        final int r4 = MatMulKernel.ROWS;
        for (int r = 0; r < rows; r++) {
            int src = (i0 + r) * ars;
            for (int p = 0; p < k; p++) {
                ap[p * r4 + r] = a[src + p * acs];
            }
        }
        for (int r = rows; r < r4; r++) {
            for (int p = 0; p < k; p++) {
                ap[p * r4 + r] = 0;
            }
        }
    }

    private static RowPool pool(int threads) {
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
        small(a, kk, 1, b, m, 1, want, n, kk, m);
        int w = k.width();
        double[] bp = new double[((m + w - 1) / w) * kk * w];
        packB(b, m, 1, bp, kk, m, w);
        double[] ap = new double[MatMulKernel.ROWS * kk];
        double[] tile = new double[MatMulKernel.ROWS * 3 * w];
        for (int i0 = 0; i0 < n; i0 += MatMulKernel.ROWS) {
            int rows = Math.min(MatMulKernel.ROWS, n - i0);
            if (rows == MatMulKernel.ROWS && k.readsAInPlace()) {
                k.rowBlock(a, i0 * kk, kk, 1, bp, kk, m, got, i0, rows, tile);
            } else {
                packA(a, kk, 1, ap, i0, rows, kk);
                k.rowBlock(ap, 0, 1, MatMulKernel.ROWS, bp, kk, m, got, i0, rows, tile);
            }
        }
        return java.util.Arrays.equals(want, got);
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
