package org.autodifflite.core.ops;

/** Negation, entry by entry: {@code y = −x}; backward {@code ∂L/∂x = −G}. */
public final class Negate extends ElementwiseOp {

    /** Creates the op; it holds no state. */
    public Negate() {
        super("Negate", "x");
    }

    @Override
    protected double value(double x) {
        return -x;
    }

    @Override
    protected double derivative(double x, double y) {
        return -1.0;
    }
}
