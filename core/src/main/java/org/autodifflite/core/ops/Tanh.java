package org.autodifflite.core.ops;

/** The hyperbolic tangent, entry by entry; its derivative is {@code 1 − tanh²}. */
public final class Tanh extends ElementwiseOp {

    /** Creates the op; it holds no state. */
    public Tanh() {
        super("Tanh", "Z");
    }

    @Override
    protected double value(double z) {
        return Math.tanh(z);
    }

    @Override
    protected double derivative(double z, double a) {
        return 1.0 - a * a;
    }
}
