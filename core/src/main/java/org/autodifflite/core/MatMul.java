package org.autodifflite.core;

/**
 * The one place where matrices are multiplied, so that a faster kernel replaces it everywhere
 * at once.
 */
final class MatMul {

    private MatMul() {
    }

    /**
     * {@code out = a · b} for row-major {@code a} (n×k) and {@code b} (k×m); {@code out} (n×m)
     * must be zero on entry.
     */
    static void multiply(double[] a, double[] b, double[] out, int n, int k, int m) {
        // i-k-j order walks b and out row by row: sequential memory access in the inner loop.
        for (int i = 0; i < n; i++) {
            int outRow = i * m;
            int aRow = i * k;
            for (int p = 0; p < k; p++) {
                double aip = a[aRow + p];
                int bRow = p * m;
                for (int j = 0; j < m; j++) {
                    out[outRow + j] += aip * b[bRow + j];
                }
            }
        }
    }
}
