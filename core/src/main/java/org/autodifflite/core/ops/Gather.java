package org.autodifflite.core.ops;

import org.autodifflite.core.Op;
import org.autodifflite.core.Tensor;

/**
 * Entries picked along one axis by an index tensor, as {@code torch.gather}: for axis 1 of a
 * rank-3 input, {@code y[i][j][k] = x[i][indices[i][j][k]][k]}; {@code y} has the shape of
 * {@code indices}. Backward: {@code ∂L/∂x} is zeros with each {@code G} entry added where its
 * value was picked (a scatter-add, so an entry picked twice gets both). The indices are data, not
 * differentiable: their gradient is zeros.
 */
public final class Gather implements Op {

    private final int axis;

    /**
     * @param axis the axis the indices select along (negative counts from the end)
     */
    public Gather(int axis) {
        this.axis = axis;
    }

    /** @return the axis as given */
    public int axis() {
        return axis;
    }

    @Override
    public String name() {
        return "Gather";
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
     * @param inputs {@code x} and {@code indices}: of the same rank, {@code indices} no larger
     *     than {@code x} along every other axis, its entries integers in
     *     {@code [0, x.dim(axis))}
     * @return the picked entries, shaped like {@code indices}
     * @throws IllegalArgumentException if not two inputs, the axis is out of range, the ranks or
     *     sizes do not fit, or an index is not an integer or out of range
     */
    @Override
    public Tensor forward(Tensor... inputs) {
        int ax = resolve(inputs);
        return inputs[0].gather(ax, inputs[1]);
    }

    @Override
    public Tensor[] backward(Tensor[] inputs, Tensor output, Tensor gradOutput) {
        int ax = resolve(inputs);
        Tensor x = inputs[0];
        return new Tensor[] {Tensor.zerosLike(x).scatterAdd(ax, inputs[1], gradOutput), Tensor.zerosLike(inputs[1])};
    }

    private int resolve(Tensor[] inputs) {
        Args.inputs(this, inputs);
        Tensor x = inputs[0];
        Tensor idx = inputs[1];
        int ax = Args.axis(name(), axis, "x", x);
        boolean fits = idx.rank() == x.rank();
        for (int d = 0; fits && d < x.rank(); d++) {
            fits = d == ax || idx.dim(d) <= x.dim(d);
        }
        if (!fits) {
            throw new IllegalArgumentException("Gather: indices of shape " + idx.shape() + " do not fit x of shape "
                    + x.shape() + " along axis " + axis + "; indices need the rank of x and at most its size on"
                    + " every axis but " + ax + " (the output takes the shape of indices)");
        }
        Args.requireIndices(name(), "indices", idx, x.dim(ax), "axis " + ax + " of x of shape " + x.shape());
        return ax;
    }
}
