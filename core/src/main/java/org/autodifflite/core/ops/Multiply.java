package org.autodifflite.core.ops;

import org.autodifflite.core.Tensor;

/**
 * Element-wise product with NumPy broadcasting: {@code y = a ⊙ b}. Backward:
 * {@code ∂L/∂a = G ⊙ b}, {@code ∂L/∂b = G ⊙ a}, each summed over the axes its input was
 * broadcast along.
 */
public final class Multiply extends Binary {

    /** Creates the op; it holds no state. */
    public Multiply() {
        super("Multiply");
    }

    /**
     * @param inputs {@code a} and {@code b}, shapes that broadcast
     * @return {@code a ⊙ b}, shaped like the broadcast of both
     * @throws IllegalArgumentException if not two inputs, or the shapes do not broadcast
     */
    @Override
    public Tensor forward(Tensor... inputs) {
        Tensor[] in = operands(inputs);
        return in[0].multiply(in[1]);
    }

    @Override
    public Tensor[] backward(Tensor[] inputs, Tensor output, Tensor gradOutput) {
        Tensor a = inputs[0];
        Tensor b = inputs[1];
        return new Tensor[] {gradOutput.multiply(b).sumTo(a.dims()), gradOutput.multiply(a).sumTo(b.dims())};
    }
}
