package org.autodifflite.layers;

import org.autodifflite.core.Op;
import org.autodifflite.core.Tensor;

/**
 * A test op that plants one bug in a real op: the same name, inputs and forward, and a backward
 * written out by hand with the mistake in it (so the bug is a real piece of wrong code, not a
 * post-processing of the right answer, wherever the kind of bug allows it).
 */
final class PlantedBug implements Op {

    /** A hand-written (wrong) backward. */
    @FunctionalInterface
    interface Backward {
        /**
         * @param x the op's inputs
         * @param y the op's output
         * @param g the upstream gradient
         * @return one gradient per input
         */
        Tensor[] apply(Tensor[] x, Tensor y, Tensor g);
    }

    private final Op inner;
    private final Backward backward;

    PlantedBug(Op inner, Backward backward) {
        this.inner = inner;
        this.backward = backward;
    }

    /** @return the real op this bug is planted in */
    Op inner() {
        return inner;
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
        return backward.apply(inputs, output, gradOutput);
    }
}
