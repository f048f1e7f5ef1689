package org.autodifflite.core.ops;

/**
 * The natural logarithm, entry by entry: {@code y = ln x}; backward {@code ∂L/∂x = G / x}. Defined
 * for {@code x > 0}; {@code ln 0 = −∞} and a negative entry gives NaN, as {@link Math#log} does
 * (the checker reports either as not finite).
 */
public final class Log extends ElementwiseOp {

    /** Creates the op; it holds no state. */
    public Log() {
        super("Log", "x");
    }

    @Override
    protected double value(double x) {
        return Math.log(x);
    }

    @Override
    protected double derivative(double x, double y) {
        return 1.0 / x;
    }
}
