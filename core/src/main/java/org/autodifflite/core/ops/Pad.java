package org.autodifflite.core.ops;

import java.util.Arrays;
import org.autodifflite.core.Tensor;

/**
 * Padding with a constant: along each axis {@code d}, {@code before[d]} entries of {@code value}
 * ahead of {@code x} and {@code after[d]} behind it. Backward: {@code ∂L/∂x} is the part of
 * {@code G} where {@code x} sits (the padding does not depend on {@code x}).
 */
public final class Pad extends Unary {

    private final int[] before;
    private final int[] after;
    private final double value;

    /**
     * @param before per axis, how many entries go ahead of the input, ≥ 0
     * @param after per axis, how many entries go behind it, ≥ 0
     * @param value the padding value
     * @throws IllegalArgumentException if either array is null, their lengths differ or an entry
     *     is negative
     */
    public Pad(int[] before, int[] after, double value) {
        super("Pad");
        if (before == null || after == null || before.length != after.length) {
            throw new IllegalArgumentException("Pad: before " + Arrays.toString(before) + " and after "
                    + Arrays.toString(after) + " must both be given, one entry per axis of the input");
        }
        for (int d = 0; d < before.length; d++) {
            if (before[d] < 0 || after[d] < 0) {
                throw new IllegalArgumentException("Pad: before " + Arrays.toString(before) + " and after "
                        + Arrays.toString(after) + " have a negative entry at axis " + d
                        + "; padding is ≥ 0 (to cut entries off use Slice)");
            }
        }
        this.before = before.clone();
        this.after = after.clone();
        this.value = value;
    }

    /** @return per axis, the entries ahead of the input */
    public int[] before() {
        return before.clone();
    }

    /** @return per axis, the entries behind the input */
    public int[] after() {
        return after.clone();
    }

    /** @return the padding value */
    public double value() {
        return value;
    }

    /**
     * @param inputs {@code x}, of rank {@code before.length}
     * @return {@code x} padded
     * @throws IllegalArgumentException if not one input or its rank is not the number of padding
     *     entries
     */
    @Override
    public Tensor forward(Tensor... inputs) {
        Args.inputs(this, inputs);
        Tensor x = inputs[0];
        if (x.rank() != before.length) {
            throw new IllegalArgumentException("Pad: x of shape " + x.shape() + " has rank " + x.rank() + " but before "
                    + Arrays.toString(before) + " and after " + Arrays.toString(after) + " pad " + before.length
                    + " axes; give one entry per axis of x");
        }
        return x.pad(before, after, value);
    }

    @Override
    public Tensor[] backward(Tensor[] inputs, Tensor output, Tensor gradOutput) {
        Tensor x = inputs[0];
        Tensor g = gradOutput;
        for (int d = 0; d < before.length; d++) {
            if (before[d] > 0 || after[d] > 0) {
                g = g.slice(d, before[d], before[d] + x.dim(d));
            }
        }
        return new Tensor[] {g == gradOutput ? g.copy() : g};
    }
}
