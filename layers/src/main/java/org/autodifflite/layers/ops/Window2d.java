package org.autodifflite.layers.ops;

import org.autodifflite.core.Tensor;

/**
 * The arithmetic of a 2-D sliding window, shared by {@link Conv2d}, {@link MaxPool2d} and
 * {@link AvgPool2d}: the layout check of N×C×H×W images, the output length along one axis, and
 * which outputs a range of input rows (or columns) reaches — what the incremental forwards
 * recompute.
 *
 * <p>Along one axis of length {@code in}, a window of {@code k} taps with stride {@code s},
 * zero padding {@code p} and dilation {@code d} spans {@code d·(k−1)+1} entries of the padded
 * axis; output {@code o} reads input entries {@code o·s − p + t·d} for {@code t < k} (those
 * outside {@code [0, in)} are padding), and there are
 * {@code ⌊(in + 2p − d·(k−1) − 1)/s⌋ + 1} outputs.
 */
final class Window2d {

    private Window2d() {
    }

    /**
     * Throws unless a tensor is a batch of images, N×C×H×W with every axis at least 1.
     *
     * @param op the op's name
     * @param name the input's name
     * @param t the input
     * @throws IllegalArgumentException naming the op, the input, its shape and the layout
     */
    static void requireImages(String op, String name, Tensor t) {
        if (t.rank() != 4) {
            String hint = t.rank() == 3 ? "; a single image C×H×W becomes a batch of one with reshape(1, C, H, W)"
                    : t.rank() == 2 ? "; features × batch is the dense layers' layout (Flatten makes it from images),"
                            + " this op takes the images themselves" : "";
            throw new IllegalArgumentException(op + ": " + name + " is " + t.shape() + " (rank " + t.rank()
                    + ") but must be N×C×H×W (batch, channels, height, width), rank 4" + hint);
        }
        requireNonEmpty(op, name, t, "N×C×H×W");
    }

    /**
     * Throws if an axis of a tensor is 0.
     *
     * @param op the op's name
     * @param name the input's name
     * @param t the input
     * @param layout its layout, for the message
     */
    static void requireNonEmpty(String op, String name, Tensor t, String layout) {
        for (int a = 0; a < t.rank(); a++) {
            if (t.dim(a) == 0) {
                throw new IllegalArgumentException(op + ": " + name + " is " + t.shape() + " (" + layout
                        + "); every axis must be at least 1");
            }
        }
    }

    /**
     * Throws unless a window parameter is at least {@code min}.
     *
     * @param op the op's name
     * @param what the parameter, e.g. {@code "stride"}
     * @param value its value
     * @param min the least allowed
     * @param fix what a valid value means, for the message
     */
    static void requireAtLeast(String op, String what, int value, int min, String fix) {
        if (value < min) {
            throw new IllegalArgumentException(op + ": " + what + " must be ≥ " + min + ", got " + value + "; " + fix);
        }
    }

    /**
     * The number of outputs along one axis.
     *
     * @param op the op's name, for the message
     * @param axis {@code "height"} or {@code "width"}
     * @param in the input length
     * @param k the taps of the window
     * @param s the stride
     * @param p the padding on each side
     * @param d the dilation
     * @return {@code ⌊(in + 2p − d·(k−1) − 1)/s⌋ + 1}
     * @throws IllegalArgumentException if the window spans more than the padded input
     */
    static int outLength(String op, String axis, int in, int k, int s, int p, int d) {
        long span = (long) d * (k - 1) + 1;
        long padded = in + 2L * p;
        if (span > padded) {
            throw new IllegalArgumentException(op + ": the kernel's " + axis + " " + k
                    + (d > 1 ? " (dilation " + d + ", spanning " + span + ")" : "") + " is larger than the padded input's "
                    + axis + " " + padded + " (" + in + " + 2×" + p + " padding); use a smaller kernel or more padding,"
                    + " or a larger input");
        }
        return (int) ((padded - span) / s + 1);
    }

    /**
     * The first output whose window reaches input index {@code lo} or beyond.
     *
     * @return the smallest {@code o ≥ 0} with {@code o·s − p + d·(k−1) ≥ lo}
     */
    static int firstOut(int lo, int k, int s, int p, int d) {
        int num = lo + p - d * (k - 1);
        return num <= 0 ? 0 : (num + s - 1) / s;
    }

    /**
     * The last output whose window starts at or before input index {@code hi}.
     *
     * @return the largest {@code o < outLength} with {@code o·s − p ≤ hi}
     */
    static int lastOut(int hi, int s, int p, int outLength) {
        return Math.min(outLength - 1, (hi + p) / s);
    }

    /**
     * The input rows and columns that entries {@code [from, to)} (row-major) of an N×C×H×W
     * tensor touch, within one image and channel plane or else whole planes: {@code box[0..3]}
     * = first and last row, first and last column; {@code box[4..5]} = first and last plane
     * {@code n·C + c}.
     *
     * @param box receives the six numbers
     * @param from the first entry
     * @param to one past the last entry, {@code > from}
     * @param h the height
     * @param w the width
     */
    static void inputBox(int[] box, int from, int to, int h, int w) {
        int plane = h * w;
        int p0 = from / plane;
        int p1 = (to - 1) / plane;
        box[4] = p0;
        box[5] = p1;
        if (p0 != p1) {
            box[0] = 0;
            box[1] = h - 1;
            box[2] = 0;
            box[3] = w - 1;
            return;
        }
        int r0 = from % plane;
        int r1 = (to - 1) % plane;
        box[0] = r0 / w;
        box[1] = r1 / w;
        if (box[0] == box[1]) {
            box[2] = r0 % w;
            box[3] = r1 % w;
        } else {
            box[2] = 0;
            box[3] = w - 1;
        }
    }
}
