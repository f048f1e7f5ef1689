package org.autodifflite.core.ops;

import java.util.Arrays;
import org.autodifflite.core.Op;
import org.autodifflite.core.Tensor;

/**
 * Validation and index arithmetic shared by the primitive ops, so that each op words its errors
 * the same way: the op, the input's name and shape, the axis or index, and the fix.
 */
final class Args {

    private Args() {
    }

    /**
     * Checks the number of inputs, then that none of them is null.
     *
     * @return the inputs
     */
    static Tensor[] inputs(Op op, Tensor[] inputs) {
        Op.requireInputs(op, inputs);
        return inputs;
    }

    /**
     * Normalizes an axis (negative counts from the end) against a tensor's rank.
     *
     * @throws IllegalArgumentException naming the op, the input, its shape and the valid range
     */
    static int axis(String op, int axis, String name, Tensor x) {
        int rank = x.rank();
        if (axis < -rank || axis >= rank) {
            throw new IllegalArgumentException(op + ": axis " + axis + " is out of range for " + name + " of shape "
                    + x.shape() + " (rank " + rank + "); "
                    + (rank == 0 ? "a rank-0 tensor has no axes (reshape it to (1) first)"
                            : "give an axis in [" + -rank + ", " + (rank - 1) + "]"));
        }
        return axis < 0 ? axis + rank : axis;
    }

    /**
     * Normalizes reduction axes: negative ones count from the end, none means all, each at most
     * once.
     *
     * @return the axes, ascending
     */
    static int[] axes(String op, int[] axes, String name, Tensor x) {
        if (axes.length == 0) {
            int[] all = new int[x.rank()];
            for (int i = 0; i < all.length; i++) {
                all[i] = i;
            }
            return all;
        }
        int[] out = new int[axes.length];
        for (int i = 0; i < axes.length; i++) {
            out[i] = axis(op, axes[i], name, x);
        }
        Arrays.sort(out);
        for (int i = 1; i < out.length; i++) {
            if (out[i] == out[i - 1]) {
                throw new IllegalArgumentException(op + ": axes " + Arrays.toString(axes) + " name axis " + out[i]
                        + " twice for " + name + " of shape " + x.shape() + "; give each axis once");
            }
        }
        return out;
    }

    /** The shape left after reducing {@code axes} (ascending) of {@code dims}. */
    static int[] reduced(int[] dims, int[] axes, boolean keepDims) {
        boolean[] gone = mark(dims.length, axes);
        int[] out = new int[keepDims ? dims.length : dims.length - axes.length];
        int j = 0;
        for (int i = 0; i < dims.length; i++) {
            if (gone[i] && keepDims) {
                out[j++] = 1;
            } else if (!gone[i]) {
                out[j++] = dims[i];
            }
        }
        return out;
    }

    /** How many entries of {@code dims} each reduced value stands for. */
    static int count(int[] dims, int[] axes) {
        int n = 1;
        for (int a : axes) {
            n *= dims[a];
        }
        return n;
    }

    /**
     * For each entry of a tensor shaped {@code dims} (row-major), the flat index of the value it
     * is reduced into when {@code axes} are reduced with keepDims.
     */
    static int[] groups(int[] dims, int[] axes) {
        boolean[] gone = mark(dims.length, axes);
        int size = 1;
        for (int d : dims) {
            size *= d;
        }
        // Strides of the reduced (keepDims) output, 0 along a reduced axis.
        int[] stride = new int[dims.length];
        int s = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            stride[i] = gone[i] ? 0 : s;
            s *= gone[i] ? 1 : dims[i];
        }
        int[] out = new int[size];
        int[] idx = new int[dims.length];
        int at = 0;
        for (int k = 0; k < size; k++) {
            out[k] = at;
            for (int i = dims.length - 1; i >= 0; i--) {
                idx[i]++;
                at += stride[i];
                if (idx[i] < dims[i]) {
                    break;
                }
                at -= stride[i] * idx[i];
                idx[i] = 0;
            }
        }
        return out;
    }

    /**
     * The shape two operands broadcast to under NumPy's rule.
     *
     * @throws IllegalArgumentException naming the op, both inputs with their shapes, the axis
     *     that does not fit, and the fix
     */
    static int[] broadcast(String op, String nameA, int[] a, String nameB, int[] b) {
        return broadcast(op, nameA, a, nameB, b, 0);
    }

    /**
     * The shape the leading axes of two operands broadcast to, leaving out the last
     * {@code trailing} axes of each (a matrix product's batch axes: {@code trailing = 2}).
     *
     * @throws IllegalArgumentException naming the op, both inputs with their shapes, the axis
     *     that does not fit (counted from the end of the whole operand), and the fix
     */
    static int[] broadcast(String op, String nameA, int[] a, String nameB, int[] b, int trailing) {
        int ra = a.length - trailing;
        int rb = b.length - trailing;
        int rank = Math.max(ra, rb);
        int[] out = new int[rank];
        for (int i = 1; i <= rank; i++) {
            int da = i <= ra ? a[ra - i] : 1;
            int db = i <= rb ? b[rb - i] : 1;
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException(op + ": " + nameA + " of shape " + Tensor.shape(a) + " and "
                        + nameB + " of shape " + Tensor.shape(b) + " do not broadcast: axis " + -(i + trailing)
                        + " (counted from the end) is " + da + " in " + nameA + " and " + db + " in " + nameB
                        + "; aligned from the last " + (trailing == 0 ? "axis" : "batch axis")
                        + ", each pair of sizes must be equal or one of them 1 (reshape or unsqueeze one"
                        + " operand so its axes line up)");
            }
            out[rank - i] = da == 1 ? db : da;
        }
        return out;
    }

    /**
     * Throws unless every entry of an index tensor is an integer in {@code [0, bound)}.
     *
     * @param what what the indices select, for the message (for example {@code "axis 1 of x
     *     (size 4)"})
     */
    static void requireIndices(String op, String name, Tensor indices, int bound, String what) {
        double[] d = indices.data();
        for (int k = 0; k < d.length; k++) {
            double v = d[k];
            if (v != Math.rint(v) || Double.isInfinite(v)) {
                throw new IllegalArgumentException(op + ": " + name + " " + at(indices, k) + " = " + v
                        + " is not an integer; indices must be whole numbers (round or cast them)");
            }
            if (v < 0 || v >= bound) {
                throw new IllegalArgumentException(op + ": " + name + " " + at(indices, k) + " = " + (long) v
                        + " is out of range for " + what + "; give indices in [0, " + (bound - 1) + "]");
            }
        }
    }

    /** The indices of a rank-1 index tensor as ints (already validated). */
    static int[] ints(Tensor indices) {
        double[] d = indices.data();
        int[] out = new int[d.length];
        for (int k = 0; k < d.length; k++) {
            out[k] = (int) d[k];
        }
        return out;
    }

    /** @return for example {@code [1, 0, 2]}: the multi-index of a flat entry */
    static String at(Tensor t, int flat) {
        return t.rank() == 0 ? "[]" : Arrays.toString(t.unravel(flat));
    }

    private static boolean[] mark(int rank, int[] axes) {
        boolean[] gone = new boolean[rank];
        for (int a : axes) {
            gone[a] = true;
        }
        return gone;
    }
}
