package org.autodifflite.core.ops;

/**
 * The square root, entry by entry: {@code y = √x}; backward {@code ∂L/∂x = G / (2y)}. Defined
 * for {@code x ≥ 0} (the derivative is infinite at 0; a negative entry gives NaN).
 */
public final class Sqrt extends ElementwiseOp {

    /** Creates the op; it holds no state. */
    public Sqrt() {
        super("Sqrt", "x");
    }

    @Override
    protected double value(double x) {
        return Math.sqrt(x);
    }

    @Override
    protected double derivative(double x, double y) {
        return 0.5 / y;
    }
}
