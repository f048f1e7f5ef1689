package org.autodifflite.core.kernel;

import java.util.Arrays;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fast kernel on the JDK's vector API: a register block of 8 rows × 3 vectors (24 of the 32
 * vector registers AVX-512 has), each output entry accumulated with fused multiply-adds in order
 * of {@code p}. Eight rows rather than four halve the loads of {@code B} and the loop overhead per
 * multiply-add: at 128×784·784×64 and 128×64·64×784 (the 784-128-64-1 net's first layer forward
 * and weight gradient at batch 64) that measured ≈ 1.3–1.5× faster. Compiled in a separate
 * compiler execution with {@code --add-modules jdk.incubator.vector}; {@link MatMul} loads it by
 * reflection and falls back to {@link ScalarKernel} when the module is absent.
 *
 * <p>The vector width is the JVM's preferred one for doubles (512 bits on a machine with AVX-512,
 * where it measured about 1.5× faster than 256 bits at 128×784·784×32; 256 with AVX2), unless
 * the system property {@code autodifflite.matmul.vectorBits} asks for 128 or 256.
 */
final class VectorKernel implements MatMulKernel {

    private static final VectorSpecies<Double> S = species();
    private static final int W = S.length();

    /**
     * Rows of A per block: 8 × 3 accumulators where the CPU has 32 vector registers (AVX-512,
     * also when narrower vectors are asked for), 4 × 3 where it has 16 (AVX2), which 8 rows
     * would spill out of.
     */
    private static final int ROWS = DoubleVector.SPECIES_PREFERRED.vectorBitSize() >= 512 ? 8 : 4;

    /** A block of A is copied before the kernel reads it up to this inner dimension … */
    private static final int PACK_A_MAX_K = 256;

    /** … and from this many output columns on. */
    private static final int PACK_A_MIN_M = 32 * W;

    /**
     * Terms of the inner dimension {@link #dotProducts} takes at a time: 2 KiB of a row, so a
     * block's four rows of {@code b} (8 KiB) stay in the first-level cache.
     */
    private static final int DOT_CHUNK = 256;

    /** Ranges shorter than this are scanned for non-finite values by the plain loop. */
    private static final int SHORT_SCAN = 64;

    private static VectorSpecies<Double> species() {
        String bits = System.getProperty("autodifflite.matmul.vectorBits", "");
        VectorSpecies<Double> wanted;
        switch (bits) {
            case "128":
                wanted = DoubleVector.SPECIES_128;
                break;
            case "256":
                wanted = DoubleVector.SPECIES_256;
                break;
            default:
                // The widest the hardware runs natively (512 bits with AVX-512, 256 with AVX2).
                wanted = DoubleVector.SPECIES_PREFERRED;
                break;
        }
        // A species wider than the hardware's would run in slow emulation.
        return wanted.length() <= DoubleVector.SPECIES_PREFERRED.length() ? wanted : DoubleVector.SPECIES_PREFERRED;
    }

    /** Public so that {@link MatMul} can instantiate it reflectively. */
    public VectorKernel() {
    }

    @Override
    public String name() {
        return "vector-" + S.vectorBitSize();
    }

    @Override
    public int rows() {
        return ROWS;
    }

    /**
     * Eight broadcast streams keep up with the multiply-adds, and copying a block of A costs as
     * much as one panel group's multiply-adds on it at short inner dimensions; the copy pays only
     * where a short block meets many panels (a weight gradient G·Xᵀ: k = batch, m = inputs),
     * where its contiguous reads measured ≈ 1.3× faster.
     */
    @Override
    public boolean readsAInPlace(int k, int m) {
        return k > PACK_A_MAX_K || m < PACK_A_MIN_M;
    }

    @Override
    public int width() {
        return W;
    }

    /**
     * Four vectors of the row at a time, each lane the chain {@link MatMul#regionRow} computes
     * with {@link Math#fma} (a lane-wise {@code fma} is exactly {@code Math.fma}), so the bits
     * are the same; vector loads of {@code B} instead of one load per multiply-add measured
     * ≈ 3× faster on the checker's 1×32 rows of a 784-wide layer.
     */
    @Override
    public void fusedRow(double[] a, int ai, double[] b, double[] out, int oi, int k, int m, int c0, int c1) {
        int o = c0;
        for (; o + 4 * W <= c1; o += 4 * W) {
            DoubleVector s0 = DoubleVector.zero(S);
            DoubleVector s1 = DoubleVector.zero(S);
            DoubleVector s2 = DoubleVector.zero(S);
            DoubleVector s3 = DoubleVector.zero(S);
            for (int p = 0, bp = o; p < k; p++, bp += m) {
                DoubleVector x = DoubleVector.broadcast(S, a[ai + p]);
                s0 = x.fma(DoubleVector.fromArray(S, b, bp), s0);
                s1 = x.fma(DoubleVector.fromArray(S, b, bp + W), s1);
                s2 = x.fma(DoubleVector.fromArray(S, b, bp + 2 * W), s2);
                s3 = x.fma(DoubleVector.fromArray(S, b, bp + 3 * W), s3);
            }
            s0.intoArray(out, oi + o);
            s1.intoArray(out, oi + o + W);
            s2.intoArray(out, oi + o + 2 * W);
            s3.intoArray(out, oi + o + 3 * W);
        }
        for (; o + W <= c1; o += W) {
            DoubleVector s0 = DoubleVector.zero(S);
            for (int p = 0, bp = o; p < k; p++, bp += m) {
                s0 = DoubleVector.broadcast(S, a[ai + p]).fma(DoubleVector.fromArray(S, b, bp), s0);
            }
            s0.intoArray(out, oi + o);
        }
        if (o < c1) {
            MatMul.regionRow(a, ai, b, out, oi, k, m, o, c1, true);
        }
    }

    @Override
    public void rowBlock(double[] a, int a0, int ars, int acs, double[] bp, int k, int m, double[] out, int outOff,
            int i0, int rows, double[] tile) {
        int panels = (m + W - 1) / W;
        int q = 0;
        if (ROWS == 8 && ars == 1 && acs == 8) {
            // A packed block (ap[p·8 + r]): constant offsets let the JIT drop the bounds checks.
            for (; q + 3 <= panels; q += 3) {
                block3x8p(a, a0, ars, acs, bp, k, m, out, outOff, i0, rows, tile, q);
            }
            if (panels - q == 2) {
                block2x8p(a, a0, ars, acs, bp, k, m, out, outOff, i0, rows, tile, q);
            } else if (panels - q == 1) {
                block1x8p(a, a0, ars, acs, bp, k, m, out, outOff, i0, rows, tile, q);
            }
        } else if (ROWS == 8) {
            for (; q + 3 <= panels; q += 3) {
                block3x8(a, a0, ars, acs, bp, k, m, out, outOff, i0, rows, tile, q);
            }
            if (panels - q == 2) {
                block2x8(a, a0, ars, acs, bp, k, m, out, outOff, i0, rows, tile, q);
            } else if (panels - q == 1) {
                block1x8(a, a0, ars, acs, bp, k, m, out, outOff, i0, rows, tile, q);
            }
        } else {
            for (; q + 3 <= panels; q += 3) {
                block3x4(a, a0, ars, acs, bp, k, m, out, outOff, i0, rows, tile, q);
            }
            if (panels - q == 2) {
                block2x4(a, a0, ars, acs, bp, k, m, out, outOff, i0, rows, tile, q);
            } else if (panels - q == 1) {
                block1x4(a, a0, ars, acs, bp, k, m, out, outOff, i0, rows, tile, q);
            }
        }
    }

    // The blocks below are written out register by register (generated, not hand-edited): the
    // JIT keeps every accumulator in a register only when each is a local of its own.

    private static void block3x8(double[] a, int a0, int ars, int acs, double[] bp, int k, int m, double[] out,
            int outOff, int i0, int rows, double[] tile, int q) {
        int r1 = a0 + ars;
        int r2 = r1 + ars;
        int r3 = r2 + ars;
        int r4 = r3 + ars;
        int r5 = r4 + ars;
        int r6 = r5 + ars;
        int r7 = r6 + ars;
        int pb0 = q * k * W;
        int pb1 = pb0 + k * W;
        int pb2 = pb1 + k * W;
        DoubleVector z = DoubleVector.zero(S);
        DoubleVector c00 = z, c01 = z, c02 = z;
        DoubleVector c10 = z, c11 = z, c12 = z;
        DoubleVector c20 = z, c21 = z, c22 = z;
        DoubleVector c30 = z, c31 = z, c32 = z;
        DoubleVector c40 = z, c41 = z, c42 = z;
        DoubleVector c50 = z, c51 = z, c52 = z;
        DoubleVector c60 = z, c61 = z, c62 = z;
        DoubleVector c70 = z, c71 = z, c72 = z;
        for (int p = 0; p < k; p++) {
            int o = p * W;
            DoubleVector b0 = DoubleVector.fromArray(S, bp, pb0 + o);
            DoubleVector b1 = DoubleVector.fromArray(S, bp, pb1 + o);
            DoubleVector b2 = DoubleVector.fromArray(S, bp, pb2 + o);
            int ia = p * acs;
            DoubleVector x0 = DoubleVector.broadcast(S, a[a0 + ia]);
            c00 = x0.fma(b0, c00);
            c01 = x0.fma(b1, c01);
            c02 = x0.fma(b2, c02);
            DoubleVector x1 = DoubleVector.broadcast(S, a[r1 + ia]);
            c10 = x1.fma(b0, c10);
            c11 = x1.fma(b1, c11);
            c12 = x1.fma(b2, c12);
            DoubleVector x2 = DoubleVector.broadcast(S, a[r2 + ia]);
            c20 = x2.fma(b0, c20);
            c21 = x2.fma(b1, c21);
            c22 = x2.fma(b2, c22);
            DoubleVector x3 = DoubleVector.broadcast(S, a[r3 + ia]);
            c30 = x3.fma(b0, c30);
            c31 = x3.fma(b1, c31);
            c32 = x3.fma(b2, c32);
            DoubleVector x4 = DoubleVector.broadcast(S, a[r4 + ia]);
            c40 = x4.fma(b0, c40);
            c41 = x4.fma(b1, c41);
            c42 = x4.fma(b2, c42);
            DoubleVector x5 = DoubleVector.broadcast(S, a[r5 + ia]);
            c50 = x5.fma(b0, c50);
            c51 = x5.fma(b1, c51);
            c52 = x5.fma(b2, c52);
            DoubleVector x6 = DoubleVector.broadcast(S, a[r6 + ia]);
            c60 = x6.fma(b0, c60);
            c61 = x6.fma(b1, c61);
            c62 = x6.fma(b2, c62);
            DoubleVector x7 = DoubleVector.broadcast(S, a[r7 + ia]);
            c70 = x7.fma(b0, c70);
            c71 = x7.fma(b1, c71);
            c72 = x7.fma(b2, c72);
        }
        int j0 = q * W;
        if (rows == 8 && m - j0 >= 3 * W) {
            // Whole tile inside the matrix: store straight into the output.
            int o0 = outOff + i0 * m + j0;
            c00.intoArray(out, o0);
            c01.intoArray(out, o0 + W);
            c02.intoArray(out, o0 + 2 * W);
            o0 += m;
            c10.intoArray(out, o0);
            c11.intoArray(out, o0 + W);
            c12.intoArray(out, o0 + 2 * W);
            o0 += m;
            c20.intoArray(out, o0);
            c21.intoArray(out, o0 + W);
            c22.intoArray(out, o0 + 2 * W);
            o0 += m;
            c30.intoArray(out, o0);
            c31.intoArray(out, o0 + W);
            c32.intoArray(out, o0 + 2 * W);
            o0 += m;
            c40.intoArray(out, o0);
            c41.intoArray(out, o0 + W);
            c42.intoArray(out, o0 + 2 * W);
            o0 += m;
            c50.intoArray(out, o0);
            c51.intoArray(out, o0 + W);
            c52.intoArray(out, o0 + 2 * W);
            o0 += m;
            c60.intoArray(out, o0);
            c61.intoArray(out, o0 + W);
            c62.intoArray(out, o0 + 2 * W);
            o0 += m;
            c70.intoArray(out, o0);
            c71.intoArray(out, o0 + W);
            c72.intoArray(out, o0 + 2 * W);
            return;
        }
        int tw = 3 * W;
        c00.intoArray(tile, 0);
        c01.intoArray(tile, W);
        c02.intoArray(tile, 2 * W);
        c10.intoArray(tile, tw);
        c11.intoArray(tile, tw + W);
        c12.intoArray(tile, tw + 2 * W);
        c20.intoArray(tile, 2 * tw);
        c21.intoArray(tile, 2 * tw + W);
        c22.intoArray(tile, 2 * tw + 2 * W);
        c30.intoArray(tile, 3 * tw);
        c31.intoArray(tile, 3 * tw + W);
        c32.intoArray(tile, 3 * tw + 2 * W);
        c40.intoArray(tile, 4 * tw);
        c41.intoArray(tile, 4 * tw + W);
        c42.intoArray(tile, 4 * tw + 2 * W);
        c50.intoArray(tile, 5 * tw);
        c51.intoArray(tile, 5 * tw + W);
        c52.intoArray(tile, 5 * tw + 2 * W);
        c60.intoArray(tile, 6 * tw);
        c61.intoArray(tile, 6 * tw + W);
        c62.intoArray(tile, 6 * tw + 2 * W);
        c70.intoArray(tile, 7 * tw);
        c71.intoArray(tile, 7 * tw + W);
        c72.intoArray(tile, 7 * tw + 2 * W);
        MatMul.storeTile(tile, tw, out, outOff, m, i0, rows, j0, Math.min(tw, m - j0));
    }

    private static void block2x8(double[] a, int a0, int ars, int acs, double[] bp, int k, int m, double[] out,
            int outOff, int i0, int rows, double[] tile, int q) {
        int r1 = a0 + ars;
        int r2 = r1 + ars;
        int r3 = r2 + ars;
        int r4 = r3 + ars;
        int r5 = r4 + ars;
        int r6 = r5 + ars;
        int r7 = r6 + ars;
        int pb0 = q * k * W;
        int pb1 = pb0 + k * W;
        DoubleVector z = DoubleVector.zero(S);
        DoubleVector c00 = z, c01 = z;
        DoubleVector c10 = z, c11 = z;
        DoubleVector c20 = z, c21 = z;
        DoubleVector c30 = z, c31 = z;
        DoubleVector c40 = z, c41 = z;
        DoubleVector c50 = z, c51 = z;
        DoubleVector c60 = z, c61 = z;
        DoubleVector c70 = z, c71 = z;
        for (int p = 0; p < k; p++) {
            int o = p * W;
            DoubleVector b0 = DoubleVector.fromArray(S, bp, pb0 + o);
            DoubleVector b1 = DoubleVector.fromArray(S, bp, pb1 + o);
            int ia = p * acs;
            DoubleVector x0 = DoubleVector.broadcast(S, a[a0 + ia]);
            c00 = x0.fma(b0, c00);
            c01 = x0.fma(b1, c01);
            DoubleVector x1 = DoubleVector.broadcast(S, a[r1 + ia]);
            c10 = x1.fma(b0, c10);
            c11 = x1.fma(b1, c11);
            DoubleVector x2 = DoubleVector.broadcast(S, a[r2 + ia]);
            c20 = x2.fma(b0, c20);
            c21 = x2.fma(b1, c21);
            DoubleVector x3 = DoubleVector.broadcast(S, a[r3 + ia]);
            c30 = x3.fma(b0, c30);
            c31 = x3.fma(b1, c31);
            DoubleVector x4 = DoubleVector.broadcast(S, a[r4 + ia]);
            c40 = x4.fma(b0, c40);
            c41 = x4.fma(b1, c41);
            DoubleVector x5 = DoubleVector.broadcast(S, a[r5 + ia]);
            c50 = x5.fma(b0, c50);
            c51 = x5.fma(b1, c51);
            DoubleVector x6 = DoubleVector.broadcast(S, a[r6 + ia]);
            c60 = x6.fma(b0, c60);
            c61 = x6.fma(b1, c61);
            DoubleVector x7 = DoubleVector.broadcast(S, a[r7 + ia]);
            c70 = x7.fma(b0, c70);
            c71 = x7.fma(b1, c71);
        }
        int j0 = q * W;
        int tw = 2 * W;
        c00.intoArray(tile, 0);
        c01.intoArray(tile, W);
        c10.intoArray(tile, tw);
        c11.intoArray(tile, tw + W);
        c20.intoArray(tile, 2 * tw);
        c21.intoArray(tile, 2 * tw + W);
        c30.intoArray(tile, 3 * tw);
        c31.intoArray(tile, 3 * tw + W);
        c40.intoArray(tile, 4 * tw);
        c41.intoArray(tile, 4 * tw + W);
        c50.intoArray(tile, 5 * tw);
        c51.intoArray(tile, 5 * tw + W);
        c60.intoArray(tile, 6 * tw);
        c61.intoArray(tile, 6 * tw + W);
        c70.intoArray(tile, 7 * tw);
        c71.intoArray(tile, 7 * tw + W);
        MatMul.storeTile(tile, tw, out, outOff, m, i0, rows, j0, Math.min(tw, m - j0));
    }

    private static void block1x8(double[] a, int a0, int ars, int acs, double[] bp, int k, int m, double[] out,
            int outOff, int i0, int rows, double[] tile, int q) {
        int r1 = a0 + ars;
        int r2 = r1 + ars;
        int r3 = r2 + ars;
        int r4 = r3 + ars;
        int r5 = r4 + ars;
        int r6 = r5 + ars;
        int r7 = r6 + ars;
        int pb0 = q * k * W;
        DoubleVector z = DoubleVector.zero(S);
        DoubleVector c00 = z;
        DoubleVector c10 = z;
        DoubleVector c20 = z;
        DoubleVector c30 = z;
        DoubleVector c40 = z;
        DoubleVector c50 = z;
        DoubleVector c60 = z;
        DoubleVector c70 = z;
        for (int p = 0; p < k; p++) {
            int o = p * W;
            DoubleVector b0 = DoubleVector.fromArray(S, bp, pb0 + o);
            int ia = p * acs;
            DoubleVector x0 = DoubleVector.broadcast(S, a[a0 + ia]);
            c00 = x0.fma(b0, c00);
            DoubleVector x1 = DoubleVector.broadcast(S, a[r1 + ia]);
            c10 = x1.fma(b0, c10);
            DoubleVector x2 = DoubleVector.broadcast(S, a[r2 + ia]);
            c20 = x2.fma(b0, c20);
            DoubleVector x3 = DoubleVector.broadcast(S, a[r3 + ia]);
            c30 = x3.fma(b0, c30);
            DoubleVector x4 = DoubleVector.broadcast(S, a[r4 + ia]);
            c40 = x4.fma(b0, c40);
            DoubleVector x5 = DoubleVector.broadcast(S, a[r5 + ia]);
            c50 = x5.fma(b0, c50);
            DoubleVector x6 = DoubleVector.broadcast(S, a[r6 + ia]);
            c60 = x6.fma(b0, c60);
            DoubleVector x7 = DoubleVector.broadcast(S, a[r7 + ia]);
            c70 = x7.fma(b0, c70);
        }
        int j0 = q * W;
        int tw = W;
        c00.intoArray(tile, 0);
        c10.intoArray(tile, tw);
        c20.intoArray(tile, 2 * tw);
        c30.intoArray(tile, 3 * tw);
        c40.intoArray(tile, 4 * tw);
        c50.intoArray(tile, 5 * tw);
        c60.intoArray(tile, 6 * tw);
        c70.intoArray(tile, 7 * tw);
        MatMul.storeTile(tile, tw, out, outOff, m, i0, rows, j0, Math.min(tw, m - j0));
    }

    private static void block3x8p(double[] a, int a0, int ars, int acs, double[] bp, int k, int m, double[] out,
            int outOff, int i0, int rows, double[] tile, int q) {
        int pb0 = q * k * W;
        int pb1 = pb0 + k * W;
        int pb2 = pb1 + k * W;
        DoubleVector z = DoubleVector.zero(S);
        DoubleVector c00 = z, c01 = z, c02 = z;
        DoubleVector c10 = z, c11 = z, c12 = z;
        DoubleVector c20 = z, c21 = z, c22 = z;
        DoubleVector c30 = z, c31 = z, c32 = z;
        DoubleVector c40 = z, c41 = z, c42 = z;
        DoubleVector c50 = z, c51 = z, c52 = z;
        DoubleVector c60 = z, c61 = z, c62 = z;
        DoubleVector c70 = z, c71 = z, c72 = z;
        for (int p = 0; p < k; p++) {
            int o = p * W;
            DoubleVector b0 = DoubleVector.fromArray(S, bp, pb0 + o);
            DoubleVector b1 = DoubleVector.fromArray(S, bp, pb1 + o);
            DoubleVector b2 = DoubleVector.fromArray(S, bp, pb2 + o);
            int ia = a0 + p * 8;
            DoubleVector x0 = DoubleVector.broadcast(S, a[ia]);
            c00 = x0.fma(b0, c00);
            c01 = x0.fma(b1, c01);
            c02 = x0.fma(b2, c02);
            DoubleVector x1 = DoubleVector.broadcast(S, a[ia + 1]);
            c10 = x1.fma(b0, c10);
            c11 = x1.fma(b1, c11);
            c12 = x1.fma(b2, c12);
            DoubleVector x2 = DoubleVector.broadcast(S, a[ia + 2]);
            c20 = x2.fma(b0, c20);
            c21 = x2.fma(b1, c21);
            c22 = x2.fma(b2, c22);
            DoubleVector x3 = DoubleVector.broadcast(S, a[ia + 3]);
            c30 = x3.fma(b0, c30);
            c31 = x3.fma(b1, c31);
            c32 = x3.fma(b2, c32);
            DoubleVector x4 = DoubleVector.broadcast(S, a[ia + 4]);
            c40 = x4.fma(b0, c40);
            c41 = x4.fma(b1, c41);
            c42 = x4.fma(b2, c42);
            DoubleVector x5 = DoubleVector.broadcast(S, a[ia + 5]);
            c50 = x5.fma(b0, c50);
            c51 = x5.fma(b1, c51);
            c52 = x5.fma(b2, c52);
            DoubleVector x6 = DoubleVector.broadcast(S, a[ia + 6]);
            c60 = x6.fma(b0, c60);
            c61 = x6.fma(b1, c61);
            c62 = x6.fma(b2, c62);
            DoubleVector x7 = DoubleVector.broadcast(S, a[ia + 7]);
            c70 = x7.fma(b0, c70);
            c71 = x7.fma(b1, c71);
            c72 = x7.fma(b2, c72);
        }
        int j0 = q * W;
        if (rows == 8 && m - j0 >= 3 * W) {
            // Whole tile inside the matrix: store straight into the output.
            int o0 = outOff + i0 * m + j0;
            c00.intoArray(out, o0);
            c01.intoArray(out, o0 + W);
            c02.intoArray(out, o0 + 2 * W);
            o0 += m;
            c10.intoArray(out, o0);
            c11.intoArray(out, o0 + W);
            c12.intoArray(out, o0 + 2 * W);
            o0 += m;
            c20.intoArray(out, o0);
            c21.intoArray(out, o0 + W);
            c22.intoArray(out, o0 + 2 * W);
            o0 += m;
            c30.intoArray(out, o0);
            c31.intoArray(out, o0 + W);
            c32.intoArray(out, o0 + 2 * W);
            o0 += m;
            c40.intoArray(out, o0);
            c41.intoArray(out, o0 + W);
            c42.intoArray(out, o0 + 2 * W);
            o0 += m;
            c50.intoArray(out, o0);
            c51.intoArray(out, o0 + W);
            c52.intoArray(out, o0 + 2 * W);
            o0 += m;
            c60.intoArray(out, o0);
            c61.intoArray(out, o0 + W);
            c62.intoArray(out, o0 + 2 * W);
            o0 += m;
            c70.intoArray(out, o0);
            c71.intoArray(out, o0 + W);
            c72.intoArray(out, o0 + 2 * W);
            return;
        }
        int tw = 3 * W;
        c00.intoArray(tile, 0);
        c01.intoArray(tile, W);
        c02.intoArray(tile, 2 * W);
        c10.intoArray(tile, tw);
        c11.intoArray(tile, tw + W);
        c12.intoArray(tile, tw + 2 * W);
        c20.intoArray(tile, 2 * tw);
        c21.intoArray(tile, 2 * tw + W);
        c22.intoArray(tile, 2 * tw + 2 * W);
        c30.intoArray(tile, 3 * tw);
        c31.intoArray(tile, 3 * tw + W);
        c32.intoArray(tile, 3 * tw + 2 * W);
        c40.intoArray(tile, 4 * tw);
        c41.intoArray(tile, 4 * tw + W);
        c42.intoArray(tile, 4 * tw + 2 * W);
        c50.intoArray(tile, 5 * tw);
        c51.intoArray(tile, 5 * tw + W);
        c52.intoArray(tile, 5 * tw + 2 * W);
        c60.intoArray(tile, 6 * tw);
        c61.intoArray(tile, 6 * tw + W);
        c62.intoArray(tile, 6 * tw + 2 * W);
        c70.intoArray(tile, 7 * tw);
        c71.intoArray(tile, 7 * tw + W);
        c72.intoArray(tile, 7 * tw + 2 * W);
        MatMul.storeTile(tile, tw, out, outOff, m, i0, rows, j0, Math.min(tw, m - j0));
    }

    private static void block2x8p(double[] a, int a0, int ars, int acs, double[] bp, int k, int m, double[] out,
            int outOff, int i0, int rows, double[] tile, int q) {
        int pb0 = q * k * W;
        int pb1 = pb0 + k * W;
        DoubleVector z = DoubleVector.zero(S);
        DoubleVector c00 = z, c01 = z;
        DoubleVector c10 = z, c11 = z;
        DoubleVector c20 = z, c21 = z;
        DoubleVector c30 = z, c31 = z;
        DoubleVector c40 = z, c41 = z;
        DoubleVector c50 = z, c51 = z;
        DoubleVector c60 = z, c61 = z;
        DoubleVector c70 = z, c71 = z;
        for (int p = 0; p < k; p++) {
            int o = p * W;
            DoubleVector b0 = DoubleVector.fromArray(S, bp, pb0 + o);
            DoubleVector b1 = DoubleVector.fromArray(S, bp, pb1 + o);
            int ia = a0 + p * 8;
            DoubleVector x0 = DoubleVector.broadcast(S, a[ia]);
            c00 = x0.fma(b0, c00);
            c01 = x0.fma(b1, c01);
            DoubleVector x1 = DoubleVector.broadcast(S, a[ia + 1]);
            c10 = x1.fma(b0, c10);
            c11 = x1.fma(b1, c11);
            DoubleVector x2 = DoubleVector.broadcast(S, a[ia + 2]);
            c20 = x2.fma(b0, c20);
            c21 = x2.fma(b1, c21);
            DoubleVector x3 = DoubleVector.broadcast(S, a[ia + 3]);
            c30 = x3.fma(b0, c30);
            c31 = x3.fma(b1, c31);
            DoubleVector x4 = DoubleVector.broadcast(S, a[ia + 4]);
            c40 = x4.fma(b0, c40);
            c41 = x4.fma(b1, c41);
            DoubleVector x5 = DoubleVector.broadcast(S, a[ia + 5]);
            c50 = x5.fma(b0, c50);
            c51 = x5.fma(b1, c51);
            DoubleVector x6 = DoubleVector.broadcast(S, a[ia + 6]);
            c60 = x6.fma(b0, c60);
            c61 = x6.fma(b1, c61);
            DoubleVector x7 = DoubleVector.broadcast(S, a[ia + 7]);
            c70 = x7.fma(b0, c70);
            c71 = x7.fma(b1, c71);
        }
        int j0 = q * W;
        int tw = 2 * W;
        c00.intoArray(tile, 0);
        c01.intoArray(tile, W);
        c10.intoArray(tile, tw);
        c11.intoArray(tile, tw + W);
        c20.intoArray(tile, 2 * tw);
        c21.intoArray(tile, 2 * tw + W);
        c30.intoArray(tile, 3 * tw);
        c31.intoArray(tile, 3 * tw + W);
        c40.intoArray(tile, 4 * tw);
        c41.intoArray(tile, 4 * tw + W);
        c50.intoArray(tile, 5 * tw);
        c51.intoArray(tile, 5 * tw + W);
        c60.intoArray(tile, 6 * tw);
        c61.intoArray(tile, 6 * tw + W);
        c70.intoArray(tile, 7 * tw);
        c71.intoArray(tile, 7 * tw + W);
        MatMul.storeTile(tile, tw, out, outOff, m, i0, rows, j0, Math.min(tw, m - j0));
    }

    private static void block1x8p(double[] a, int a0, int ars, int acs, double[] bp, int k, int m, double[] out,
            int outOff, int i0, int rows, double[] tile, int q) {
        int pb0 = q * k * W;
        DoubleVector z = DoubleVector.zero(S);
        DoubleVector c00 = z;
        DoubleVector c10 = z;
        DoubleVector c20 = z;
        DoubleVector c30 = z;
        DoubleVector c40 = z;
        DoubleVector c50 = z;
        DoubleVector c60 = z;
        DoubleVector c70 = z;
        for (int p = 0; p < k; p++) {
            int o = p * W;
            DoubleVector b0 = DoubleVector.fromArray(S, bp, pb0 + o);
            int ia = a0 + p * 8;
            DoubleVector x0 = DoubleVector.broadcast(S, a[ia]);
            c00 = x0.fma(b0, c00);
            DoubleVector x1 = DoubleVector.broadcast(S, a[ia + 1]);
            c10 = x1.fma(b0, c10);
            DoubleVector x2 = DoubleVector.broadcast(S, a[ia + 2]);
            c20 = x2.fma(b0, c20);
            DoubleVector x3 = DoubleVector.broadcast(S, a[ia + 3]);
            c30 = x3.fma(b0, c30);
            DoubleVector x4 = DoubleVector.broadcast(S, a[ia + 4]);
            c40 = x4.fma(b0, c40);
            DoubleVector x5 = DoubleVector.broadcast(S, a[ia + 5]);
            c50 = x5.fma(b0, c50);
            DoubleVector x6 = DoubleVector.broadcast(S, a[ia + 6]);
            c60 = x6.fma(b0, c60);
            DoubleVector x7 = DoubleVector.broadcast(S, a[ia + 7]);
            c70 = x7.fma(b0, c70);
        }
        int j0 = q * W;
        int tw = W;
        c00.intoArray(tile, 0);
        c10.intoArray(tile, tw);
        c20.intoArray(tile, 2 * tw);
        c30.intoArray(tile, 3 * tw);
        c40.intoArray(tile, 4 * tw);
        c50.intoArray(tile, 5 * tw);
        c60.intoArray(tile, 6 * tw);
        c70.intoArray(tile, 7 * tw);
        MatMul.storeTile(tile, tw, out, outOff, m, i0, rows, j0, Math.min(tw, m - j0));
    }

    private static void block3x4(double[] a, int a0, int ars, int acs, double[] bp, int k, int m, double[] out,
            int outOff, int i0, int rows, double[] tile, int q) {
        int r1 = a0 + ars;
        int r2 = r1 + ars;
        int r3 = r2 + ars;
        int pb0 = q * k * W;
        int pb1 = pb0 + k * W;
        int pb2 = pb1 + k * W;
        DoubleVector z = DoubleVector.zero(S);
        DoubleVector c00 = z, c01 = z, c02 = z;
        DoubleVector c10 = z, c11 = z, c12 = z;
        DoubleVector c20 = z, c21 = z, c22 = z;
        DoubleVector c30 = z, c31 = z, c32 = z;
        for (int p = 0; p < k; p++) {
            int o = p * W;
            DoubleVector b0 = DoubleVector.fromArray(S, bp, pb0 + o);
            DoubleVector b1 = DoubleVector.fromArray(S, bp, pb1 + o);
            DoubleVector b2 = DoubleVector.fromArray(S, bp, pb2 + o);
            int ia = p * acs;
            DoubleVector x0 = DoubleVector.broadcast(S, a[a0 + ia]);
            c00 = x0.fma(b0, c00);
            c01 = x0.fma(b1, c01);
            c02 = x0.fma(b2, c02);
            DoubleVector x1 = DoubleVector.broadcast(S, a[r1 + ia]);
            c10 = x1.fma(b0, c10);
            c11 = x1.fma(b1, c11);
            c12 = x1.fma(b2, c12);
            DoubleVector x2 = DoubleVector.broadcast(S, a[r2 + ia]);
            c20 = x2.fma(b0, c20);
            c21 = x2.fma(b1, c21);
            c22 = x2.fma(b2, c22);
            DoubleVector x3 = DoubleVector.broadcast(S, a[r3 + ia]);
            c30 = x3.fma(b0, c30);
            c31 = x3.fma(b1, c31);
            c32 = x3.fma(b2, c32);
        }
        int j0 = q * W;
        if (rows == 4 && m - j0 >= 3 * W) {
            // Whole tile inside the matrix: store straight into the output.
            int o0 = outOff + i0 * m + j0;
            c00.intoArray(out, o0);
            c01.intoArray(out, o0 + W);
            c02.intoArray(out, o0 + 2 * W);
            o0 += m;
            c10.intoArray(out, o0);
            c11.intoArray(out, o0 + W);
            c12.intoArray(out, o0 + 2 * W);
            o0 += m;
            c20.intoArray(out, o0);
            c21.intoArray(out, o0 + W);
            c22.intoArray(out, o0 + 2 * W);
            o0 += m;
            c30.intoArray(out, o0);
            c31.intoArray(out, o0 + W);
            c32.intoArray(out, o0 + 2 * W);
            return;
        }
        int tw = 3 * W;
        c00.intoArray(tile, 0);
        c01.intoArray(tile, W);
        c02.intoArray(tile, 2 * W);
        c10.intoArray(tile, tw);
        c11.intoArray(tile, tw + W);
        c12.intoArray(tile, tw + 2 * W);
        c20.intoArray(tile, 2 * tw);
        c21.intoArray(tile, 2 * tw + W);
        c22.intoArray(tile, 2 * tw + 2 * W);
        c30.intoArray(tile, 3 * tw);
        c31.intoArray(tile, 3 * tw + W);
        c32.intoArray(tile, 3 * tw + 2 * W);
        MatMul.storeTile(tile, tw, out, outOff, m, i0, rows, j0, Math.min(tw, m - j0));
    }

    private static void block2x4(double[] a, int a0, int ars, int acs, double[] bp, int k, int m, double[] out,
            int outOff, int i0, int rows, double[] tile, int q) {
        int r1 = a0 + ars;
        int r2 = r1 + ars;
        int r3 = r2 + ars;
        int pb0 = q * k * W;
        int pb1 = pb0 + k * W;
        DoubleVector z = DoubleVector.zero(S);
        DoubleVector c00 = z, c01 = z;
        DoubleVector c10 = z, c11 = z;
        DoubleVector c20 = z, c21 = z;
        DoubleVector c30 = z, c31 = z;
        for (int p = 0; p < k; p++) {
            int o = p * W;
            DoubleVector b0 = DoubleVector.fromArray(S, bp, pb0 + o);
            DoubleVector b1 = DoubleVector.fromArray(S, bp, pb1 + o);
            int ia = p * acs;
            DoubleVector x0 = DoubleVector.broadcast(S, a[a0 + ia]);
            c00 = x0.fma(b0, c00);
            c01 = x0.fma(b1, c01);
            DoubleVector x1 = DoubleVector.broadcast(S, a[r1 + ia]);
            c10 = x1.fma(b0, c10);
            c11 = x1.fma(b1, c11);
            DoubleVector x2 = DoubleVector.broadcast(S, a[r2 + ia]);
            c20 = x2.fma(b0, c20);
            c21 = x2.fma(b1, c21);
            DoubleVector x3 = DoubleVector.broadcast(S, a[r3 + ia]);
            c30 = x3.fma(b0, c30);
            c31 = x3.fma(b1, c31);
        }
        int j0 = q * W;
        int tw = 2 * W;
        c00.intoArray(tile, 0);
        c01.intoArray(tile, W);
        c10.intoArray(tile, tw);
        c11.intoArray(tile, tw + W);
        c20.intoArray(tile, 2 * tw);
        c21.intoArray(tile, 2 * tw + W);
        c30.intoArray(tile, 3 * tw);
        c31.intoArray(tile, 3 * tw + W);
        MatMul.storeTile(tile, tw, out, outOff, m, i0, rows, j0, Math.min(tw, m - j0));
    }

    private static void block1x4(double[] a, int a0, int ars, int acs, double[] bp, int k, int m, double[] out,
            int outOff, int i0, int rows, double[] tile, int q) {
        int r1 = a0 + ars;
        int r2 = r1 + ars;
        int r3 = r2 + ars;
        int pb0 = q * k * W;
        DoubleVector z = DoubleVector.zero(S);
        DoubleVector c00 = z;
        DoubleVector c10 = z;
        DoubleVector c20 = z;
        DoubleVector c30 = z;
        for (int p = 0; p < k; p++) {
            int o = p * W;
            DoubleVector b0 = DoubleVector.fromArray(S, bp, pb0 + o);
            int ia = p * acs;
            DoubleVector x0 = DoubleVector.broadcast(S, a[a0 + ia]);
            c00 = x0.fma(b0, c00);
            DoubleVector x1 = DoubleVector.broadcast(S, a[r1 + ia]);
            c10 = x1.fma(b0, c10);
            DoubleVector x2 = DoubleVector.broadcast(S, a[r2 + ia]);
            c20 = x2.fma(b0, c20);
            DoubleVector x3 = DoubleVector.broadcast(S, a[r3 + ia]);
            c30 = x3.fma(b0, c30);
        }
        int j0 = q * W;
        int tw = W;
        c00.intoArray(tile, 0);
        c10.intoArray(tile, tw);
        c20.intoArray(tile, 2 * tw);
        c30.intoArray(tile, 3 * tw);
        MatMul.storeTile(tile, tw, out, outOff, m, i0, rows, j0, Math.min(tw, m - j0));
    }

    /**
     * {@link MatMul#gemmNT}: blocks of 2 rows of {@code a} × 4 rows of {@code b}, eight
     * accumulators of {@code W} lanes and six loads per step of {@code p} (few enough registers
     * for AVX2 too); the columns left over in blocks of 4 rows × 1, the row left over in blocks
     * of 1 × 4, so that every block keeps at least four independent chains of fused
     * multiply-adds in flight (one chain waits on each addition's latency). The inner dimension
     * is taken {@value #DOT_CHUNK} terms at a time, every block over one stretch before the
     * next, so that the stretch of {@code b}'s rows a block reads stays in the first-level cache
     * while {@code a}'s rows go past it: a block over all of {@code k} at once streamed both
     * operands from the outer caches (16–19 GFLOP/s at 16×1,024·1,024×72). The accumulators
     * wait between stretches in {@code acc}.
     *
     * <p>Whatever its block, an entry has one accumulator: lane {@code l} takes the terms
     * {@code p ≡ l (mod W)} in order of {@code p}; at the end its lanes are added by
     * {@link #lanesSum} and then the last {@code k mod W} terms by fused multiply-adds in order,
     * so its bits do not depend on the block it falls in.
     */
    @Override
    public void dotProducts(double[] a, int aOff, int lda, double[] b, int bOff, int ldb, double[] out, int outOff,
            int n, int k, int m, double[] acc) {
        int body = k - k % W;
        int n2 = n - n % 2;
        int m4 = m - m % 4;
        Arrays.fill(acc, 0, n * m * W, 0.0);
        for (int p0 = 0; p0 < body; p0 += DOT_CHUNK) {
            int p1 = Math.min(body, p0 + DOT_CHUNK);
            for (int j = 0; j < m4; j += 4) {
                int b0 = bOff + j * ldb;
                int b1 = b0 + ldb;
                int b2 = b1 + ldb;
                int b3 = b2 + ldb;
                for (int i = 0; i < n2; i += 2) {
                    int a0 = aOff + i * lda;
                    int a1 = a0 + lda;
                    int e0 = (i * m + j) * W;
                    int e1 = e0 + m * W;
                    DoubleVector c00 = DoubleVector.fromArray(S, acc, e0);
                    DoubleVector c01 = DoubleVector.fromArray(S, acc, e0 + W);
                    DoubleVector c02 = DoubleVector.fromArray(S, acc, e0 + 2 * W);
                    DoubleVector c03 = DoubleVector.fromArray(S, acc, e0 + 3 * W);
                    DoubleVector c10 = DoubleVector.fromArray(S, acc, e1);
                    DoubleVector c11 = DoubleVector.fromArray(S, acc, e1 + W);
                    DoubleVector c12 = DoubleVector.fromArray(S, acc, e1 + 2 * W);
                    DoubleVector c13 = DoubleVector.fromArray(S, acc, e1 + 3 * W);
                    for (int p = p0; p < p1; p += W) {
                        DoubleVector x0 = DoubleVector.fromArray(S, a, a0 + p);
                        DoubleVector x1 = DoubleVector.fromArray(S, a, a1 + p);
                        DoubleVector y = DoubleVector.fromArray(S, b, b0 + p);
                        c00 = x0.fma(y, c00);
                        c10 = x1.fma(y, c10);
                        y = DoubleVector.fromArray(S, b, b1 + p);
                        c01 = x0.fma(y, c01);
                        c11 = x1.fma(y, c11);
                        y = DoubleVector.fromArray(S, b, b2 + p);
                        c02 = x0.fma(y, c02);
                        c12 = x1.fma(y, c12);
                        y = DoubleVector.fromArray(S, b, b3 + p);
                        c03 = x0.fma(y, c03);
                        c13 = x1.fma(y, c13);
                    }
                    c00.intoArray(acc, e0);
                    c01.intoArray(acc, e0 + W);
                    c02.intoArray(acc, e0 + 2 * W);
                    c03.intoArray(acc, e0 + 3 * W);
                    c10.intoArray(acc, e1);
                    c11.intoArray(acc, e1 + W);
                    c12.intoArray(acc, e1 + 2 * W);
                    c13.intoArray(acc, e1 + 3 * W);
                }
            }
            // The columns past the 2×4 blocks, four rows of a at a time, then one.
            for (int j = m4; j < m; j++) {
                int bj = bOff + j * ldb;
                int i = 0;
                for (; i + 4 <= n; i += 4) {
                    fourChains(a, aOff + i * lda, lda, b, bj, 0, acc, (i * m + j) * W, m * W, p0, p1);
                }
                for (; i < n; i++) {
                    int ai = aOff + i * lda;
                    int e = (i * m + j) * W;
                    DoubleVector c = DoubleVector.fromArray(S, acc, e);
                    for (int p = p0; p < p1; p += W) {
                        c = DoubleVector.fromArray(S, a, ai + p).fma(DoubleVector.fromArray(S, b, bj + p), c);
                    }
                    c.intoArray(acc, e);
                }
            }
            // The row past the 2×4 blocks (n odd), four rows of b at a time.
            if (n2 < n) {
                for (int j = 0; j < m4; j += 4) {
                    fourChains(a, aOff + n2 * lda, 0, b, bOff + j * ldb, ldb, acc, (n2 * m + j) * W, W, p0, p1);
                }
            }
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                double sum = lanesSum(acc, (i * m + j) * W);
                int ai = aOff + i * lda;
                int bj = bOff + j * ldb;
                for (int p = body; p < k; p++) {
                    sum = Math.fma(a[ai + p], b[bj + p], sum);
                }
                out[outOff + i * m + j] = sum;
            }
        }
    }

    /**
     * Four entries of {@link #dotProducts} outside its 2×4 blocks over terms {@code [p0, p1)}:
     * entry {@code t} takes row {@code ai + t·aStep} of {@code a} against row
     * {@code bj + t·bStep} of {@code b}, its accumulator at {@code acc[e + t·eStep]} — four rows
     * of {@code a} against one of {@code b} (a step of 0 for {@code b}) or one against four.
     * Four independent chains, so none waits on another's latency.
     */
    private static void fourChains(double[] a, int ai, int aStep, double[] b, int bj, int bStep, double[] acc, int e,
            int eStep, int p0, int p1) {
        DoubleVector c0 = DoubleVector.fromArray(S, acc, e);
        DoubleVector c1 = DoubleVector.fromArray(S, acc, e + eStep);
        DoubleVector c2 = DoubleVector.fromArray(S, acc, e + 2 * eStep);
        DoubleVector c3 = DoubleVector.fromArray(S, acc, e + 3 * eStep);
        for (int p = p0; p < p1; p += W) {
            c0 = DoubleVector.fromArray(S, a, ai + p).fma(DoubleVector.fromArray(S, b, bj + p), c0);
            c1 = DoubleVector.fromArray(S, a, ai + aStep + p).fma(DoubleVector.fromArray(S, b, bj + bStep + p), c1);
            c2 = DoubleVector.fromArray(S, a, ai + 2 * aStep + p)
                    .fma(DoubleVector.fromArray(S, b, bj + 2 * bStep + p), c2);
            c3 = DoubleVector.fromArray(S, a, ai + 3 * aStep + p)
                    .fma(DoubleVector.fromArray(S, b, bj + 3 * bStep + p), c3);
        }
        c0.intoArray(acc, e);
        c1.intoArray(acc, e + eStep);
        c2.intoArray(acc, e + 2 * eStep);
        c3.intoArray(acc, e + 3 * eStep);
    }

    /**
     * The {@code W} lanes stored at {@code t[off …]} added in a fixed tree, neighbours first
     * ({@code ((l0 + l1) + (l2 + l3)) + …}): {@code reduceLanes} leaves its order to the
     * implementation, which could differ between the interpreter and compiled code.
     */
    private static double lanesSum(double[] t, int off) {
        for (int width = W; width > 1; width >>= 1) {
            for (int l = 0; l < width >> 1; l++) {
                t[off + l] = t[off + 2 * l] + t[off + 2 * l + 1];
            }
        }
        return t[off];
    }

    /**
     * Two vectors of {@code x − x} summed per step: zero while every entry is finite, NaN from
     * the first NaN or infinity on. About three times as fast as the scalar test (15 against
     * 44 µs for the 100,352 gradients of a 784→128 layer, which every optimizer step scans).
     */
    @Override
    public boolean allFinite(double[] a, int from, int to) {
        if (to - from < SHORT_SCAN) {
            // A few entries (the seed net's layers, a scalar loss): the vector loop's set-up and
            // lane reduction cost more than the plain loop, and the checker asks after every
            // evaluation (1.9 % of its samples; default mode 0.81× → 0.91–0.97× the release).
            return MatMulKernel.super.allFinite(a, from, to);
        }
        DoubleVector s0 = DoubleVector.zero(S);
        DoubleVector s1 = s0;
        int i = from;
        for (; i + 2 * W <= to; i += 2 * W) {
            DoubleVector u = DoubleVector.fromArray(S, a, i);
            DoubleVector v = DoubleVector.fromArray(S, a, i + W);
            s0 = s0.add(u.sub(u));
            s1 = s1.add(v.sub(v));
        }
        double s = s0.add(s1).reduceLanes(VectorOperators.ADD);
        for (; i < to; i++) {
            s += a[i] - a[i];
        }
        return s == 0;
    }
}
