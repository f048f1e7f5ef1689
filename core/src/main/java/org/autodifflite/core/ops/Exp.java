package org.autodifflite.core.ops;

/** The exponential, entry by entry: {@code y = eˣ}; backward {@code ∂L/∂x = G·y}. */
public final class Exp extends ElementwiseOp {

    /** Creates the op; it holds no state. */
    public Exp() {
        super("Exp", "x");
    }

    @Override
    protected double value(double x) {
        return Math.exp(x);
    }

    @Override
    protected double derivative(double x, double y) {
        return y;
    }
}
