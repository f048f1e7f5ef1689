package org.autodifflite.layers.ops;

import org.apache.commons.math3.random.RandomGenerator;
import org.autodifflite.core.Op;
import org.autodifflite.core.OpChecks;
import org.autodifflite.core.Tensor;

/**
 * Inverted dropout as a pure function of its input and a mask: {@code A = X ⊙ mask}.
 *
 * <p>The random mask is not drawn inside the op — that would make the op impure and impossible to
 * check — but is a leaf of the graph, drawn beforehand with {@link #mask}: every entry is 0
 * (dropped) or {@code 1/keep} (kept and rescaled, so the expected output equals the input). With
 * the mask fixed, the op is linear in {@code X}, and the gradient checker can check a graph with
 * dropout like any other.
 *
 * <p>Backward: {@code ∂L/∂X = G ⊙ mask}. The mask is not differentiable: its gradient is returned
 * as zeros.
 */
public final class Dropout implements Op {

    /** Creates the op; it holds no state (the mask is an input). */
    public Dropout() {
    }

    /**
     * Draws a dropout mask: each entry independently {@code 1/keep} with probability {@code keep},
     * else 0.
     *
     * @param rows number of rows (features)
     * @param cols number of columns (samples)
     * @param keep the probability of keeping a unit, in (0, 1]
     * @param rng the seeded generator to draw from; advanced by {@code rows·cols} draws
     * @return a new mask
     * @throws IllegalArgumentException if {@code keep} is not in (0, 1]
     */
    public static Tensor mask(int rows, int cols, double keep, RandomGenerator rng) {
        requireKeep(keep);
        Tensor m = Tensor.zeros(rows, cols);
        double[] d = m.data();
        double kept = 1.0 / keep;
        for (int i = 0; i < d.length; i++) {
            d[i] = rng.nextDouble() < keep ? kept : 0.0;
        }
        return m;
    }

    /**
     * Throws unless a keep probability is in (0, 1].
     *
     * @param keep the probability of keeping a unit
     * @throws IllegalArgumentException if it is not in (0, 1]
     */
    public static void requireKeep(double keep) {
        if (!(keep > 0.0 && keep <= 1.0)) {
            throw new IllegalArgumentException("Dropout: keep probability must be in (0, 1], got " + keep
                    + " (keep = 1 − drop rate)");
        }
    }

    @Override
    public String name() {
        return "Dropout";
    }

    @Override
    public int arity() {
        return 2;
    }

    @Override
    public String inputName(int index) {
        return switch (index) {
            case 0 -> "X";
            case 1 -> "mask";
            default -> Op.super.inputName(index);
        };
    }

    @Override
    public boolean differentiable(int index) {
        return index == 0;
    }

    /**
     * @param inputs {@code X} and {@code mask}, the same shape; mask entries finite and ≥ 0
     * @return {@code X ⊙ mask}
     * @throws IllegalArgumentException if the shapes differ or a mask entry is negative or not
     *     finite
     */
    @Override
    public Tensor forward(Tensor... inputs) {
        Op.requireInputs(this, inputs);
        Tensor x = inputs[0];
        Tensor mask = inputs[1];
        OpChecks.requireSameShape(name(), "X", x, "mask", mask);
        double[] d = mask.data();
        for (int i = 0; i < d.length; i++) {
            if (!(d[i] >= 0.0) || d[i] == Double.POSITIVE_INFINITY) {
                throw new IllegalArgumentException(name() + ": " + OpChecks.entry("mask", mask, i)
                        + " = " + d[i] + "; mask entries must be 0 or 1/keep (draw them with Dropout.mask)");
            }
        }
        return x.multiply(mask);
    }

    /**
     * @return {@code G ⊙ mask} for {@code X}, and zeros for the mask
     */
    @Override
    public Tensor[] backward(Tensor[] inputs, Tensor output, Tensor gradOutput) {
        return new Tensor[] {gradOutput.multiply(inputs[1]), Tensor.zerosLike(inputs[1])};
    }
}
