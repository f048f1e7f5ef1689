package org.autodifflite.layers;

import org.autodifflite.core.ForwardingOp;
import org.autodifflite.core.Op;
import org.autodifflite.core.Tensor;

/**
 * A test wrapper that plants a bug in any op: the same forward, but the backward gradient of one
 * input (or of every input) multiplied by a factor — the notebook's kind of mistake.
 */
final class ScaledBackward extends ForwardingOp {

    /** Pass as {@code input} to scale every input's gradient. */
    static final int ALL = -1;

    private final int input;
    private final double factor;

    ScaledBackward(Op inner, int input, double factor) {
        super(inner);
        this.input = input;
        this.factor = factor;
    }






    @Override
    public Tensor[] backward(Tensor[] inputs, Tensor output, Tensor gradOutput) {
        Tensor[] g = super.backward(inputs, output, gradOutput);
        for (int i = 0; i < g.length; i++) {
            if (input == ALL || input == i) {
                g[i] = g[i].scale(factor);
            }
        }
        return g;
    }
}
