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

    /** Non-overlapping 2×2 windows without padding (the usual pool): every window lies inside the plane. */
    private boolean twoByTwo() {
        return kh == 2 && kw == 2 && sh == 2 && sw == 2 && ph == 0 && pw == 0;
    }

    /**
     * 2×2 windows of stride 2 without padding: {@link #argmax2x2} called directly, without the
     * per-output call and bounds tests of {@link #window} (the pool's forward and backward
     * together ran 1.67× faster with this loop and the new winner than before); the same
     * winner, so the same bits.
     */
    @Override
    boolean windowsFast(double[] x, double[] y, int p0, int p1, int h, int w, int oh, int ow, int i0, int i1, int j0,
            int j1) {
        if (!twoByTwo()) {
            return false;
        }
        for (int p = p0; p <= p1; p++) {
            int plane = p * h * w;
            for (int i = i0; i <= i1; i++) {
                int row = (p * oh + i) * ow;
                int top = plane + 2 * i * w;
                for (int j = j0; j <= j1; j++) {
                    y[row + j] = x[argmax2x2(x, top + 2 * j, w)];
                }
            }
        }
        return true;
    }

    /**
     * 2×2 windows of stride 2 without padding, as {@link #windowsFast}: each output's gradient
     * added to its window's winner. The windows do not overlap, so each pixel receives at most
     * one gradient, as in the general loop. The winner is found from the forward's output
     * rather than recomputed: it is the first entry of the window whose bits are the output's
     * (the output is a copy of the winner; an entry before it with the same bits would be equal
     * to the maximum, or the same NaN, and so would have won). Four comparisons of integers
     * picked by integer selects: recomputing the maximum with {@code Math.max} took about half
     * of the pool's backward.
     */
    @Override
    boolean backwardFast(double[] x, double[] y, double[] dx, double[] g, int planes, int h, int w, int oh, int ow) {
        if (!twoByTwo()) {
            return false;
        }
        for (int p = 0; p < planes; p++) {
            int plane = p * h * w;
            for (int i = 0; i < oh; i++) {
                int row = (p * oh + i) * ow;
                int top = plane + 2 * i * w;
                for (int j = 0; j < ow; j++) {
                    int t = top + 2 * j;
                    long m = Double.doubleToRawLongBits(y[row + j]);
                    int best = Double.doubleToRawLongBits(x[t + w]) == m ? t + w : t + w + 1;
                    best = Double.doubleToRawLongBits(x[t + 1]) == m ? t + 1 : best;
                    best = Double.doubleToRawLongBits(x[t]) == m ? t : best;
                    dx[best] += g[row + j];
                }
            }
        }
        return true;
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
     * The common 2×2 window inside the image: the winner of the loop above (the first in window
     * order among equals, the first NaN). Without a NaN, that is the first entry equal to the
     * window's maximum (a tie of 0.0 and −0.0 included: they compare equal, and the loop keeps
     * the first of them too). The maximum is taken with {@code Math.max} and the index picked by
     * integer selects, so nothing waits on a branch: running the loop's comparisons one after the
     * other (a double select compiles to a branch) mispredicted on about every other window of
     * ReLU outputs, and was ≈ 2× slower on the digits CNN's pool.
     */
    private static int argmax2x2(double[] x, int i, int w) {
        double a0 = x[i];
        double a1 = x[i + 1];
        double a2 = x[i + w];
        double m = Math.max(Math.max(a0, a1), Math.max(a2, x[i + w + 1]));
        if (m != m) {
            return firstNan2x2(x, i, w);
        }
        int best = a2 == m ? i + w : i + w + 1;
        best = a1 == m ? i + 1 : best;
        return a0 == m ? i : best;
    }

    /** The first NaN of a 2×2 window that holds one. */
    private static int firstNan2x2(double[] x, int i, int w) {
        double a0 = x[i];
        double a1 = x[i + 1];
        double a2 = x[i + w];
        return a0 != a0 ? i : a1 != a1 ? i + 1 : a2 != a2 ? i + w : i + w + 1;
    }
}
