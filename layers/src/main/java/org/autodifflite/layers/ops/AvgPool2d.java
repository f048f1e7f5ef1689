package org.autodifflite.layers.ops;

/**
 * Average pooling over kh×kw windows of each channel of a batch of images, counting the zero
 * padding in the average (PyTorch's default, {@code count_include_pad=True}):
 * {@code Y[n,c,i,j] = (1/(kh·kw)) · Σ_{u<kh, v<kw} X[n, c, i·sh − ph + u, j·sw − pw + v]},
 * where pixels outside the image are 0.
 *
 * <p>Input: {@code X}, N×C×H×W (batch, channels, height, width). Output: N×C×Ho×Wo with
 * {@code Ho = ⌊(H + 2·ph − kh)/sh⌋ + 1}, {@code Wo} alike. Backward, for {@code G = ∂L/∂Y}:
 * every pixel of a window receives {@code G[n,c,i,j]/(kh·kw)} from it (padding receives nothing;
 * a pixel in several overlapping windows receives the sum). Values are not validated: a NaN
 * pixel makes its windows NaN (the trainer refuses non-finite data).
 *
 * <pre>{@code
 * Node p = g.apply(new AvgPool2d(2), h);     // N×C×H×W → N×C×(H/2)×(W/2)
 * }</pre>
 */
public final class AvgPool2d extends Pool2d {

    /** {@code kh·kw}, the divisor of every window (padding counted). */
    private final double count;

    /**
     * Non-overlapping k×k windows: stride k, no padding (PyTorch's default).
     *
     * @param kernel the window's height and width, ≥ 1
     * @throws IllegalArgumentException if {@code kernel < 1}
     */
    public AvgPool2d(int kernel) {
        this(kernel, kernel, 0);
    }

    /**
     * Square windows.
     *
     * @param kernel the window's height and width, ≥ 1
     * @param stride the step between windows, ≥ 1
     * @param padding rows and columns of zeros added on each side, 0 ≤ padding ≤ kernel/2
     *     (counted in the average)
     * @throws IllegalArgumentException if a parameter is out of range; the message names it
     */
    public AvgPool2d(int kernel, int stride, int padding) {
        this(kernel, kernel, stride, stride, padding, padding);
    }

    /**
     * Every parameter per axis.
     *
     * @param kh the window's height, ≥ 1
     * @param kw the window's width, ≥ 1
     * @param sh the vertical stride, ≥ 1
     * @param sw the horizontal stride, ≥ 1
     * @param ph zero rows added above and below, 0 ≤ ph ≤ kh/2
     * @param pw zero columns added left and right, 0 ≤ pw ≤ kw/2
     * @throws IllegalArgumentException if a parameter is out of range; the message names it
     */
    public AvgPool2d(int kh, int kw, int sh, int sw, int ph, int pw) {
        super("AvgPool2d", kh, kw, sh, sw, ph, pw);
        this.count = (double) kh * kw;
    }

    @Override
    double window(double[] x, int plane, int h, int w, int top, int left) {
        int u0 = Math.max(0, -top);
        int u1 = Math.min(kh, h - top);
        int v0 = Math.max(0, -left);
        int v1 = Math.min(kw, w - left);
        double sum = 0;
        for (int u = u0; u < u1; u++) {
            int row = plane + (top + u) * w + left;
            for (int v = v0; v < v1; v++) {
                sum += x[row + v];
            }
        }
        return sum / count;
    }

    @Override
    void windowBackward(double[] x, double[] dx, int plane, int h, int w, int top, int left, double g) {
        double share = g / count;
        int u0 = Math.max(0, -top);
        int u1 = Math.min(kh, h - top);
        int v0 = Math.max(0, -left);
        int v1 = Math.min(kw, w - left);
        for (int u = u0; u < u1; u++) {
            int row = plane + (top + u) * w + left;
            for (int v = v0; v < v1; v++) {
                dx[row + v] += share;
            }
        }
    }
}
