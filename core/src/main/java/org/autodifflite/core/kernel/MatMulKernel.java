package org.autodifflite.core.kernel;

/**
 * The inner loop of {@link MatMul}: multiplies one block of rows of {@code A} by every packed
 * panel of {@code B}. Two implementations exist, {@link ScalarKernel} (always available) and
 * {@code VectorKernel} (compiled separately against {@code jdk.incubator.vector} and loaded only
 * when that module is present).
 *
 * <p>A block holds {@link #rows()} rows of {@code A}, read through strides:
 * {@code A(i0+r, p) = a[a0 + r·ars + p·acs]} for {@code r < rows()} (a block cut off by the
 * matrix's last row, or any block when {@link #readsAInPlace} says so, is first copied into a
 * zero-padded buffer, so all the block's rows always exist). Panel {@code q} of the packed
 * {@code B} holds {@code B(p, q·w + c)} at {@code bp[q·k·w + p·w + c]} for
 * {@code c < w = width()}, zero beyond the matrix. Every implementation must compute each output
 * entry as the same chain {@code acc = fma(A(i,p), B(p,j), acc)} or
 * {@code acc = acc + A(i,p)·B(p,j)} for {@code p = 0, 1, …, k−1} starting from zero, so that an
 * entry does not depend on which block or thread computed it.
 */
interface MatMulKernel {

    /** @return a short name for logs and benchmarks, for example {@code "vector-256"} */
    String name();

    /** @return the rows of {@code A} in one block, the height of the register tile */
    int rows();

    /**
     * @param k the inner dimension of the product
     * @param m the columns of the product
     * @return whether whole row blocks should be read where they lie in {@code A} (true) or
     *     copied into a contiguous buffer first (false)
     */
    boolean readsAInPlace(int k, int m);

    /** @return the width {@code w} of one packed panel of {@code B}, in columns */
    int width();

    /**
     * Writes rows {@code i0 … i0+rows−1} of the output (n×m, row-major from {@code outOff},
     * overwritten).
     *
     * @param a the array holding the block's rows of {@code A}
     * @param a0 the index of {@code A(i0, 0)} in {@code a}
     * @param ars the distance in {@code a} from one row of {@code A} to the next
     * @param acs the distance in {@code a} from one column of {@code A} to the next
     * @param bp every packed panel of {@code B}, {@code ⌈m/w⌉·k·w} values
     * @param k the inner dimension
     * @param m the columns of {@code out}
     * @param out the array holding the output matrix
     * @param outOff the index of the output's entry (0, 0) in {@code out}
     * @param i0 the first output row of this block
     * @param rows the valid rows of this block, 1 to {@link #rows()}
     * @param tile scratch of at least {@code rows()·3·w} doubles for partial tiles
     */
    void rowBlock(double[] a, int a0, int ars, int acs, double[] bp, int k, int m, double[] out, int outOff, int i0,
            int rows, double[] tile);

    /**
     * Columns {@code [c0, c1)} of one row of {@code a · b} (row-major, {@code b} k×m), written
     * to {@code out[oi + c0 …]}: each entry a chain of fused multiply-adds in order of {@code p}
     * from 0, as this kernel computes the whole product, so the bits are those of
     * {@link MatMul#gemm}. Arguments are not checked ({@link MatMul#region} has).
     *
     * @param a the left operand
     * @param ai the index of the row's first entry in {@code a}
     * @param b the right operand
     * @param out the product
     * @param oi the index of the row's first entry in {@code out}
     * @param k the columns of {@code a}, rows of {@code b}
     * @param m the columns of {@code b}
     * @param c0 the first column
     * @param c1 one past the last column
     */
    default void fusedRow(double[] a, int ai, double[] b, double[] out, int oi, int k, int m, int c0, int c1) {
        MatMul.regionRow(a, ai, b, out, oi, k, m, c0, c1, true);
    }

    /**
     * {@link MatMul#gemmNT}: the n×m products of rows of {@code a} with rows of {@code b}, each
     * summed in this kernel's fixed order (arguments checked by the caller, n, m ≥ 1).
     *
     * @param acc room for n·m·{@link #width()} partial sums, which a kernel may use
     */
    default void dotProducts(double[] a, int aOff, int lda, double[] b, int bOff, int ldb, double[] out, int outOff,
            int n, int k, int m, double[] acc) {
        MatMul.dotProducts(a, aOff, lda, b, bOff, ldb, out, outOff, n, k, m);
    }

    /**
     * Whether every entry of {@code a[from … to)} is finite (neither NaN nor infinite).
     *
     * @param a the values
     * @param from the first index
     * @param to one past the last index
     * @return {@code true} if none is NaN or infinite
     */
    default boolean allFinite(double[] a, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!Double.isFinite(a[i])) {
                return false;
            }
        }
        return true;
    }
}
