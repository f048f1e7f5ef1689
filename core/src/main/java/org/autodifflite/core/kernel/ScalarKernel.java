package org.autodifflite.core.kernel;

/**
 * The always-available kernel: a 4×4 register block of scalar accumulators over packed
 * operands. The Java compiler does not vectorize it, but blocking keeps sixteen independent
 * multiply-add chains in flight and reads each loaded value four times.
 */
final class ScalarKernel implements MatMulKernel {

    private static final int W = 4;

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public int rows() {
        return 4;
    }

    /** Scalar loads from four rows far apart cost more than one contiguous strip: packs. */
    @Override
    public boolean readsAInPlace(int k, int m) {
        return false;
    }

    @Override
    public int width() {
        return W;
    }

    @Override
    public void rowBlock(double[] a, int a0, int ars, int acs, double[] bp, int k, int m, double[] out, int outOff,
            int i0, int rows, double[] tile) {
        int panels = (m + W - 1) / W;
        int r1 = a0 + ars;
        int r2 = r1 + ars;
        int r3 = r2 + ars;
        for (int q = 0; q < panels; q++) {
            int pb = q * k * W;
            double c00 = 0, c01 = 0, c02 = 0, c03 = 0;
            double c10 = 0, c11 = 0, c12 = 0, c13 = 0;
            double c20 = 0, c21 = 0, c22 = 0, c23 = 0;
            double c30 = 0, c31 = 0, c32 = 0, c33 = 0;
            for (int p = 0; p < k; p++) {
                int ia = p * acs;
                int ib = pb + p * W;
                double b0 = bp[ib], b1 = bp[ib + 1], b2 = bp[ib + 2], b3 = bp[ib + 3];
                double x0 = a[a0 + ia], x1 = a[r1 + ia], x2 = a[r2 + ia], x3 = a[r3 + ia];
                c00 += x0 * b0; c01 += x0 * b1; c02 += x0 * b2; c03 += x0 * b3;
                c10 += x1 * b0; c11 += x1 * b1; c12 += x1 * b2; c13 += x1 * b3;
                c20 += x2 * b0; c21 += x2 * b1; c22 += x2 * b2; c23 += x2 * b3;
                c30 += x3 * b0; c31 += x3 * b1; c32 += x3 * b2; c33 += x3 * b3;
            }
            tile[0] = c00; tile[1] = c01; tile[2] = c02; tile[3] = c03;
            tile[4] = c10; tile[5] = c11; tile[6] = c12; tile[7] = c13;
            tile[8] = c20; tile[9] = c21; tile[10] = c22; tile[11] = c23;
            tile[12] = c30; tile[13] = c31; tile[14] = c32; tile[15] = c33;
            MatMul.storeTile(tile, W, out, outOff, m, i0, rows, q * W, Math.min(W, m - q * W));
        }
    }
}
