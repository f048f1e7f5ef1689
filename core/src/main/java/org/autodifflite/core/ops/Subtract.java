package org.autodifflite.core.ops;

import org.autodifflite.core.Tensor;

/**
 * Element-wise difference with NumPy broadcasting: {@code y = a − b}. Backward:
 * {@code ∂L/∂a = G}, {@code ∂L/∂b = −G}, each summed over the axes its input was broadcast along.
 */
public final class Subtract extends Binary {

    /** Creates the op; it holds no state. */
    public Subtract() {
        super("Subtract");
    }

    /**
     * @param inputs {@code a} and {@code b}, shapes that broadcast
     * @return {@code a − b}, shaped like the broadcast of both
     * @throws IllegalArgumentException if not two inputs, or the shapes do not broadcast
     */
    @Override
    public Tensor forward(Tensor... inputs) {
        Tensor[] in = operands(inputs);
        return in[0].subtract(in[1]);
    }

    @Override
    public Tensor[] backward(Tensor[] inputs, Tensor output, Tensor gradOutput) {
        return new Tensor[] {gradOutput.sumTo(inputs[0].dims()), gradOutput.negate().sumTo(inputs[1].dims())};
    }
}
