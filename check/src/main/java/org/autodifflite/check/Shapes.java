package org.autodifflite.check;

import java.util.ArrayList;
import java.util.List;
import org.autodifflite.core.Tensor;

/**
 * Shapes as {@code int[]} dims and entry positions as index tuples, written for tensors of any
 * rank: the checker names entries and shapes through this class only, so that it works the same
 * for today's matrices and for N-dimensional tensors. {@link #dims(Tensor)} is the one place that
 * reads a tensor's shape.
 */
final class Shapes {

    private Shapes() {
    }

    /**
     * @param t a tensor
     * @return its dims, outermost first (row-major)
     */
    static int[] dims(Tensor t) {
        return t.dims();
    }

    /**
     * @param flat a row-major flat index
     * @param dims the dims
     * @return the index tuple of that entry
     */
    static int[] unravel(int flat, int[] dims) {
        int[] at = new int[dims.length];
        int rest = flat;
        for (int a = dims.length - 1; a >= 0; a--) {
            int d = Math.max(1, dims[a]);
            at[a] = rest % d;
            rest /= d;
        }
        return at;
    }

    /**
     * @param flat a row-major flat index
     * @param dims the dims
     * @return the index tuple as a list
     */
    static List<Integer> indexList(int flat, int[] dims) {
        List<Integer> out = new ArrayList<>(dims.length);
        for (int v : unravel(flat, dims)) {
            out.add(v);
        }
        return List.copyOf(out);
    }

    /**
     * @param flat a row-major flat index
     * @param dims the dims
     * @return the entry's position as text: {@code (0, 2)} for a matrix, {@code (1, 0, 2)} for
     *     rank 3, {@code (5)} for rank 1, {@code ()} for rank 0
     */
    static String index(int flat, int[] dims) {
        return tuple(unravel(flat, dims));
    }

    /**
     * @param at an index tuple
     * @return it as text, for example {@code (0, 2)}
     */
    static String tuple(int[] at) {
        StringBuilder sb = new StringBuilder("(");
        for (int a = 0; a < at.length; a++) {
            sb.append(a == 0 ? "" : ", ").append(at[a]);
        }
        return sb.append(')').toString();
    }

    /**
     * @param dims the dims
     * @return the shape as text, as {@link Tensor#shape(int...)} writes it
     */
    static String shape(int[] dims) {
        return Tensor.shape(dims);
    }

    /** @return the number of entries of a shape */
    static long size(int[] dims) {
        long n = 1;
        for (int d : dims) {
            n *= d;
        }
        return n;
    }

    /**
     * The axes of {@code to} over which a tensor of shape {@code to} must be summed to get shape
     * {@code from}, when {@code from} broadcasts to {@code to} under NumPy's rules (aligned on the
     * right; a missing or size-1 axis of {@code from} is stretched), else null.
     *
     * @param from the smaller shape
     * @param to the broadcast shape
     * @return the axes of {@code to} to sum over (empty when the shapes are equal), or null
     */
    static int[] broadcastAxes(int[] from, int[] to) {
        if (from.length > to.length) {
            // Leading size-1 axes of `from` may be dropped (NumPy keeps them only as 1s).
            for (int a = 0; a < from.length - to.length; a++) {
                if (from[a] != 1) {
                    return null;
                }
            }
            int[] trimmed = new int[to.length];
            System.arraycopy(from, from.length - to.length, trimmed, 0, to.length);
            from = trimmed;
        }
        int lead = to.length - from.length;
        List<Integer> axes = new ArrayList<>();
        for (int a = 0; a < to.length; a++) {
            if (a < lead) {
                axes.add(a);
                continue;
            }
            int f = from[a - lead];
            if (f == to[a]) {
                continue;
            }
            if (f != 1) {
                return null;
            }
            axes.add(a);
        }
        return axes.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * Why a gradient has the wrong shape, when the shapes say: a gradient left at the output's
     * (broadcast) shape instead of being summed down to its input's shape, one summed over the
     * wrong axes, or one transposed.
     *
     * @param grad the dims of the gradient returned
     * @param input the dims of the input it is for
     * @param output the dims of the op's output, or null if not known
     * @param name the input's name, for the text
     * @return a sentence to append to the shape error (starting with "; "), or the empty string
     */
    static String gradientShapeHint(int[] grad, int[] input, int[] output, String name) {
        int[] need = broadcastAxes(input, grad);
        if (need != null && need.length > 0) {
            String whose = output != null && java.util.Arrays.equals(grad, output) ? "the output's shape "
                    : "the broadcast shape ";
            return "; it looks un-reduced: it has " + whose + shape(grad) + ", and " + name + " ("
                    + shape(input) + ") is broadcast along " + axes(need) + " of it; sum the gradient over "
                    + axes(need) + " down to " + shape(input) + " (Tensor.sumTo(" + shape(input) + "))";
        }
        if (output != null) {
            int[] wanted = broadcastAxes(input, output);
            int[] done = broadcastAxes(grad, output);
            if (wanted != null && done != null && wanted.length > 0 && !java.util.Arrays.equals(wanted, done)) {
                return "; it looks reduced over the wrong axes: " + name + " (" + shape(input)
                        + ") is broadcast along " + axes(wanted) + " of the output " + shape(output)
                        + ", so sum the upstream gradient over " + axes(wanted) + " (Tensor.sumTo("
                        + shape(input) + ")), not over " + axes(done);
            }
        }
        if (grad.length == input.length && grad.length >= 2) {
            int r = grad.length;
            boolean swapped = grad[r - 1] == input[r - 2] && grad[r - 2] == input[r - 1];
            for (int a = 0; a < r - 2; a++) {
                swapped &= grad[a] == input[a];
            }
            if (swapped) {
                return " (it looks transposed)";
            }
        }
        return "";
    }

    /** @return for example {@code axis 1} or {@code axes 0 and 2} */
    static String axes(int[] axes) {
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
     * A seeded upstream gradient shaped like {@code like}: standard normal entries in row-major
     * order, the same numbers whatever the rank.
     */
    static Tensor randnLike(Tensor like, long seed) {
        return Tensor.randn(like.dims(), seed);
    }
}
