package org.autodifflite.core.kernel;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fast kernel on the JDK's vector API: a register block of 4 rows × 3 vectors, each output
 * entry accumulated with fused multiply-adds in order of {@code p}. Compiled in a separate
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

    /** Four broadcast streams keep up with the FMAs; copying A would double its memory traffic. */
    @Override
    public boolean readsAInPlace() {
        return true;
    }

    @Override
    public int width() {
        return W;
    }

    @Override
    public void rowBlock(double[] a, int a0, int ars, int acs, double[] bp, int k, int m, double[] out, int outOff,
            int i0, int rows, double[] tile) {
        int panels = (m + W - 1) / W;
        int q = 0;
        for (; q + 3 <= panels; q += 3) {
            block3(a, a0, ars, acs, bp, k, m, out, outOff, i0, rows, tile, q);
        }
        if (panels - q == 2) {
            block2(a, a0, ars, acs, bp, k, m, out, outOff, i0, rows, tile, q);
        } else if (panels - q == 1) {
            block1(a, a0, ars, acs, bp, k, m, out, outOff, i0, rows, tile, q);
        }
    }

    private static void block3(double[] a, int a0, int ars, int acs, double[] bp, int k, int m, double[] out,
            int outOff, int i0, int rows, double[] tile, int q) {
        int r1 = a0 + ars;
        int r2 = r1 + ars;
        int r3 = r2 + ars;
        int pb0 = q * k * W;
        int pb1 = pb0 + k * W;
        int pb2 = pb1 + k * W;
        DoubleVector c00 = DoubleVector.zero(S), c01 = c00, c02 = c00;
        DoubleVector c10 = c00, c11 = c00, c12 = c00;
        DoubleVector c20 = c00, c21 = c00, c22 = c00;
        DoubleVector c30 = c00, c31 = c00, c32 = c00;
        for (int p = 0; p < k; p++) {
            int o = p * W;
            DoubleVector b0 = DoubleVector.fromArray(S, bp, pb0 + o);
            DoubleVector b1 = DoubleVector.fromArray(S, bp, pb1 + o);
            DoubleVector b2 = DoubleVector.fromArray(S, bp, pb2 + o);
            int ia = p * acs;
            DoubleVector x = DoubleVector.broadcast(S, a[a0 + ia]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            c02 = x.fma(b2, c02);
            x = DoubleVector.broadcast(S, a[r1 + ia]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            c12 = x.fma(b2, c12);
            x = DoubleVector.broadcast(S, a[r2 + ia]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            c22 = x.fma(b2, c22);
            x = DoubleVector.broadcast(S, a[r3 + ia]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            c32 = x.fma(b2, c32);
        }
        int j0 = q * W;
        int cols = Math.min(3 * W, m - j0);
        if (rows == 4 && cols == 3 * W) {
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
        MatMul.storeTile(tile, tw, out, outOff, m, i0, rows, j0, cols);
    }

    private static void block2(double[] a, int a0, int ars, int acs, double[] bp, int k, int m, double[] out,
            int outOff, int i0, int rows, double[] tile, int q) {
        int r1 = a0 + ars;
        int r2 = r1 + ars;
        int r3 = r2 + ars;
        int pb0 = q * k * W;
        int pb1 = pb0 + k * W;
        DoubleVector c00 = DoubleVector.zero(S), c01 = c00;
        DoubleVector c10 = c00, c11 = c00;
        DoubleVector c20 = c00, c21 = c00;
        DoubleVector c30 = c00, c31 = c00;
        for (int p = 0; p < k; p++) {
            int o = p * W;
            DoubleVector b0 = DoubleVector.fromArray(S, bp, pb0 + o);
            DoubleVector b1 = DoubleVector.fromArray(S, bp, pb1 + o);
            int ia = p * acs;
            DoubleVector x = DoubleVector.broadcast(S, a[a0 + ia]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = DoubleVector.broadcast(S, a[r1 + ia]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = DoubleVector.broadcast(S, a[r2 + ia]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = DoubleVector.broadcast(S, a[r3 + ia]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
        }
        int tw = 2 * W;
        c00.intoArray(tile, 0);
        c01.intoArray(tile, W);
        c10.intoArray(tile, tw);
        c11.intoArray(tile, tw + W);
        c20.intoArray(tile, 2 * tw);
        c21.intoArray(tile, 2 * tw + W);
        c30.intoArray(tile, 3 * tw);
        c31.intoArray(tile, 3 * tw + W);
        int j0 = q * W;
        MatMul.storeTile(tile, tw, out, outOff, m, i0, rows, j0, Math.min(tw, m - j0));
    }

    private static void block1(double[] a, int a0, int ars, int acs, double[] bp, int k, int m, double[] out,
            int outOff, int i0, int rows, double[] tile, int q) {
        int r1 = a0 + ars;
        int r2 = r1 + ars;
        int r3 = r2 + ars;
        int pb0 = q * k * W;
        DoubleVector c00 = DoubleVector.zero(S), c10 = c00, c20 = c00, c30 = c00;
        for (int p = 0; p < k; p++) {
            DoubleVector b0 = DoubleVector.fromArray(S, bp, pb0 + p * W);
            int ia = p * acs;
            c00 = DoubleVector.broadcast(S, a[a0 + ia]).fma(b0, c00);
            c10 = DoubleVector.broadcast(S, a[r1 + ia]).fma(b0, c10);
            c20 = DoubleVector.broadcast(S, a[r2 + ia]).fma(b0, c20);
            c30 = DoubleVector.broadcast(S, a[r3 + ia]).fma(b0, c30);
        }
        c00.intoArray(tile, 0);
        c10.intoArray(tile, W);
        c20.intoArray(tile, 2 * W);
        c30.intoArray(tile, 3 * W);
        int j0 = q * W;
        MatMul.storeTile(tile, W, out, outOff, m, i0, rows, j0, Math.min(W, m - j0));
    }
}
