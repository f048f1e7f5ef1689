package org.autodifflite.layers.ops;

import org.autodifflite.core.FastForward;
import org.autodifflite.core.Op;
import org.autodifflite.core.OpChecks;
import org.autodifflite.core.Tensor;

/**
 * What {@link MaxPool2d} and {@link AvgPool2d} share: the window geometry and its validation,
 * the N×C×H×W layout, and the loops over channel planes and output windows — each pool supplies
 * one window's value and one window's gradient. Every output is computed by the same code
 * whether the whole output or a part of it is wanted, so the incremental forward gives the bits
 * of {@link #forward}.
 */
abstract class Pool2d implements FastForward {

    /** Kernel height and width. */
    final int kh;
    final int kw;
    /** Strides. */
    final int sh;
    final int sw;
    /** Padding on each side. */
    final int ph;
    final int pw;

    /** Per-thread room for {@link Window2d#inputBox}, so the checker's evaluations allocate nothing. */
    private static final ThreadLocal<int[]> BOX = ThreadLocal.withInitial(() -> new int[6]);

    private final String name;

    Pool2d(String name, int kh, int kw, int sh, int sw, int ph, int pw) {
        Window2d.requireAtLeast(name, "kernel size", Math.min(kh, kw), 1, "a window holds at least one entry");
        Window2d.requireAtLeast(name, "stride", Math.min(sh, sw), 1,
                "the step between windows is usually the kernel size (windows side by side)");
        Window2d.requireAtLeast(name, "padding", Math.min(ph, pw), 0, "it is the number of rows and columns added"
                + " on each side");
        if (2 * ph > kh || 2 * pw > kw) {
            throw new IllegalArgumentException(name + ": padding " + ph + "×" + pw + " is more than half the kernel "
                    + kh + "×" + kw + ", so a window could hold padding only; use padding ≤ kernel/2 (as PyTorch)");
        }
        this.name = name;
        this.kh = kh;
        this.kw = kw;
        this.sh = sh;
        this.sw = sw;
        this.ph = ph;
        this.pw = pw;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final int arity() {
        return 1;
    }

    @Override
    public final String inputName(int index) {
        return index == 0 ? "X" : FastForward.super.inputName(index);
    }

    @Override
    public String toString() {
        return name + "(kernel " + kh + "×" + kw + ", stride " + sh + "×" + sw + ", padding " + ph + "×" + pw + ")";
    }

    /**
     * One output: the window of plane {@code x[plane …]} (H×W) whose top-left corner, padding
     * included, is at input row {@code top} and column {@code left}.
     *
     * @param x the input
     * @param plane the index of the plane's entry (0, 0)
     * @param h the height
     * @param w the width
     * @param top the window's first row, {@code i·sh − ph} (may be negative)
     * @param left the window's first column, {@code j·sw − pw}
     * @return the pooled value
     */
    abstract double window(double[] x, int plane, int h, int w, int top, int left);

    /**
     * Adds one output's gradient {@code g} into the window's entries of {@code dx}.
     *
     * @param x the input
     * @param dx the input's gradient, accumulated
     * @param plane as {@link #window}
     * @param h the height
     * @param w the width
     * @param top as {@link #window}
     * @param left as {@link #window}
     * @param g the output's gradient
     */
    abstract void windowBackward(double[] x, double[] dx, int plane, int h, int w, int top, int left, double g);

    /**
     * Pools every window of every channel of every image.
     *
     * @param inputs {@code X}, N×C×H×W
     * @return N×C×Ho×Wo, {@code Ho = ⌊(H + 2·ph − kh)/sh⌋ + 1}, {@code Wo} alike
     * @throws IllegalArgumentException if {@code X} is not N×C×H×W or the kernel is larger than
     *     the padded input
     */
    @Override
    public final Tensor forward(Tensor... inputs) {
        Tensor x = requireInput(inputs);
        Tensor y = Tensor.zeros(x.dim(0), x.dim(1), outH(x), outW(x));
        windows(x, y.data(), 0, x.dim(0) * x.dim(1) - 1, 0, y.dim(2) - 1, 0, y.dim(3) - 1);
        return y;
    }

    /**
     * As {@link #forward}, into {@code out}, allocating nothing.
     *
     * @param out the N×C×Ho×Wo output buffer
     * @param inputs {@code X}
     * @throws IllegalArgumentException if the input is wrong or {@code out} is not shaped like
     *     the output
     */
    @Override
    public final void forwardInto(Tensor out, Tensor... inputs) {
        Tensor x = requireInput(inputs);
        int oh = outH(x);
        int ow = outW(x);
        requireOutput(out, x, oh, ow);
        windows(x, out.data(), 0, x.dim(0) * x.dim(1) - 1, 0, oh - 1, 0, ow - 1);
    }

    /**
     * Recomputes the windows that can hold one of the changed entries: within one channel
     * plane, the outputs whose windows reach the changed rows and columns; across planes, those
     * planes whole.
     *
     * @return {@code true}
     * @throws IllegalArgumentException if the input, the buffer or the range is wrong
     */
    @Override
    public final boolean forwardEntriesInto(Tensor out, int input, int from, int to, Tensor... inputs) {
        Tensor x = requireInput(inputs);
        int oh = outH(x);
        int ow = outW(x);
        requireOutput(out, x, oh, ow);
        OpChecks.requireRange(name, inputs, input, from, to);
        if (from == to) {
            return true;
        }
        int[] box = BOX.get();
        Window2d.inputBox(box, from, to, x.dim(2), x.dim(3));
        int i0 = Window2d.firstOut(box[0], kh, sh, ph, 1);
        int i1 = Window2d.lastOut(box[1], sh, ph, oh);
        int j0 = Window2d.firstOut(box[2], kw, sw, pw, 1);
        int j1 = Window2d.lastOut(box[3], sw, pw, ow);
        if (i0 <= i1 && j0 <= j1) {
            windows(x, out.data(), box[4], box[5], i0, i1, j0, j1);
        }
        return true;
    }

    /**
     * Outputs {@code [i0, i1] × [j0, j1]} of every plane {@code [p0, p1]} by a loop of the
     * subclass's own, when it has one for this geometry: a call of {@link #window} per output
     * costs more than the window itself on small planes (a 2×2 max is three comparisons).
     * Must write what {@link #window} gives, bit for bit.
     *
     * @return whether the outputs were written; {@code false} leaves them to {@link #window}
     */
    boolean windowsFast(double[] x, double[] y, int p0, int p1, int h, int w, int oh, int ow, int i0, int i1, int j0,
            int j1) {
        return false;
    }

    /**
     * The whole backward by a loop of the subclass's own, when it has one for this geometry:
     * adds into {@code dx} what {@link #windowBackward} would for every output, in the same
     * order.
     *
     * @param y the forward's output for {@code x}, which the loop may use
     * @return whether {@code dx} was written; {@code false} leaves it to {@link #windowBackward}
     */
    boolean backwardFast(double[] x, double[] y, double[] dx, double[] g, int planes, int h, int w, int oh, int ow) {
        return false;
    }

    /** Outputs {@code [i0, i1] × [j0, j1]} of planes {@code [p0, p1]} ({@code n·C + c}). */
    private void windows(Tensor x, double[] y, int p0, int p1, int i0, int i1, int j0, int j1) {
        double[] xd = x.data();
        int h = x.dim(2);
        int w = x.dim(3);
        int oh = outH(x);
        int ow = outW(x);
        if (windowsFast(xd, y, p0, p1, h, w, oh, ow, i0, i1, j0, j1)) {
            return;
        }
        for (int p = p0; p <= p1; p++) {
            int plane = p * h * w;
            for (int i = i0; i <= i1; i++) {
                int row = (p * oh + i) * ow;
                for (int j = j0; j <= j1; j++) {
                    y[row + j] = window(xd, plane, h, w, i * sh - ph, j * sw - pw);
                }
            }
        }
    }

    /**
     * @param inputs {@code X} as given to {@link #forward}
     * @param output the pooled output
     * @param gradOutput its gradient, N×C×Ho×Wo
     * @return {@code ∂L/∂X}, each output's gradient sent back into its window
     */
    @Override
    public final Tensor[] backward(Tensor[] inputs, Tensor output, Tensor gradOutput) {
        Tensor x = requireInput(inputs);
        int oh = outH(x);
        int ow = outW(x);
        if (gradOutput.rank() != 4 || gradOutput.dim(0) != x.dim(0) || gradOutput.dim(1) != x.dim(1)
                || gradOutput.dim(2) != oh || gradOutput.dim(3) != ow) {
            throw new IllegalArgumentException(name + " backward: the gradient is " + gradOutput.shape()
                    + " but the output is " + Tensor.shape(x.dim(0), x.dim(1), oh, ow) + "; they must have the same shape");
        }
        double[] xd = x.data();
        double[] g = gradOutput.data();
        double[] dx = new double[xd.length];
        int h = x.dim(2);
        int w = x.dim(3);
        if (output.sameShape(gradOutput)
                && backwardFast(xd, output.data(), dx, g, x.dim(0) * x.dim(1), h, w, oh, ow)) {
            return new Tensor[] {Tensor.wrap(x.dims(), dx)};
        }
        for (int p = 0, planes = x.dim(0) * x.dim(1); p < planes; p++) {
            int plane = p * h * w;
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    windowBackward(xd, dx, plane, h, w, i * sh - ph, j * sw - pw, g[(p * oh + i) * ow + j]);
                }
            }
        }
        return new Tensor[] {Tensor.wrap(x.dims(), dx)};
    }

    private Tensor requireInput(Tensor[] inputs) {
        Op.requireInputs(this, inputs);
        Tensor x = inputs[0];
        Window2d.requireImages(name, "X", x);
        outH(x);
        outW(x);
        return x;
    }

    private int outH(Tensor x) {
        return outLength("height", x.dim(2), kh, sh, ph, x);
    }

    private int outW(Tensor x) {
        return outLength("width", x.dim(3), kw, sw, pw, x);
    }

    private int outLength(String axis, int in, int k, int s, int p, Tensor x) {
        try {
            return Window2d.outLength(name, axis, in, k, s, p, 1);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + " (X is " + x.shape() + ")", e);
        }
    }

    private void requireOutput(Tensor out, Tensor x, int oh, int ow) {
        if (out.rank() != 4 || out.dim(0) != x.dim(0) || out.dim(1) != x.dim(1) || out.dim(2) != oh
                || out.dim(3) != ow) {
            throw new IllegalArgumentException(name + ": the output buffer is " + out.shape() + " but the output is "
                    + Tensor.shape(x.dim(0), x.dim(1), oh, ow) + "; pass a buffer shaped like the output");
        }
        if (out.data() == x.data()) {
            throw new IllegalArgumentException(name + ": the output buffer is the input itself; pass a separate tensor");
        }
    }
}
