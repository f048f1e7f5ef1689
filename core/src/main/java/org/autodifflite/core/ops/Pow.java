package org.autodifflite.core.ops;

/**
 * A constant power, entry by entry: {@code y = xᵖ}; backward {@code ∂L/∂x = G·p·xᵖ⁻¹}. For a
 * non-integer {@code p} it is defined for {@code x ≥ 0} only (a negative entry gives NaN, as
 * {@link Math#pow} does); for {@code p = 0} the gradient is 0 everywhere.
 */
public final class Pow extends ElementwiseOp {

    private final double exponent;

    /**
     * @param exponent the power {@code p}, finite
     * @throws IllegalArgumentException if the exponent is NaN or infinite
     */
    public Pow(double exponent) {
        super("Pow", "x");
        if (!Double.isFinite(exponent)) {
            throw new IllegalArgumentException("Pow: the exponent must be finite, got " + exponent
                    + "; for eˣ use Exp");
        }
        this.exponent = exponent;
    }

    /** @return the power {@code p} */
    public double exponent() {
        return exponent;
    }

    @Override
    protected double value(double x) {
        return Math.pow(x, exponent);
    }

    @Override
    protected double derivative(double x, double y) {
        // p = 0 is constant: without this, 0·0⁻¹ would make NaN at x = 0.
        return exponent == 0 ? 0.0 : exponent * Math.pow(x, exponent - 1);
    }
}
