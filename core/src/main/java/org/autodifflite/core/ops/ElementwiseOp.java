package org.autodifflite.core.ops;

import org.autodifflite.core.FastForward;
import org.autodifflite.core.Op;
import org.autodifflite.core.Tensor;

/**
 * An element-wise function of one tensor, written once as a formula: its {@link #value} and its
 * {@link #derivative}. This base supplies the rest — forward, the checker's allocation-free and
 * incremental forwards ({@link FastForward}), and the backward {@code ∂L/∂x = G · f'(x)} — so an
 * activation reads like maths:
 *
 * <pre>{@code
 * public final class ReLU extends ElementwiseOp {
 *     public ReLU() { super("ReLU", "Z"); }
 *     protected double value(double z) { return z > 0 ? z : 0.0; }
 *     protected double derivative(double z, double a) { return z > 0 ? 1.0 : 0.0; }
 * }
 * }</pre>
 *
 * <p>The output has the input's shape, any rank.
 */
public abstract class ElementwiseOp implements FastForward {

    private final String name;
    private final String inputName;

    /**
     * @param name the op's name for reports, for example {@code "ReLU"}
     * @param inputName its input's name for reports, for example {@code "Z"}
     */
    protected ElementwiseOp(String name, String inputName) {
        this.name = name;
        this.inputName = inputName;
    }

    /**
     * The function at one entry.
     *
     * @param x the input entry
     * @return {@code f(x)}
     */
    protected abstract double value(double x);

    /**
     * The derivative at one entry.
     *
     * @param x the input entry
     * @param y {@code f(x)}, already computed (sigmoid and tanh are cheapest from it)
     * @return {@code f'(x)}
     */
    protected abstract double derivative(double x, double y);

    /**
     * One entry of the backward pass, {@code g · f'(x)}. Override only to fix the order of the
     * floating-point operations (a result that must match an earlier one bit for bit).
     *
     * @param g the upstream gradient at this entry
     * @param x the input entry
     * @param y {@code f(x)}
     * @return {@code ∂L/∂x} at this entry
     */
    protected double gradient(double g, double x, double y) {
        return g * derivative(x, y);
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final int arity() {
        return 1;
    }

    @Override
    public final String inputName(int index) {
        return index == 0 ? inputName : FastForward.super.inputName(index);
    }

    /**
     * @param inputs one tensor, any shape
     * @return {@code f} of every entry, shaped like the input
     * @throws IllegalArgumentException if not exactly one input is given
     */
    @Override
    public final Tensor forward(Tensor... inputs) {
        Op.requireInputs(this, inputs);
        Tensor out = Tensor.zerosLike(inputs[0]);
        apply(inputs[0].data(), out.data(), 0, out.size());
        return out;
    }

    /**
     * @param out a buffer shaped like the input, not the input itself
     * @param inputs one tensor
     * @throws IllegalArgumentException if not exactly one input is given or {@code out} is not
     *     shaped like it
     */
    @Override
    public final void forwardInto(Tensor out, Tensor... inputs) {
        requireBuffer(out, inputs);
        apply(inputs[0].data(), out.data(), 0, out.size());
    }

    /**
     * Entry by entry: changed entries of the input change only the same entries of the output.
     *
     * @return {@code true}
     * @throws IllegalArgumentException if the buffer or the range is wrong
     */
    @Override
    public final boolean forwardEntriesInto(Tensor out, int input, int from, int to, Tensor... inputs) {
        requireBuffer(out, inputs);
        if (input != 0 || from < 0 || from > to || to > inputs[0].size()) {
            throw new IllegalArgumentException(name + ": no entries [" + from + ", " + to + ") in input "
                    + input + "; it has one input of " + inputs[0].size() + " entries");
        }
        apply(inputs[0].data(), out.data(), from, to);
        return true;
    }

    /**
     * @return {@code G · f'(x)} entry by entry
     */
    @Override
    public final Tensor[] backward(Tensor[] inputs, Tensor output, Tensor gradOutput) {
        Tensor.requireSameShape(name + " backward: gradient and output", gradOutput, output);
        Tensor dx = Tensor.zerosLike(gradOutput);
        double[] g = gradOutput.data();
        double[] x = inputs[0].data();
        double[] y = output.data();
        double[] d = dx.data();
        for (int k = 0; k < d.length; k++) {
            d[k] = gradient(g[k], x[k], y[k]);
        }
        return new Tensor[] {dx};
    }

    private void apply(double[] x, double[] y, int from, int to) {
        for (int k = from; k < to; k++) {
            y[k] = value(x[k]);
        }
    }

    private void requireBuffer(Tensor out, Tensor[] inputs) {
        Op.requireInputs(this, inputs);
        if (!out.sameShape(inputs[0])) {
            throw new IllegalArgumentException(name + ": the output buffer is " + out.shape()
                    + " but the output is " + inputs[0].shape() + "; pass a buffer shaped like the output");
        }
        if (out.data() == inputs[0].data()) {
            throw new IllegalArgumentException(name + ": the output buffer is the input itself; pass a separate tensor");
        }
    }
}
