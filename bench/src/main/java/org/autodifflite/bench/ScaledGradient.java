package org.autodifflite.bench;

import org.autodifflite.core.Op;
import org.autodifflite.core.Tensor;

/**
 * A planted bug: another op with the gradient of one input multiplied by a factor, as in the
 * seed notebook ({@code dW2 · 2}, {@code db1} with {@code 4./m}). Benchmarks use it to time how
 * fast the checker finds and describes a wrong backward pass.
 */
public final class ScaledGradient implements Op {

    private final Op inner;
    private final int input;
    private final double factor;

    /**
     * @param inner the correct op
     * @param input the input whose gradient is scaled
     * @param factor the wrong factor
     */
    public ScaledGradient(Op inner, int input, double factor) {
        this.inner = inner;
        this.input = input;
        this.factor = factor;
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public int arity() {
        return inner.arity();
    }

    @Override
    public String inputName(int index) {
        return inner.inputName(index);
    }

    @Override
    public boolean differentiable(int index) {
        return inner.differentiable(index);
    }

    @Override
    public Tensor forward(Tensor... inputs) {
        return inner.forward(inputs);
    }

    /** Delegates, so the wrapped op's allocation-free forward is used (only backward is wrong). */
    @Override
    public void forwardInto(Tensor out, Tensor... inputs) {
        inner.forwardInto(out, inputs);
    }

    /** Delegates, so the wrapped op's incremental forward is used (only backward is wrong). */
    @Override
    public boolean forwardEntriesInto(Tensor out, int input, int from, int to, Tensor... inputs) {
        return inner.forwardEntriesInto(out, input, from, to, inputs);
    }

    @Override
    public Tensor[] backward(Tensor[] inputs, Tensor output, Tensor gradOutput) {
        Tensor[] g = inner.backward(inputs, output, gradOutput);
        g[input] = g[input].scale(factor);
        return g;
    }
}
