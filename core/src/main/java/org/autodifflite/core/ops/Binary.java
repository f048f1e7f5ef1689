package org.autodifflite.core.ops;

import org.autodifflite.core.Op;
import org.autodifflite.core.Tensor;

/**
 * What the broadcasting binary ops share: two inputs named {@code a} and {@code b}, and the
 * NumPy broadcasting check with an error that names the op, both shapes and the axis.
 */
abstract class Binary implements Op {

    private final String name;

    Binary(String name) {
        this.name = name;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final int arity() {
        return 2;
    }

    @Override
    public final String inputName(int index) {
        return index == 0 ? "a" : index == 1 ? "b" : Op.super.inputName(index);
    }

    /**
     * Checks the inputs and that they broadcast.
     *
     * @return the two inputs
     * @throws IllegalArgumentException if not two inputs, or their shapes do not broadcast
     */
    final Tensor[] operands(Tensor[] inputs) {
        Args.inputs(this, inputs);
        Args.broadcast(name, "a", inputs[0].dims(), "b", inputs[1].dims());
        return inputs;
    }
}
