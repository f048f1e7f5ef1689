package org.autodifflite.core;

/**
 * Shape arithmetic for {@link Tensor}: formatting, validation, strides, axes and NumPy's
 * broadcasting rule, each defined once so that every op words its errors the same way.
 */
final class Shapes {

    /** The largest number of entries a tensor may hold (the largest array the JVM allocates). */
    static final int MAX_SIZE = Integer.MAX_VALUE - 8;

    private Shapes() {
    }

    /**
     * @param dims a shape
     * @return {@code 2×3×4} for rank ≥ 2, {@code (5)} for rank 1, {@code ()} for rank 0
     */
    static String format(int... dims) {
        if (dims.length == 0) {
            return "()";
        }
        if (dims.length == 1) {
            return "(" + dims[0] + ")";
        }
        if (dims.length == 2) {
            // The usual case in one concatenation: a check formats every node's shape for its
            // report, and the builder below re-encodes its text once it meets the '×'.
            return dims[0] + "×" + dims[1];
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < dims.length; i++) {
            if (i > 0) {
                sb.append('×');
            }
            sb.append(dims[i]);
        }
        return sb.toString();
    }

    /**
     * @param index an index tuple
     * @return for example {@code (1, 0, 2)}; {@code ()} for the empty tuple
     */
    static String tuple(int... index) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < index.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(index[i]);
        }
        return sb.append(')').toString();
    }

    /**
     * Validates a shape and counts its entries.
     *
     * @param op the operation, for the message
     * @param dims the shape
     * @return the number of entries
     * @throws IllegalArgumentException if a dimension is negative or the shape is too large
     */
    static int size(String op, int[] dims) {
        boolean empty = false;
        for (int d : dims) {
            if (d < 0) {
                throw new IllegalArgumentException(op + ": dimensions must be ≥ 0, got " + format(dims));
            }
            empty |= d == 0;
        }
        if (empty) {
            return 0;
        }
        long n = 1;
        for (int d : dims) {
            n *= d;
            if (n > MAX_SIZE) {
                throw new IllegalArgumentException(op + ": shape " + format(dims) + " is too large");
            }
        }
        return (int) n;
    }

    /** @return the number of entries of a valid shape */
    static int count(int[] dims) {
        int n = 1;
        for (int d : dims) {
            n *= d;
        }
        return n;
    }

    /** @return the row-major strides of a valid shape (the last axis has stride 1) */
    static int[] strides(int[] dims) {
        int[] s = new int[dims.length];
        int step = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            s[i] = step;
            step *= dims[i];
        }
        return s;
    }

    /**
     * Resolves an axis, negative axes counting from the end as in NumPy.
     *
     * @param op the operation, for the message
     * @param axis the axis given
     * @param dims the shape it refers to
     * @return the axis in {@code [0, rank)}
     * @throws IllegalArgumentException if it is out of range; the message names the axis, the
     *     shape, the rank and the valid range
     */
    static int axis(String op, int axis, int[] dims) {
        int r = dims.length;
        if (axis < -r || axis >= r) {
            throw new IllegalArgumentException(op + ": axis " + axis + " is out of range for a " + format(dims)
                    + " tensor (rank " + r + "): " + range(r));
        }
        return axis < 0 ? axis + r : axis;
    }

    /** @return the valid axes of a rank, for messages: {@code use −2 … 1} */
    static String range(int rank) {
        return rank == 0 ? "it has no axes" : "use −" + rank + " … " + (rank - 1);
    }

    /**
     * The set of axes a reduction runs over; no axes at all means every axis.
     *
     * @param op the operation, for the message
     * @param axes the axes given, negative ones counting from the end
     * @param dims the shape they refer to
     * @return for each axis whether it is reduced
     * @throws IllegalArgumentException if an axis is out of range or given twice
     */
    static boolean[] axes(String op, int[] axes, int[] dims) {
        boolean[] reduced = new boolean[dims.length];
        if (axes.length == 0) {
            java.util.Arrays.fill(reduced, true);
            return reduced;
        }
        int[] given = new int[dims.length];
        for (int a : axes) {
            int ax = axis(op, a, dims);
            if (reduced[ax]) {
                throw new IllegalArgumentException(op + ": axis " + ax + " is given twice (as " + given[ax] + " and "
                        + a + ") for a " + format(dims) + " tensor; give each axis once");
            }
            reduced[ax] = true;
            given[ax] = a;
        }
        return reduced;
    }

    /**
     * The axis at which two shapes first fail NumPy's broadcasting rule (aligned from the
     * right, each pair of axes equal or one of them 1).
     *
     * @return the failing axis of the longer shape, or −1 if the shapes broadcast
     */
    static int mismatch(int[] a, int[] b) {
        int r = Math.max(a.length, b.length);
        for (int i = 0; i < r; i++) {
            int da = dimFromLeft(a, i, r);
            int db = dimFromLeft(b, i, r);
            if (da != db && da != 1 && db != 1) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Whether {@code from} broadcasts to {@code to} itself (one way: {@code to} is not changed).
     *
     * @return −1 if it does; −2 if {@code from} has more axes; otherwise the first axis of
     *     {@code to} where {@code from}, aligned from the right, is neither equal nor 1
     */
    static int cannotBroadcastTo(int[] from, int[] to) {
        if (from.length > to.length) {
            return -2;
        }
        int r = to.length;
        for (int i = 0; i < r; i++) {
            int d = dimFromLeft(from, i, r);
            if (d != 1 && d != to[i]) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The broadcast shape of two shapes by NumPy's rule.
     *
     * @param op the operation, for the message
     * @param a one shape
     * @param b the other
     * @return the shape both broadcast to
     * @throws IllegalArgumentException if they do not broadcast; the message names the operation,
     *     both shapes, the failing axis and the rule
     */
    static int[] broadcast(String op, int[] a, int[] b) {
        int bad = mismatch(a, b);
        if (bad >= 0) {
            throw new IllegalArgumentException(op + ": shapes " + format(a) + " and " + format(b)
                    + " do not broadcast: " + axisText(bad, a, b)
                    + "; aligned from the right, each axis must be equal or 1");
        }
        int r = Math.max(a.length, b.length);
        int[] out = new int[r];
        for (int i = 0; i < r; i++) {
            int da = dimFromLeft(a, i, r);
            out[i] = da == 1 ? dimFromLeft(b, i, r) : da;
        }
        return out;
    }

    /**
     * Names a failing axis of two shapes aligned from the right, for example {@code axis 0 has
     * 2 and 4}; when the ranks differ the axis is also counted from the right.
     *
     * @param axis the axis of the longer shape
     */
    static String axisText(int axis, int[] a, int[] b) {
        int r = Math.max(a.length, b.length);
        String where = a.length == b.length ? "axis " + axis : "axis " + axis + " (−" + (r - axis) + " from the right)";
        return where + " has " + dimFromLeft(a, axis, r) + " and " + dimFromLeft(b, axis, r);
    }

    /**
     * Axis {@code i} of a shape padded on the left with 1s to rank {@code r}.
     */
    static int dimFromLeft(int[] dims, int i, int r) {
        int j = i - (r - dims.length);
        return j < 0 ? 1 : dims[j];
    }

    /**
     * The strides with which a contiguous tensor of shape {@code dims} is read as if it had the
     * (broadcast) shape {@code target}: 0 along the axes it is repeated on.
     *
     * @param dims the tensor's shape, which broadcasts to {@code target}
     * @param target the shape it is read as
     * @return one stride per axis of {@code target}
     */
    static int[] broadcastStrides(int[] dims, int[] target) {
        int[] own = strides(dims);
        int r = target.length;
        int[] s = new int[r];
        for (int i = 0; i < r; i++) {
            int j = i - (r - dims.length);
            s[i] = j < 0 || dims[j] == 1 ? 0 : own[j];
        }
        return s;
    }

    /**
     * @param dims a shape
     * @param axis an axis of it
     * @return the shape without that axis
     */
    static int[] without(int[] dims, int axis) {
        int[] out = new int[dims.length - 1];
        System.arraycopy(dims, 0, out, 0, axis);
        System.arraycopy(dims, axis + 1, out, axis, dims.length - axis - 1);
        return out;
    }

    /**
     * @param dims a shape
     * @param axis an axis of it
     * @param value the new length of that axis
     * @return a copy of the shape with that axis changed
     */
    static int[] with(int[] dims, int axis, int value) {
        int[] out = dims.clone();
        out[axis] = value;
        return out;
    }

    /** @return the product of the axes before {@code axis} */
    static int outer(int[] dims, int axis) {
        int n = 1;
        for (int i = 0; i < axis; i++) {
            n *= dims[i];
        }
        return n;
    }

    /** @return the product of the axes after {@code axis} */
    static int inner(int[] dims, int axis) {
        int n = 1;
        for (int i = axis + 1; i < dims.length; i++) {
            n *= dims[i];
        }
        return n;
    }

    /**
     * The index tuple of a flat row-major position.
     *
     * @param dims a shape
     * @param flat a position in {@code [0, size)}
     * @return the index along each axis
     */
    static int[] unravel(int[] dims, int flat) {
        int[] index = new int[dims.length];
        for (int i = dims.length - 1; i >= 0; i--) {
            index[i] = flat % dims[i];
            flat /= dims[i];
        }
        return index;
    }

    /**
     * The axes of {@code to} over which a tensor of shape {@code to} must be summed to get shape
     * {@code from}, when {@code from} broadcasts to {@code to} under NumPy's rule (aligned on the
     * right; a missing or size-1 axis of {@code from} is stretched), else null.
     *
     * @param from the smaller shape (leading axes of length 1 beyond {@code to}'s rank may be
     *     dropped, as NumPy drops them)
     * @param to the broadcast shape
     * @return the axes of {@code to} to sum over, ascending (empty when the shapes are equal), or
     *     null
     */
    static int[] broadcastAxes(int[] from, int[] to) {
        int extra = from.length - to.length;
        for (int a = 0; a < extra; a++) {
            if (from[a] != 1) {
                return null;
            }
        }
        int[] axes = new int[to.length];
        int n = 0;
        for (int a = 0; a < to.length; a++) {
            int f = a - (to.length - from.length);
            if (f < 0) {
                axes[n++] = a; // an axis `from` does not have: stretched
            } else if (from[f] != to[a]) {
                if (from[f] != 1) {
                    return null;
                }
                axes[n++] = a;
            }
        }
        return java.util.Arrays.copyOf(axes, n);
    }

    /** @return for example {@code axis 1} or {@code axes 0, 2 and 3} */
    static String axesText(int[] axes) {
        if (axes.length == 1) {
            return "axis " + axes[0];
        }
        StringBuilder sb = new StringBuilder("axes ");
        for (int k = 0; k < axes.length; k++) {
            sb.append(k == 0 ? "" : k == axes.length - 1 ? " and " : ", ").append(axes[k]);
        }
        return sb.toString();
    }

    /**
     * Why a gradient a backward returned has the wrong shape, when the shapes say: left at the
     * output's (broadcast) shape instead of summed down to its input's, summed over the wrong
     * axes, or with its last two axes swapped. Shapes of any rank; see
     * {@link Graph#gradientShapeHint}.
     */
    static String gradientHint(int[] grad, int[] input, int[] output, String name) {
        int[] need = broadcastAxes(input, grad);
        if (need != null && need.length > 0) {
            String whose = output != null && java.util.Arrays.equals(grad, output) ? "the output's shape "
                    : "the broadcast shape ";
            return "; it looks un-reduced: it has " + whose + format(grad) + ", and " + name + " ("
                    + format(input) + ") is broadcast along " + axesText(need) + " of it; sum the gradient over "
                    + axesText(need) + " down to " + format(input) + " (Tensor.sumTo(" + format(input) + "))";
        }
        if (output != null) {
            int[] wanted = broadcastAxes(input, output);
            int[] done = broadcastAxes(grad, output);
            if (wanted != null && done != null && wanted.length > 0 && !java.util.Arrays.equals(wanted, done)) {
                return "; it looks reduced over the wrong axes: " + name + " (" + format(input)
                        + ") is broadcast along " + axesText(wanted) + " of the output " + format(output)
                        + ", so sum the upstream gradient over " + axesText(wanted) + " (Tensor.sumTo("
                        + format(input) + ")), not over " + axesText(done);
            }
        }
        int r = grad.length;
        if (r == input.length && r >= 2 && grad[r - 1] == input[r - 2] && grad[r - 2] == input[r - 1]) {
            for (int a = 0; a < r - 2; a++) {
                if (grad[a] != input[a]) {
                    return "";
                }
            }
            // Rank 2 keeps the words people know; beyond, which axes are swapped matters.
            return r == 2 ? " (it looks transposed)"
                    : " (it looks transposed: its last two axes, " + (r - 2) + " and " + (r - 1) + ", are swapped)";
        }
        return "";
    }
}
