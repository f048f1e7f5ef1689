package org.autodifflite.core.ops;

import org.autodifflite.core.Tensor;

/**
 * Element-wise quotient with NumPy broadcasting: {@code y = a / b}. Backward:
 * {@code ∂L/∂a = G / b}, {@code ∂L/∂b = −G ⊙ y / b} ({@code = −G·a/b²}), each summed over the
 * axes its input was broadcast along. Where {@code b} is 0 the values are infinite or NaN, as
 * IEEE division gives them.
 */
public final class Divide extends Binary {

    /** Creates the op; it holds no state. */
    public Divide() {
        super("Divide");
    }

    /**
     * @param inputs {@code a} and {@code b}, shapes that broadcast
     * @return {@code a / b}, shaped like the broadcast of both
     * @throws IllegalArgumentException if not two inputs, or the shapes do not broadcast
     */
    @Override
    public Tensor forward(Tensor... inputs) {
        Tensor[] in = operands(inputs);
        return in[0].divide(in[1]);
    }

    @Override
    public Tensor[] backward(Tensor[] inputs, Tensor output, Tensor gradOutput) {
        Tensor b = inputs[1];
        return new Tensor[] {gradOutput.divide(b).sumTo(inputs[0].dims()),
            gradOutput.multiply(output).divide(b).negate().sumTo(b.dims())};
    }
}
