package org.autodifflite.core;

import org.autodifflite.core.OpChecks;
import org.autodifflite.core.Tensor;

/**
 * Input validation shared by the ops — the shipped ones and yours — so that every op words its
 * errors the same way: the op's name, the input's name, the shapes or the entry, and the fix.
 */
public final class OpChecks {

    private OpChecks() {
    }

    /**
     * Throws unless two inputs have the same shape.
     *
     * @param op the op's name
     * @param nameA the first input's name
     * @param a the first input
     * @param nameB the second input's name
     * @param b the second input
     */
    public static void requireSameShape(String op, String nameA, Tensor a, String nameB, Tensor b) {
        if (!a.sameShape(b)) {
            throw new IllegalArgumentException(op + ": " + nameA + " is " + a.shape() + " but " + nameB
                    + " is " + b.shape() + "; they must have the same shape (one column per sample)");
        }
    }

    /**
     * Throws unless a tensor holds at least one entry, since a mean over zero samples is
     * undefined.
     *
     * @param op the op's name
     * @param name the input's name
     * @param t the input
     */
    public static void requireSamples(String op, String name, Tensor t) {
        if (t.size() == 0) {
            throw new IllegalArgumentException(op + ": " + name + " is " + t.shape()
                    + "; a loss needs at least one sample (column) and one row");
        }
    }

    /**
     * The number of samples a batch holds, by the project's layout: a 2-D batch is features ×
     * samples (one sample per column, as in the seed notebook); a batch of three or more axes has
     * the samples in front (N×C×H×W, N×L×D); a vector is one value per sample; a scalar is one
     * sample. Losses divide by it.
     *
     * @param t a batch
     * @return its number of samples
     */
    public static int samples(Tensor t) {
        return switch (t.rank()) {
            case 0 -> 1;
            case 2 -> t.cols();
            default -> t.dim(0);
        };
    }

    /**
     * An entry's name for messages: {@code Y[0][3]} for a matrix, {@code X[1][0][2]} for rank 3,
     * {@code Y} for a scalar.
     *
     * @param name the tensor's name
     * @param t the tensor
     * @param flat the entry's row-major index
     * @return the entry's name
     */
    public static String entry(String name, Tensor t, int flat) {
        StringBuilder sb = new StringBuilder(name);
        for (int i : t.unravel(flat)) {
            sb.append('[').append(i).append(']');
        }
        return sb.toString();
    }

    /**
     * Throws unless every label is finite and within [0, 1].
     *
     * @param op the op's name
     * @param y the labels
     */
    public static void requireProbabilities(String op, Tensor y) {
        double[] d = y.data();
        for (int k = 0; k < d.length; k++) {
            double v = d[k];
            if (!(v >= 0.0 && v <= 1.0)) {
                throw new IllegalArgumentException(op + ": label " + entry("Y", y, k) + " = " + v
                        + " is not a probability; labels must be finite and within [0, 1]");
            }
        }
    }

    /**
     * Throws unless every entry is finite.
     *
     * @param op the op's name
     * @param name the input's name
     * @param t the input
     */
    public static void requireFinite(String op, String name, Tensor t) {
        double[] d = t.data();
        for (int k = 0; k < d.length; k++) {
            if (!Double.isFinite(d[k])) {
                throw new IllegalArgumentException(op + ": " + entry(name, t, k) + " = " + d[k] + " is not finite");
            }
        }
    }

    /**
     * Throws unless an output buffer passed to {@code forwardInto} has the output's shape and is
     * not one of the inputs.
     *
     * @param op the op's name
     * @param out the buffer
     * @param like a tensor shaped like the output (usually the input of an element-wise op)
     */
    public static void requireOutput(String op, Tensor out, Tensor like) {
        if (!out.sameShape(like)) {
            throw new IllegalArgumentException(op + ": the output buffer is " + out.shape() + " but the output is "
                    + like.shape() + "; pass a buffer shaped like the output");
        }
        if (out.data() == like.data()) {
            throw new IllegalArgumentException(op + ": the output buffer is the input itself; pass a separate tensor");
        }
    }

    /**
     * Throws unless an output buffer passed to {@code forwardInto} is {@code rows × cols}.
     *
     * @param op the op's name
     * @param out the buffer
     * @param rows the output's rows
     * @param cols the output's columns
     */
    public static void requireOutput(String op, Tensor out, int rows, int cols) {
        if (out.rank() != 2 || out.rows() != rows || out.cols() != cols) {
            throw new IllegalArgumentException(op + ": the output buffer is " + out.shape() + " but the output is "
                    + Tensor.shape(rows, cols) + "; pass a buffer shaped like the output");
        }
    }

    /**
     * Throws unless {@code [from, to)} is a range of entries of input {@code input}.
     *
     * @param op the op's name
     * @param inputs the inputs
     * @param input the input's position
     * @param from the first entry
     * @param to one past the last entry
     */
    public static void requireRange(String op, Tensor[] inputs, int input, int from, int to) {
        if (input < 0 || input >= inputs.length || from < 0 || from > to || to > inputs[input].size()) {
            throw new IllegalArgumentException(op + ": no entries [" + from + ", " + to + ") in input " + input
                    + " of " + inputs.length + "; give a valid input and 0 ≤ from ≤ to ≤ its size");
        }
    }
}
