package org.autodifflite.core.ops;

import org.autodifflite.core.Tensor;

/**
 * Two axes swapped: {@code y = x} with axes {@code a} and {@code b} exchanged ({@code (0, 1)} on
 * a matrix is its transpose). Backward: {@code ∂L/∂x} is {@code G} with the same two axes swapped
 * back.
 */
public final class Transpose extends Unary {

    private final int a;
    private final int b;

    /**
     * @param a one axis (negative counts from the end)
     * @param b the other axis
     */
    public Transpose(int a, int b) {
        super("Transpose");
        this.a = a;
        this.b = b;
    }

    /**
     * @param inputs {@code x}, with both axes
     * @return {@code x} with the two axes swapped
     * @throws IllegalArgumentException if not one input or an axis is out of range
     */
    @Override
    public Tensor forward(Tensor... inputs) {
        Args.inputs(this, inputs);
        Tensor x = inputs[0];
        return x.transpose(Args.axis(name(), a, "x", x), Args.axis(name(), b, "x", x));
    }

    @Override
    public Tensor[] backward(Tensor[] inputs, Tensor output, Tensor gradOutput) {
        Tensor x = inputs[0];
        return new Tensor[] {gradOutput.transpose(Args.axis(name(), a, "x", x), Args.axis(name(), b, "x", x))};
    }
}
