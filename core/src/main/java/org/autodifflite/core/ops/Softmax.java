package org.autodifflite.core.ops;

import org.autodifflite.core.Tensor;

/**
 * The softmax along one axis, computed stably: {@code y = e^(x − m) / Σ_axis e^(x − m)} with
 * {@code m} the maximum along the axis. Backward: {@code ∂L/∂x = y ⊙ (G − Σ_axis G ⊙ y)}.
 */
public final class Softmax extends AxisOp {

    /**
     * @param axis the axis the probabilities sum to 1 along (negative counts from the end)
     */
    public Softmax(int axis) {
        super("Softmax", axis);
    }

    /**
     * @param inputs {@code x}, rank ≥ 1
     * @return the softmax, shaped like {@code x}
     * @throws IllegalArgumentException if not one input or the axis is out of range
     */
    @Override
    public Tensor forward(Tensor... inputs) {
        int[] axis = axisOf(inputs);
        Tensor x = inputs[0];
        Tensor e = x.subtract(x.max(axis, true)).exp();
        return e.divide(e.sum(axis, true));
    }

    @Override
    public Tensor[] backward(Tensor[] inputs, Tensor output, Tensor gradOutput) {
        int[] axis = axisOf(inputs);
        Tensor dot = gradOutput.multiply(output).sum(axis, true);
        return new Tensor[] {output.multiply(gradOutput.subtract(dot))};
    }
}
