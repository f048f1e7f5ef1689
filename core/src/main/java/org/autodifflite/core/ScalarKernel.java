package org.autodifflite.core;

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
    public int width() {
        return W;
    }

    @Override
    public void rowBlock(double[] ap, double[] bp, int k, int m, double[] out, int i0, int rows, double[] tile) {
        int panels = (m + W - 1) / W;
        for (int q = 0; q < panels; q++) {
            int pb = q * k * W;
            double c00 = 0, c01 = 0, c02 = 0, c03 = 0;
            double c10 = 0, c11 = 0, c12 = 0, c13 = 0;
            double c20 = 0, c21 = 0, c22 = 0, c23 = 0;
            double c30 = 0, c31 = 0, c32 = 0, c33 = 0;
            for (int p = 0; p < k; p++) {
                int ia = p * 4;
                int ib = pb + p * W;
                double b0 = bp[ib], b1 = bp[ib + 1], b2 = bp[ib + 2], b3 = bp[ib + 3];
                double a0 = ap[ia], a1 = ap[ia + 1], a2 = ap[ia + 2], a3 = ap[ia + 3];
                c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
                c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
                c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
                c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
            }
            tile[0] = c00; tile[1] = c01; tile[2] = c02; tile[3] = c03;
            tile[4] = c10; tile[5] = c11; tile[6] = c12; tile[7] = c13;
            tile[8] = c20; tile[9] = c21; tile[10] = c22; tile[11] = c23;
            tile[12] = c30; tile[13] = c31; tile[14] = c32; tile[15] = c33;
            MatMul.storeTile(tile, W, out, m, i0, rows, q * W, Math.min(W, m - q * W));
        }
    }
}
