package org.autodifflite.demo;

import java.util.Locale;
import java.util.Objects;
import org.autodifflite.core.ForwardingOp;
import org.autodifflite.core.Op;
import org.autodifflite.core.Tensor;

/**
 * A <b>planted bug</b>, for demonstration only: wraps a correct op and spoils the gradient its
 * backward returns for one input, the way hand-written backward passes go wrong. The forward pass
 * is the wrapped op's, untouched, so the network computes the same cost and only the checker can
 * tell. The seed notebook's two bugs are {@code scale} bugs: layer 2's {@code dW2 × 2} and layer
 * 1's {@code db1 × 4} (it wrote {@code 4./m} for {@code 1./m}).
 */
final class PlantedBug extends ForwardingOp {

    /** What the bug does to the gradient. */
    enum Kind {
        /** multiplies it by a factor (the seed's ×2 and ×4) */
        SCALE,
        /** flips its sign (a minus sign lost in the derivation) */
        SIGN,
        /**
         * swaps rows and columns: a true transpose for a square input; for another shape, the
         * transposed gradient's entries read back in the input's shape (a stride mix-up), since a
         * gradient of the wrong shape would be refused by the graph before any check
         */
        TRANSPOSE;

        /**
         * Parses a kind name as typed on the command line.
         *
         * @param s {@code scale}, {@code sign} or {@code transpose}, any case
         * @return the kind
         * @throws IllegalArgumentException naming the choices
         */
        static Kind parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown bug kind '" + s
                        + "'; choose scale, sign or transpose", e);
            }
        }
    }

    private final int input;
    private final Kind kind;
    private final double factor;

    /**
     * @param inner the correct op
     * @param input which input's gradient to spoil
     * @param kind what to do to it
     * @param factor the factor for {@link Kind#SCALE} (ignored otherwise)
     * @throws IllegalArgumentException if the input index is out of the op's range
     */
    PlantedBug(Op inner, int input, Kind kind, double factor) {
        super(inner);
        this.kind = Objects.requireNonNull(kind, "kind");
        if (input < 0 || (delegate().arity() >= 0 && input >= delegate().arity())) {
            throw new IllegalArgumentException("cannot plant a bug in input " + input + " of "
                    + delegate().name() + ", which takes " + delegate().arity() + " inputs");
        }
        this.input = input;
        this.factor = factor;
    }

    /** @return a description of the bug, for example {@code "W ×2"} */
    String bug() {
        String what = delegate().inputName(input);
        return switch (kind) {
            case SCALE -> what + " ×" + (factor == Math.rint(factor) ? String.valueOf((long) factor) : String.valueOf(factor));
            case SIGN -> what + " sign flipped";
            case TRANSPOSE -> what + " transposed";
        };
    }

    @Override
    public String name() {
        return delegate().name() + " [planted bug: " + bug() + "]";
    }


    @Override
    public Tensor[] backward(Tensor[] inputs, Tensor output, Tensor gradOutput) {
        Tensor[] grads = super.backward(inputs, output, gradOutput).clone();
        Tensor g = grads[input];
        grads[input] = switch (kind) {
            case SCALE -> g.scale(factor);
            case SIGN -> g.scale(-1);
            case TRANSPOSE -> Tensor.wrap(g.rows(), g.cols(), g.transpose().data().clone());
        };
        return grads;
    }



}
