package org.autodifflite.core.ops;

import org.autodifflite.core.Tensor;

/**
 * Element-wise sum with NumPy broadcasting: {@code y = a + b}. Backward: {@code ∂L/∂a = G} and
 * {@code ∂L/∂b = G}, each summed over the axes its input was broadcast along, so that it is
 * shaped like that input.
 */
public final class Add extends Binary {

    /** Creates the op; it holds no state. */
    public Add() {
        super("Add");
    }

    /**
     * @param inputs {@code a} and {@code b}, shapes that broadcast
     * @return {@code a + b}, shaped like the broadcast of both
     * @throws IllegalArgumentException if not two inputs, or the shapes do not broadcast
     */
    @Override
    public Tensor forward(Tensor... inputs) {
        Tensor[] in = operands(inputs);
        return in[0].add(in[1]);
    }

    @Override
    public Tensor[] backward(Tensor[] inputs, Tensor output, Tensor gradOutput) {
        return new Tensor[] {gradOutput.sumTo(inputs[0].dims()), gradOutput.sumTo(inputs[1].dims())};
    }
}
