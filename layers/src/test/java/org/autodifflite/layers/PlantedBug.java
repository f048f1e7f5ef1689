package org.autodifflite.layers;

import org.autodifflite.core.ForwardingOp;
import org.autodifflite.core.Op;
import org.autodifflite.core.Tensor;

/**
 * A test op that plants one bug in a real op: the same name, inputs and forward, and a backward
 * written out by hand with the mistake in it (so the bug is a real piece of wrong code, not a
 * post-processing of the right answer, wherever the kind of bug allows it).
 */
final class PlantedBug extends ForwardingOp {

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

    private final Backward backward;

    PlantedBug(Op inner, Backward backward) {
        super(inner);
        this.backward = backward;
    }

    /** @return the real op this bug is planted in */
    Op inner() {
        return delegate();
    }






    @Override
    public Tensor[] backward(Tensor[] inputs, Tensor output, Tensor gradOutput) {
        return backward.apply(inputs, output, gradOutput);
    }
}
