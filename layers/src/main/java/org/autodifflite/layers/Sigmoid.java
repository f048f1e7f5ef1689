package org.autodifflite.layers;

import org.autodifflite.core.Op;
import org.autodifflite.core.Tensor;

/**
 * The logistic function {@code A = 1 / (1 + e^−Z)}, entry by entry.
 *
 * <p>Evaluated without overflow for any finite {@code Z}: for {@code Z < 0} it uses the equal form
 * {@code e^Z / (1 + e^Z)}, so {@code e^x} is only ever taken of {@code x ≤ 0}.
 *
 * <p>Backward: {@code ∂L/∂Z = G · A · (1 − A)}, from the output.
 */
public final class Sigmoid implements Op {

    /** Creates the op; it holds no state. */
    public Sigmoid() {
    }

    @Override
    public String name() {
        return "Sigmoid";
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
     * The logistic function of one number, without overflow.
     *
     * @param z any number
     * @return {@code 1 / (1 + e^−z)}
     */
    static double sigmoid(double z) {
        if (z >= 0) {
            return 1.0 / (1.0 + Math.exp(-z));
        }
        double e = Math.exp(z);
        return e / (1.0 + e);
    }

    /**
     * @param inputs {@code Z}, any shape
     * @return {@code σ(Z)}, shaped like {@code Z}
     * @throws IllegalArgumentException if not exactly one input is given
     */
    @Override
    public Tensor forward(Tensor... inputs) {
        Op.requireInputs(this, inputs);
        return inputs[0].map(Sigmoid::sigmoid);
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
            o[k] = sigmoid(z);
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
            o[k] = sigmoid(z);
        }
        return true;
    }

    /**
     * @return {@code G · A · (1 − A)}
     */
    @Override
    public Tensor[] backward(Tensor[] inputs, Tensor output, Tensor gradOutput) {
        return new Tensor[] {gradOutput.zip("Sigmoid backward", output, (g, a) -> g * a * (1.0 - a))};
    }
}
