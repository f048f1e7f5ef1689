package org.autodifflite.layers;

import org.autodifflite.core.Op;
import org.autodifflite.core.Tensor;

/**
 * The leaky rectifier {@code A = Z} where {@code Z > 0} and {@code slope·Z} elsewhere.
 *
 * <p>Backward: {@code ∂L/∂Z = G} where {@code Z > 0} and {@code slope·G} elsewhere. The slope is
 * a constant of the op, not state: the op still computes a pure function.
 */
public final class LeakyReLU implements Op {

    private final double slope;

    /**
     * Creates the op.
     *
     * @param slope the factor applied to non-positive inputs, finite (typically 0.01)
     * @throws IllegalArgumentException if the slope is not finite
     */
    public LeakyReLU(double slope) {
        if (!Double.isFinite(slope)) {
            throw new IllegalArgumentException("LeakyReLU: slope must be finite, got " + slope);
        }
        this.slope = slope;
    }

    /** @return the factor applied to non-positive inputs */
    public double slope() {
        return slope;
    }

    @Override
    public String name() {
        return "LeakyReLU";
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
     * @return {@code Z > 0 ? Z : slope·Z}, entry by entry
     * @throws IllegalArgumentException if not exactly one input is given
     */
    @Override
    public Tensor forward(Tensor... inputs) {
        Op.requireInputs(this, inputs);
        return inputs[0].map(z -> z > 0 ? z : slope * z);
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
            o[k] = z > 0 ? z : slope * z;
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
            o[k] = z > 0 ? z : slope * z;
        }
        return true;
    }

    /**
     * @return {@code G} where {@code Z > 0}, {@code slope·G} elsewhere
     */
    @Override
    public Tensor[] backward(Tensor[] inputs, Tensor output, Tensor gradOutput) {
        return new Tensor[] {gradOutput.zip("LeakyReLU backward", inputs[0], (g, z) -> z > 0 ? g : slope * g)};
    }
}
