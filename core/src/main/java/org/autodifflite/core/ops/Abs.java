package org.autodifflite.core.ops;

/**
 * The absolute value, entry by entry: {@code y = |x|}; backward {@code ∂L/∂x = G·sign(x)}. At
 * {@code x = 0} there is a kink; the gradient taken there is 0, the central difference there (so
 * the gradient checker agrees with it).
 */
public final class Abs extends ElementwiseOp {

    /** Creates the op; it holds no state. */
    public Abs() {
        super("Abs", "x");
    }

    @Override
    protected double value(double x) {
        return Math.abs(x);
    }

    @Override
    protected double derivative(double x, double y) {
        return x > 0 ? 1.0 : x < 0 ? -1.0 : 0.0;
    }
}
