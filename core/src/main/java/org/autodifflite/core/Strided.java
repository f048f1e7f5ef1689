package org.autodifflite.core;

import java.util.function.DoubleBinaryOperator;

/**
 * The N-dimensional loops behind {@link Tensor}'s broadcasting, copying and reducing ops.
 *
 * <p>Every operand is addressed through one stride per axis (0 along an axis it is broadcast
 * on), so one loop serves broadcasting, permuting, slicing and padding. Before looping, axes of
 * length 1 are dropped and neighbouring axes that every operand walks contiguously are merged,
 * so that the innermost loop runs as long as possible (a same-shape or row-broadcast operation
 * becomes one or two axes whatever the rank). The innermost axis is a plain counted loop; the
 * outer axes advance like an odometer over a single index array allocated per call, never per
 * entry. Entries are visited in row-major order of the iteration shape, so sums accumulate in
 * that order and results are reproducible bit for bit.
 */
final class Strided {

    /** Reduction kinds for {@link #reduce}. */
    static final int SUM = 0;
    static final int MAX = 1;
    static final int MIN = 2;

    private Strided() {
    }

    /** A shape and one set of strides per operand, simplified for looping. */
    private static final class Plan {
        final int rank;
        final int[] dims;
        final int[][] strides;

        Plan(int rank, int[] dims, int[][] strides) {
            this.rank = rank;
            this.dims = dims;
            this.strides = strides;
        }
    }

    /** Drops axes of length 1 and merges neighbours every operand walks contiguously. */
    private static Plan plan(int[] dims, int[]... strides) {
        int ops = strides.length;
        int[] d = new int[dims.length];
        int[][] s = new int[ops][dims.length];
        int r = 0;
        for (int ax = 0; ax < dims.length; ax++) {
            if (dims[ax] == 1) {
                continue;
            }
            if (r > 0) {
                boolean merge = true;
                for (int k = 0; k < ops && merge; k++) {
                    merge = s[k][r - 1] == strides[k][ax] * dims[ax];
                }
                if (merge) {
                    d[r - 1] *= dims[ax];
                    for (int k = 0; k < ops; k++) {
                        s[k][r - 1] = strides[k][ax];
                    }
                    continue;
                }
            }
            d[r] = dims[ax];
            for (int k = 0; k < ops; k++) {
                s[k][r] = strides[k][ax];
            }
            r++;
        }
        return new Plan(r, d, s);
    }

    /**
     * {@code out[i] = f(a[…], b[…])} over the shape {@code dims}, {@code out} contiguous.
     *
     * @param dims the output's shape (no dimension 0)
     * @param a the first operand, read at offset 0 with strides {@code as}
     * @param as its stride per axis of {@code dims}
     * @param b the second operand
     * @param bs its stride per axis
     * @param out the output, row-major
     * @param f the function
     */
    static void zip(int[] dims, double[] a, int[] as, double[] b, int[] bs, double[] out, DoubleBinaryOperator f) {
        Plan p = plan(dims, Shapes.strides(dims), as, bs);
        int r = p.rank;
        if (r == 0) {
            out[0] = f.applyAsDouble(a[0], b[0]);
            return;
        }
        int[] d = p.dims;
        int[] sa = p.strides[1];
        int[] sb = p.strides[2];
        int n = d[r - 1];
        int ja = sa[r - 1];
        int jb = sb[r - 1];
        int[] idx = new int[r];
        int ia = 0;
        int ib = 0;
        int o = 0;
        while (true) {
            // Unit and zero strides get loops of their own: the common broadcasts (a column or a
            // scalar repeated along a row, a row repeated down a matrix) then index like plain
            // arrays, which the JIT compiles as tightly as a same-shape loop.
            if (jb == 0) {
                double y = b[ib];
                if (ja == 1) {
                    for (int j = 0; j < n; j++) {
                        out[o + j] = f.applyAsDouble(a[ia + j], y);
                    }
                } else {
                    for (int j = 0, x = ia; j < n; j++, x += ja) {
                        out[o + j] = f.applyAsDouble(a[x], y);
                    }
                }
            } else if (ja == 0) {
                double x = a[ia];
                if (jb == 1) {
                    for (int j = 0; j < n; j++) {
                        out[o + j] = f.applyAsDouble(x, b[ib + j]);
                    }
                } else {
                    for (int j = 0, y = ib; j < n; j++, y += jb) {
                        out[o + j] = f.applyAsDouble(x, b[y]);
                    }
                }
            } else if (ja == 1 && jb == 1) {
                for (int j = 0; j < n; j++) {
                    out[o + j] = f.applyAsDouble(a[ia + j], b[ib + j]);
                }
            } else {
                for (int j = 0, x = ia, y = ib; j < n; j++, x += ja, y += jb) {
                    out[o + j] = f.applyAsDouble(a[x], b[y]);
                }
            }
            o += n;
            int ax = r - 2;
            for (; ax >= 0; ax--) {
                ia += sa[ax];
                ib += sb[ax];
                if (++idx[ax] < d[ax]) {
                    break;
                }
                ia -= sa[ax] * d[ax];
                ib -= sb[ax] * d[ax];
                idx[ax] = 0;
            }
            if (ax < 0) {
                return;
            }
        }
    }

    /**
     * Copies every entry of a strided source into a strided destination, over the shape
     * {@code dims}.
     *
     * @param dims the shape walked (no dimension 0)
     * @param src the source
     * @param srcOff the index of the source's first entry
     * @param ss the source's stride per axis (0 repeats it along that axis)
     * @param dst the destination
     * @param dstOff the index of the destination's first entry
     * @param ds the destination's stride per axis (never 0 along an axis longer than 1)
     */
    static void copy(int[] dims, double[] src, int srcOff, int[] ss, double[] dst, int dstOff, int[] ds) {
        Plan p = plan(dims, ds, ss);
        int r = p.rank;
        if (r == 0) {
            dst[dstOff] = src[srcOff];
            return;
        }
        int[] d = p.dims;
        int[] sd = p.strides[0];
        int[] sx = p.strides[1];
        int n = d[r - 1];
        int jd = sd[r - 1];
        int jx = sx[r - 1];
        int[] idx = new int[r];
        int io = dstOff;
        int ix = srcOff;
        while (true) {
            if (jd == 1 && jx == 1) {
                System.arraycopy(src, ix, dst, io, n);
            } else if (jx == 0 && jd == 1) {
                java.util.Arrays.fill(dst, io, io + n, src[ix]);
            } else {
                for (int j = 0, o = io, x = ix; j < n; j++, o += jd, x += jx) {
                    dst[o] = src[x];
                }
            }
            int ax = r - 2;
            for (; ax >= 0; ax--) {
                io += sd[ax];
                ix += sx[ax];
                if (++idx[ax] < d[ax]) {
                    break;
                }
                io -= sd[ax] * d[ax];
                ix -= sx[ax] * d[ax];
                idx[ax] = 0;
            }
            if (ax < 0) {
                return;
            }
        }
    }

    /**
     * Folds every entry of a contiguous source into a destination read through strides that
     * are 0 along the reduced axes: {@code dst[…] = dst[…] ⊕ src[i]} in row-major order of the
     * source, so each destination entry sees its terms in the same order as a plain loop.
     *
     * @param dims the source's shape (no dimension 0)
     * @param src the source, row-major
     * @param dst the destination, holding the fold's starting values
     * @param ds the destination's stride per axis of the source, 0 along reduced axes
     * @param kind {@link #SUM}, {@link #MAX} or {@link #MIN} (NaN propagates through both)
     */
    static void reduce(int[] dims, double[] src, double[] dst, int[] ds, int kind) {
        Plan p = plan(dims, ds, Shapes.strides(dims));
        int r = p.rank;
        if (r == 0) {
            dst[0] = fold(kind, dst[0], src[0]);
            return;
        }
        int[] d = p.dims;
        int[] sd = p.strides[0];
        int[] sx = p.strides[1];
        int n = d[r - 1];
        int jd = sd[r - 1];
        // The source is contiguous, so its innermost remaining axis has stride 1.
        int[] idx = new int[r];
        int io = 0;
        int ix = 0;
        while (true) {
            if (jd == 0) {
                // Reducing along the inner axis: one destination entry takes the whole run.
                double acc = dst[io];
                if (kind == SUM) {
                    for (int j = 0; j < n; j++) {
                        acc += src[ix + j];
                    }
                } else if (kind == MAX) {
                    for (int j = 0; j < n; j++) {
                        acc = Math.max(acc, src[ix + j]);
                    }
                } else {
                    for (int j = 0; j < n; j++) {
                        acc = Math.min(acc, src[ix + j]);
                    }
                }
                dst[io] = acc;
            } else if (kind == SUM) {
                for (int j = 0, o = io; j < n; j++, o += jd) {
                    dst[o] += src[ix + j];
                }
            } else {
                for (int j = 0, o = io; j < n; j++, o += jd) {
                    dst[o] = fold(kind, dst[o], src[ix + j]);
                }
            }
            int ax = r - 2;
            for (; ax >= 0; ax--) {
                io += sd[ax];
                ix += sx[ax];
                if (++idx[ax] < d[ax]) {
                    break;
                }
                io -= sd[ax] * d[ax];
                ix -= sx[ax] * d[ax];
                idx[ax] = 0;
            }
            if (ax < 0) {
                return;
            }
        }
    }

    /**
     * The offsets of the matrices of a batched product: for each batch index, in row-major
     * order of the broadcast batch shape, where each operand's matrix starts (an operand
     * broadcast along a batch axis repeats its offset) and where the result's starts.
     *
     * @param batch the broadcast batch shape
     * @param batchA the left operand's batch shape, which broadcasts to {@code batch}
     * @param matA the entries of one left matrix
     * @param batchB the right operand's batch shape
     * @param matB the entries of one right matrix
     * @param matOut the entries of one result matrix
     * @return the left, right and result offsets, one per product
     */
    static int[][] batchOffsets(int[] batch, int[] batchA, int matA, int[] batchB, int matB, int matOut) {
        int batches = Shapes.count(batch);
        int[] aOffs = new int[batches];
        int[] bOffs = new int[batches];
        int[] outOffs = new int[batches];
        int[] sa = Shapes.broadcastStrides(batchA, batch);
        int[] sb = Shapes.broadcastStrides(batchB, batch);
        int[] idx = new int[batch.length];
        int ia = 0;
        int ib = 0;
        for (int t = 0; t < batches; t++) {
            aOffs[t] = ia * matA;
            bOffs[t] = ib * matB;
            outOffs[t] = t * matOut;
            for (int ax = batch.length - 1; ax >= 0; ax--) {
                ia += sa[ax];
                ib += sb[ax];
                if (++idx[ax] < batch[ax]) {
                    break;
                }
                ia -= sa[ax] * batch[ax];
                ib -= sb[ax] * batch[ax];
                idx[ax] = 0;
            }
        }
        return new int[][] {aOffs, bOffs, outOffs};
    }

    /** Receives one entry of an index tensor and the offset in the indexed tensor it selects. */
    interface IndexVisitor {
        /**
         * @param flat the entry's position in the index tensor
         * @param offset the position it selects in the indexed tensor
         */
        void visit(int flat, int offset);
    }

    /**
     * Walks the entries of an index tensor in row-major order, as {@code torch.gather} reads
     * them: entry {@code (i₀…iₐ…)} holding {@code j} selects {@code (i₀… j …)} of the indexed
     * tensor, {@code j} replacing position {@code axis}. Every entry is validated first.
     *
     * @param op the operation, for messages
     * @param dims the indexed tensor's shape
     * @param axis the axis indexed
     * @param indexDims the index tensor's shape: the same rank, no longer on the other axes
     * @param indices the index tensor's entries, whole numbers in {@code [0, dims[axis])}
     * @param visitor receives each entry and the offset it selects
     * @throws IllegalArgumentException if an entry is not a whole number
     * @throws IndexOutOfBoundsException if an entry is out of range
     */
    static void walkIndices(String op, int[] dims, int axis, int[] indexDims, double[] indices,
            IndexVisitor visitor) {
        int[] strides = Shapes.strides(dims);
        int r = indexDims.length;
        int size = dims[axis];
        int sa = strides[axis];
        int[] count = new int[r];
        int off = 0;
        for (int f = 0; f < indices.length; f++) {
            double x = indices[f];
            if (!(x >= 0 && x < size && x == Math.rint(x))) {
                throw badIndex(op, x, Shapes.unravel(indexDims, f), axis, size);
            }
            visitor.visit(f, off + (int) x * sa);
            for (int d = r - 1; d >= 0; d--) {
                if (d != axis) {
                    off += strides[d];
                }
                if (++count[d] < indexDims[d]) {
                    break;
                }
                if (d != axis) {
                    off -= strides[d] * indexDims[d];
                }
                count[d] = 0;
            }
        }
    }

    private static RuntimeException badIndex(String op, double x, int[] at, int axis, int size) {
        String where = op + ": indices entry " + Shapes.tuple(at) + " is ";
        if (x != Math.rint(x)) {
            return new IllegalArgumentException(where + x + ", not a whole number; indices must be integers");
        }
        String value = Math.abs(x) < 1e15 ? Long.toString((long) x) : Double.toString(x);
        return new IndexOutOfBoundsException(where + value + ", out of range for axis " + axis + " of size " + size
                + ": " + (size == 0 ? "the axis is empty" : "use 0 … " + (size - 1)));
    }

    private static double fold(int kind, double acc, double v) {
        switch (kind) {
            case SUM:
                return acc + v;
            case MAX:
                return Math.max(acc, v);
            default:
                return Math.min(acc, v);
        }
    }
}
