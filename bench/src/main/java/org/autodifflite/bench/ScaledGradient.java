package org.autodifflite.bench;

import org.autodifflite.core.ForwardingOp;
import org.autodifflite.core.Op;
import org.autodifflite.core.Tensor;

/**
 * A planted bug: another op with the gradient of one input multiplied by a factor, as in the
 * seed notebook ({@code dW2 · 2}, {@code db1} with {@code 4./m}). Benchmarks use it to time how
 * fast the checker finds and describes a wrong backward pass.
 */
public final class ScaledGradient extends ForwardingOp {

    private final int input;
    private final double factor;

    /**
     * @param inner the correct op
     * @param input the input whose gradient is scaled
     * @param factor the wrong factor
     */
    public ScaledGradient(Op inner, int input, double factor) {
        super(inner);
        this.input = input;
        this.factor = factor;
    }








    @Override
    public Tensor[] backward(Tensor[] inputs, Tensor output, Tensor gradOutput) {
        Tensor[] g = super.backward(inputs, output, gradOutput);
        g[input] = g[input].scale(factor);
        return g;
    }
}
