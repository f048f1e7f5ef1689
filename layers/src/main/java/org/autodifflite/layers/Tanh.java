package org.autodifflite.layers;

import org.autodifflite.core.Op;
import org.autodifflite.core.Tensor;

/**
 * The hyperbolic tangent {@code A = tanh(Z)}, entry by entry.
 *
 * <p>Backward: {@code ∂L/∂Z = G · (1 − A²)}, from the output.
 */
public final class Tanh implements Op {

    /** Creates the op; it holds no state. */
    public Tanh() {
    }

    @Override
    public String name() {
        return "Tanh";
    }

    @Override
    public int arity() {
        return 1;
    }

    @Override
    public String inputName(int index) {
        return index == 0 ? "Z" : Op.super.inputName(index);
    }

    /**
     * @param inputs {@code Z}, any shape
     * @return {@code tanh(Z)}, shaped like {@code Z}
     * @throws IllegalArgumentException if not exactly one input is given
     */
    @Override
    public Tensor forward(Tensor... inputs) {
        Op.requireInputs(this, inputs);
        return inputs[0].map(Math::tanh);
    }

    /**
     * @return {@code G · (1 − A²)}
     */
    @Override
    public Tensor[] backward(Tensor[] inputs, Tensor output, Tensor gradOutput) {
        return new Tensor[] {gradOutput.zip("Tanh backward", output, (g, a) -> g * (1.0 - a * a))};
    }
}
