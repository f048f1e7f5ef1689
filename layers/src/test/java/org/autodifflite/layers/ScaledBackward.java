package org.autodifflite.layers;

import org.autodifflite.core.Op;
import org.autodifflite.core.Tensor;

/**
 * A test wrapper that plants a bug in any op: the same forward, but the backward gradient of one
 * input (or of every input) multiplied by a factor — the notebook's kind of mistake.
 */
final class ScaledBackward implements Op {

    /** Pass as {@code input} to scale every input's gradient. */
    static final int ALL = -1;

    private final Op inner;
    private final int input;
    private final double factor;

    ScaledBackward(Op inner, int input, double factor) {
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

    @Override
    public Tensor[] backward(Tensor[] inputs, Tensor output, Tensor gradOutput) {
        Tensor[] g = inner.backward(inputs, output, gradOutput);
        for (int i = 0; i < g.length; i++) {
            if (input == ALL || input == i) {
                g[i] = g[i].scale(factor);
            }
        }
        return g;
    }
}
