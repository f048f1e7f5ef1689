package org.autodifflite.core.ops;

import org.autodifflite.core.Tensor;

/**
 * A range along one axis: {@code y = x[…, start:end, …]}. Backward: {@code ∂L/∂x} is {@code G}
 * padded with zeros back to the input's length along that axis (the entries left out get no
 * gradient).
 */
public final class Slice extends AxisOp {

    private final int start;
    private final int end;

    /**
     * @param axis the axis to slice (negative counts from the end)
     * @param start the first index kept, ≥ 0
     * @param end one past the last index kept, ≥ {@code start}
     * @throws IllegalArgumentException if {@code start < 0} or {@code end < start}
     */
    public Slice(int axis, int start, int end) {
        super("Slice", axis);
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("Slice: [" + start + ", " + end + ") along axis " + axis
                    + " is not a range; give 0 ≤ start ≤ end");
        }
        this.start = start;
        this.end = end;
    }

    /** @return the first index kept */
    public int start() {
        return start;
    }

    /** @return one past the last index kept */
    public int end() {
        return end;
    }

    /**
     * @param inputs {@code x}, with at least {@code end} entries along the axis
     * @return the entries {@code start … end−1} along the axis, all of the other axes
     * @throws IllegalArgumentException if not one input, the axis is out of range or {@code end}
     *     is past the axis's length
     */
    @Override
    public Tensor forward(Tensor... inputs) {
        int ax = axisOf(inputs)[0];
        Tensor x = inputs[0];
        if (end > x.dim(ax)) {
            throw new IllegalArgumentException("Slice: [" + start + ", " + end + ") along axis " + axis()
                    + " is out of range for x of shape " + x.shape() + " (axis " + ax + " has " + x.dim(ax)
                    + " entries); give 0 ≤ start ≤ end ≤ " + x.dim(ax));
        }
        return x.slice(ax, start, end);
    }

    @Override
    public Tensor[] backward(Tensor[] inputs, Tensor output, Tensor gradOutput) {
        int ax = axisOf(inputs)[0];
        int[] before = new int[gradOutput.rank()];
        int[] after = new int[gradOutput.rank()];
        before[ax] = start;
        after[ax] = inputs[0].dim(ax) - end;
        return new Tensor[] {gradOutput.pad(before, after, 0.0)};
    }
}
