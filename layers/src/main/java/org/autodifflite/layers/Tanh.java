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
     * Computes the same values as {@link #forward} into {@code out}, allocating nothing.
     *
     * @param out a buffer shaped like {@code Z}
     * @param inputs {@code Z}
     * @throws IllegalArgumentException if not exactly one input is given or {@code out} is not
     *     shaped like it
     */
    @Override
    public void forwardInto(Tensor out, Tensor... inputs) {
        Op.requireInputs(this, inputs);
        OpChecks.requireOutput(name(), out, inputs[0]);
        double[] zs = inputs[0].data();
        double[] o = out.data();
        for (int k = 0; k < zs.length; k++) {
            double z = zs[k];
            o[k] = Math.tanh(z);
        }
    }

    /**
     * Entry by entry, so changed entries of {@code Z} change only the same entries of the output.
     *
     * @param out the output for inputs that differ at most in those entries
     * @param input 0
     * @param from the first changed entry
     * @param to one past the last changed entry
     * @param inputs {@code Z}
     * @return {@code true}
     * @throws IllegalArgumentException if not exactly one input is given, {@code out} is not
     *     shaped like it, or the range does not exist
     */
    @Override
    public boolean forwardEntriesInto(Tensor out, int input, int from, int to, Tensor... inputs) {
        Op.requireInputs(this, inputs);
        OpChecks.requireOutput(name(), out, inputs[0]);
        OpChecks.requireRange(name(), inputs, input, from, to);
        double[] zs = inputs[0].data();
        double[] o = out.data();
        for (int k = from; k < to; k++) {
            double z = zs[k];
            o[k] = Math.tanh(z);
        }
        return true;
    }

    /**
     * @return {@code G · (1 − A²)}
     */
    @Override
    public Tensor[] backward(Tensor[] inputs, Tensor output, Tensor gradOutput) {
        return new Tensor[] {gradOutput.zip("Tanh backward", output, (g, a) -> g * (1.0 - a * a))};
    }
}
