package org.autodifflite.core.ops;

import org.autodifflite.core.Tensor;

/** What the ops along one axis of one input {@code x} share: the axis, a constant of the op. */
abstract class AxisOp extends Unary {

    private final int axis;

    AxisOp(String name, int axis) {
        super(name);
        this.axis = axis;
    }

    /** @return the axis as given (negative counts from the end) */
    public final int axis() {
        return axis;
    }

    /**
     * Checks the input and resolves the axis against its rank.
     *
     * @return the axis, non-negative, as a one-element array for the reductions
     * @throws IllegalArgumentException if not one input or the axis is out of range
     */
    final int[] axisOf(Tensor[] inputs) {
        Args.inputs(this, inputs);
        return new int[] {Args.axis(name(), axis, "x", inputs[0])};
    }
}
