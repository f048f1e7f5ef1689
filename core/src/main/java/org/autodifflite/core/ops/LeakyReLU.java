package org.autodifflite.core.ops;

/**
 * The leaky rectifier: {@code z} where {@code z > 0}, {@code slope·z} elsewhere. The slope is a
 * constant of the op, not state.
 */
public final class LeakyReLU extends ElementwiseOp {

    private final double slope;

    /**
     * @param slope the factor applied to non-positive inputs, finite (typically 0.01)
     * @throws IllegalArgumentException if the slope is not finite
     */
    public LeakyReLU(double slope) {
        super("LeakyReLU", "Z");
        if (!Double.isFinite(slope)) {
            throw new IllegalArgumentException("LeakyReLU: slope must be finite, got " + slope);
        }
        this.slope = slope;
    }

    /** @return the factor applied to non-positive inputs */
    public double slope() {
        return slope;
    }

    @Override
    protected double value(double z) {
        return z > 0 ? z : slope * z;
    }

    @Override
    protected double derivative(double z, double a) {
        return z > 0 ? 1.0 : slope;
    }
}
