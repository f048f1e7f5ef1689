package org.autodifflite.check;

import java.util.ArrayList;
import java.util.List;
import org.autodifflite.core.Graph;
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
     * Why a gradient has the wrong shape, when the shapes say (un-reduced, reduced over the wrong
     * axes, transposed): {@link Graph#gradientShapeHint}, the one definition the engine's error
     * uses too.
     *
     * @param grad the dims of the gradient returned
     * @param input the dims of the input it is for
     * @param output the dims of the op's output, or null if not known
     * @param name the input's name, for the text
     * @return a sentence to append to the shape error, or the empty string
     */
    static String gradientShapeHint(int[] grad, int[] input, int[] output, String name) {
        return Graph.gradientShapeHint(grad, input, output, name);
    }

    /**
     * A seeded upstream gradient shaped like {@code like}: standard normal entries in row-major
     * order, the same numbers whatever the rank.
     */
    static Tensor randnLike(Tensor like, long seed) {
        return Tensor.randn(like.dims(), seed);
    }
}
