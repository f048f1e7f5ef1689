package org.autodifflite.layers.ops;

import java.util.Arrays;
import org.autodifflite.core.Op;
import org.autodifflite.core.Tensor;

/**
 * An embedding lookup: row {@code indices[…]} of a table, for every index.
 *
 * <p>Inputs: {@code indices}, a tensor of any shape whose entries are whole numbers in
 * {@code [0, V)} stored as doubles (token ids, for example batch×L), and {@code table} (V×D, one
 * row per id). Output: {@code indices.dims + [D]}, with
 * {@code out[i…, :] = table[indices[i…], :]}.
 *
 * <p>Backward: {@code ∂L/∂table[v, :] = Σ_{i… : indices[i…] = v} G[i…, :]} — an index that occurs
 * several times receives the <em>sum</em> of its rows of {@code G}, and a row never looked up
 * gets zero. The indices are data, not differentiable ({@link #differentiable}{@code (0)} is
 * false; their gradient is returned as zeros).
 */
public final class Embedding implements Op {

    /** Creates the op; it holds no state (the table is an input). */
    public Embedding() {
    }

    @Override
    public String name() {
        return "Embedding";
    }

    @Override
    public int arity() {
        return 2;
    }

    @Override
    public String inputName(int index) {
        return switch (index) {
            case 0 -> "indices";
            case 1 -> "table";
            default -> Op.super.inputName(index);
        };
    }

    /** @return false for the indices, true for the table */
    @Override
    public boolean differentiable(int index) {
        return index == 1;
    }

    /**
     * @param inputs {@code indices} (any shape, whole numbers in [0, V)) and {@code table} (V×D)
     * @return the looked-up rows, {@code indices.dims + [D]}
     * @throws IllegalArgumentException if the number of inputs is wrong, the table is not 2-D, or
     *     an index is not a whole number or out of range (the message names its position, its
     *     value and the valid range)
     */
    @Override
    public Tensor forward(Tensor... inputs) {
        int[] rows = requireInputs(inputs);
        Tensor table = inputs[1];
        int d = table.dim(1);
        double[] t = table.data();
        double[] out = new double[rows.length * d];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(t, rows[i] * d, out, i * d, d);
        }
        return Tensor.wrap(outputDims(inputs[0], d), out);
    }

    /**
     * @param inputs the values {@link #forward} was called with
     * @param output its result
     * @param gradOutput {@code G}, shaped like the output
     * @return zeros for the indices, and for the table the rows of {@code G} added up by index
     */
    @Override
    public Tensor[] backward(Tensor[] inputs, Tensor output, Tensor gradOutput) {
        int[] rows = requireInputs(inputs);
        Tensor table = inputs[1];
        int d = table.dim(1);
        if (!Arrays.equals(gradOutput.dims(), outputDims(inputs[0], d))) {
            throw new IllegalArgumentException("Embedding backward: the gradient is " + gradOutput.shape()
                    + " but the output is " + Tensor.shape(outputDims(inputs[0], d)));
        }
        double[] g = gradOutput.data();
        double[] dt = new double[table.size()];
        for (int i = 0; i < rows.length; i++) {
            // += : a repeated index collects every occurrence's gradient.
            for (int j = 0, to = rows[i] * d, from = i * d; j < d; j++) {
                dt[to + j] += g[from + j];
            }
        }
        return new Tensor[] {Tensor.zerosLike(inputs[0]), Tensor.wrap(table.dims(), dt)};
    }

    private static int[] outputDims(Tensor indices, int d) {
        int[] in = indices.dims();
        int[] out = Arrays.copyOf(in, in.length + 1);
        out[in.length] = d;
        return out;
    }

    /** Validates the inputs; returns the indices as table rows, row-major. */
    private int[] requireInputs(Tensor[] inputs) {
        Op.requireInputs(this, inputs);
        Tensor indices = inputs[0];
        Tensor table = inputs[1];
        if (table.rank() != 2) {
            throw new IllegalArgumentException("Embedding: table is " + table.shape() + " (rank " + table.rank()
                    + "); the table must be V×D, one row of D values per index in [0, V)");
        }
        int v = table.dim(0);
        double[] idx = indices.data();
        int[] rows = new int[idx.length];
        for (int k = 0; k < idx.length; k++) {
            double value = idx[k];
            if (value != Math.rint(value) || Double.isInfinite(value)) {
                throw new IllegalArgumentException("Embedding: indices" + Arrays.toString(indices.unravel(k)) + " = "
                        + value + " is not a whole number; indices must be whole numbers in [0, " + v
                        + ") (" + range(v) + ", the rows of the " + table.shape() + " table)");
            }
            if (value < 0 || value >= v) {
                throw new IllegalArgumentException("Embedding: indices" + Arrays.toString(indices.unravel(k)) + " = "
                        + value + " is out of range; indices must be whole numbers in [0, " + v + ") (" + range(v)
                        + ", the rows of the " + table.shape() + " table)");
            }
            rows[k] = (int) value;
        }
        return rows;
    }

    private static String range(int v) {
        return v == 0 ? "the table has no rows" : "0 … " + (v - 1);
    }
}
