package org.autodifflite.core.ops;

import org.autodifflite.core.Tensor;

/**
 * Element-wise minimum with NumPy broadcasting: {@code y = min(a, b)}. Backward: {@code G} goes
 * to whichever input is smaller, {@code ∂L/∂a = G·[a ≤ b]} and {@code ∂L/∂b = G·[a > b]}, each
 * summed over the axes its input was broadcast along. A tie ({@code a = b}) sends the whole
 * gradient to the first input, {@code a}: the function has a kink there, which the gradient
 * checker reports as skipped.
 */
public final class Minimum extends Binary {

    /** Creates the op; it holds no state. */
    public Minimum() {
        super("Minimum");
    }

    /**
     * @param inputs {@code a} and {@code b}, shapes that broadcast
     * @return {@code min(a, b)}, shaped like the broadcast of both
     * @throws IllegalArgumentException if not two inputs, or the shapes do not broadcast
     */
    @Override
    public Tensor forward(Tensor... inputs) {
        Tensor[] in = operands(inputs);
        return in[0].minimum(in[1]);
    }

    @Override
    public Tensor[] backward(Tensor[] inputs, Tensor output, Tensor gradOutput) {
        Tensor a = inputs[0];
        Tensor b = inputs[1];
        Tensor toA = a.zip("Minimum backward", b, (x, y) -> x <= y ? 1 : 0);
        return new Tensor[] {Where.select(toA, gradOutput, true).sumTo(a.dims()),
            Where.select(toA, gradOutput, false).sumTo(b.dims())};
    }
}
