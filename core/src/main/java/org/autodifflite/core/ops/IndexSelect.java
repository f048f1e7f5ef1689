package org.autodifflite.core.ops;

import org.autodifflite.core.Op;
import org.autodifflite.core.Tensor;

/**
 * Whole slices picked along one axis by a list of indices, as {@code torch.index_select}:
 * {@code y = x} with axis {@code axis} replaced by {@code x[…, indices[j], …]} for each
 * {@code j}. An embedding lookup is {@code IndexSelect(0)} of a {@code vocabulary×width} table.
 * Backward: {@code ∂L/∂x} is zeros with each slice of {@code G} added back at its index, so an
 * index that occurs several times accumulates all of its gradients. The indices are data, not
 * differentiable: their gradient is zeros.
 */
public final class IndexSelect implements Op {

    private final int axis;

    /**
     * @param axis the axis to select along (negative counts from the end)
     */
    public IndexSelect(int axis) {
        this.axis = axis;
    }

    /** @return the axis as given */
    public int axis() {
        return axis;
    }

    @Override
    public String name() {
        return "IndexSelect";
    }

    @Override
    public int arity() {
        return 2;
    }

    @Override
    public String inputName(int index) {
        return index == 0 ? "x" : index == 1 ? "indices" : Op.super.inputName(index);
    }

    /** @return {@code true} for {@code x}, {@code false} for the indices */
    @Override
    public boolean differentiable(int index) {
        return index == 0;
    }

    /**
     * @param inputs {@code x} (rank ≥ 1) and {@code indices}, a rank-1 tensor of integers in
     *     {@code [0, x.dim(axis))}
     * @return the selected slices: {@code x}'s shape with the axis's length replaced by the
     *     number of indices
     * @throws IllegalArgumentException if not two inputs, the axis is out of range, the indices
     *     are not rank 1, or an index is not an integer or out of range
     */
    @Override
    public Tensor forward(Tensor... inputs) {
        int ax = resolve(inputs);
        return inputs[0].indexSelect(ax, Args.ints(inputs[1]));
    }

    @Override
    public Tensor[] backward(Tensor[] inputs, Tensor output, Tensor gradOutput) {
        int ax = resolve(inputs);
        Tensor x = inputs[0];
        return new Tensor[] {Tensor.zerosLike(x).indexAdd(ax, Args.ints(inputs[1]), gradOutput),
            Tensor.zerosLike(inputs[1])};
    }

    private int resolve(Tensor[] inputs) {
        Args.inputs(this, inputs);
        Tensor x = inputs[0];
        Tensor idx = inputs[1];
        int ax = Args.axis(name(), axis, "x", x);
        if (idx.rank() != 1) {
            throw new IllegalArgumentException("IndexSelect: indices of shape " + idx.shape() + " have rank "
                    + idx.rank() + "; give a rank-1 tensor of indices (reshape to (-1) to flatten them)");
        }
        Args.requireIndices(name(), "indices", idx, x.dim(ax), "axis " + ax + " of x of shape " + x.shape());
        return ax;
    }
}
