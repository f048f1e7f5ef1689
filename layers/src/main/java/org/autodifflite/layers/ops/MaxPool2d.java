package org.autodifflite.layers.ops;

/**
 * Max pooling over kh×kw windows of each channel of a batch of images:
 * {@code Y[n,c,i,j] = max_{u<kh, v<kw} X[n, c, i·sh − ph + u, j·sw − pw + v]}, where the
 * padding counts as −∞ (it is never the maximum: padding is at most half the kernel, so every
 * window holds a pixel).
 *
 * <p>Input: {@code X}, N×C×H×W (batch, channels, height, width). Output: N×C×Ho×Wo with
 * {@code Ho = ⌊(H + 2·ph − kh)/sh⌋ + 1}, {@code Wo} alike. Backward, for {@code G = ∂L/∂Y}: each
 * output's gradient goes to the pixel that was its window's maximum,
 * {@code ∂L/∂X[argmax of window (n,c,i,j)] += G[n,c,i,j]} (a pixel that wins several
 * overlapping windows receives the sum). The maximum is not differentiable where a window holds
 * a tie; the gradient then goes to one winner, the first in window order (row by row), as in
 * PyTorch — and the gradient checker reports such entries as kinks, skipped. A NaN pixel wins
 * its window (the first NaN, in window order), so NaN propagates as in PyTorch; values are not
 * validated (the trainer refuses non-finite data).
 *
 * <pre>{@code
 * Node h = g.apply(new Conv2d(1, 1), x, w, b);         // N×8×16×16
 * Node p = g.apply(new MaxPool2d(2), g.apply(new ReLU(), h));   // N×8×8×8
 * }</pre>
 */
public final class MaxPool2d extends Pool2d {

    /**
     * Non-overlapping k×k windows: stride k, no padding (PyTorch's default).
     *
     * @param kernel the window's height and width, ≥ 1
     * @throws IllegalArgumentException if {@code kernel < 1}
     */
    public MaxPool2d(int kernel) {
        this(kernel, kernel, 0);
    }

    /**
     * Square windows.
     *
     * @param kernel the window's height and width, ≥ 1
     * @param stride the step between windows, ≥ 1
     * @param padding rows and columns of −∞ added on each side, 0 ≤ padding ≤ kernel/2
     * @throws IllegalArgumentException if a parameter is out of range; the message names it
     */
    public MaxPool2d(int kernel, int stride, int padding) {
        this(kernel, kernel, stride, stride, padding, padding);
    }

    /**
     * Every parameter per axis.
     *
     * @param kh the window's height, ≥ 1
     * @param kw the window's width, ≥ 1
     * @param sh the vertical stride, ≥ 1
     * @param sw the horizontal stride, ≥ 1
     * @param ph rows of −∞ added above and below, 0 ≤ ph ≤ kh/2
     * @param pw columns of −∞ added left and right, 0 ≤ pw ≤ kw/2
     * @throws IllegalArgumentException if a parameter is out of range; the message names it
     */
    public MaxPool2d(int kh, int kw, int sh, int sw, int ph, int pw) {
        super("MaxPool2d", kh, kw, sh, sw, ph, pw);
    }

    @Override
    double window(double[] x, int plane, int h, int w, int top, int left) {
        return x[argmax(x, plane, h, w, top, left)];
    }

    @Override
    void windowBackward(double[] x, double[] dx, int plane, int h, int w, int top, int left, double g) {
        dx[argmax(x, plane, h, w, top, left)] += g;
    }

    /**
     * The index of the window's maximum: the first in window order among equals, the first NaN
     * if there is one. Positions in the padding are skipped (−∞ never wins).
     */
    private int argmax(double[] x, int plane, int h, int w, int top, int left) {
        if (kh == 2 && kw == 2 && top >= 0 && left >= 0 && top + 2 <= h && left + 2 <= w) {
            return argmax2x2(x, plane + top * w + left, w);
        }
        int u0 = Math.max(0, -top);
        int u1 = Math.min(kh, h - top);
        int v0 = Math.max(0, -left);
        int v1 = Math.min(kw, w - left);
        int best = plane + (top + u0) * w + left + v0;
        double max = x[best];
        for (int u = u0; u < u1; u++) {
            int row = plane + (top + u) * w + left;
            for (int v = v0; v < v1; v++) {
                double e = x[row + v];
                // Strictly greater: a tie keeps the first; a NaN wins unless one already did.
                if (e > max || (e != e && max == max)) {
                    max = e;
                    best = row + v;
                }
            }
        }
        return best;
    }

    /**
     * The common 2×2 window inside the image, the loop above unrolled: the same comparisons in
     * the same window order (first among equals, first NaN), so the same winner.
     */
    private static int argmax2x2(double[] x, int i, int w) {
        // Non-short-circuit & and | and conditional selects: the winner is data, and a branch on
        // it is mispredicted half the time; selects compile to conditional moves.
        int best = i;
        double max = x[i];
        double e = x[i + 1];
        boolean take = e > max | (e != e & max == max);
        best = take ? i + 1 : best;
        max = take ? e : max;
        e = x[i + w];
        take = e > max | (e != e & max == max);
        best = take ? i + w : best;
        max = take ? e : max;
        e = x[i + w + 1];
        take = e > max | (e != e & max == max);
        return take ? i + w + 1 : best;
    }
}
