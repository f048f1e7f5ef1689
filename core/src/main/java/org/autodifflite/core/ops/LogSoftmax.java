package org.autodifflite.core.ops;

import org.autodifflite.core.Tensor;

/**
 * The log of the softmax along one axis, computed stably:
 * {@code y = (x − m) − ln Σ_axis e^(x − m)} with {@code m} the maximum along the axis. Backward:
 * {@code ∂L/∂x = G − e^y ⊙ Σ_axis G} ({@code e^y} is the softmax).
 */
public final class LogSoftmax extends AxisOp {

    /**
     * @param axis the axis the probabilities sum to 1 along (negative counts from the end)
     */
    public LogSoftmax(int axis) {
        super("LogSoftmax", axis);
    }

    /**
     * @param inputs {@code x}, rank ≥ 1
     * @return the log-softmax, shaped like {@code x}
     * @throws IllegalArgumentException if not one input or the axis is out of range
     */
    @Override
    public Tensor forward(Tensor... inputs) {
        int[] axis = axisOf(inputs);
        Tensor x = inputs[0];
        Tensor shifted = x.subtract(x.max(axis, true));
        return shifted.subtract(shifted.exp().sum(axis, true).log());
    }

    @Override
    public Tensor[] backward(Tensor[] inputs, Tensor output, Tensor gradOutput) {
        int[] axis = axisOf(inputs);
        return new Tensor[] {gradOutput.subtract(output.exp().multiply(gradOutput.sum(axis, true)))};
    }
}
