package org.autodifflite.core.ops;

/**
 * The rectifier {@code max(0, z)}, entry by entry. At exactly 0 it has a kink; the gradient
 * taken there is 0 (the seed notebook's {@code dA * (A > 0)}).
 */
public final class ReLU extends ElementwiseOp {

    /** The bits of +∞: as signed longs, the positive numbers are exactly the bits in (0, this]. */
    private static final long INFINITY_BITS = Double.doubleToRawLongBits(Double.POSITIVE_INFINITY);

    private static final long ONE_BITS = Double.doubleToRawLongBits(1.0);

    /** Creates the op; it holds no state, so one instance can serve every layer. */
    public ReLU() {
        super("ReLU", "Z");
    }

    /** @return {@code z > 0 ? z : 0.0} */
    @Override
    protected double value(double z) {
        return Double.longBitsToDouble(Double.doubleToRawLongBits(z) & positive(z));
    }

    /** @return {@code z > 0 ? 1.0 : 0.0} */
    @Override
    protected double derivative(double z, double a) {
        return Double.longBitsToDouble(ONE_BITS & positive(z));
    }

    /**
     * All ones if {@code z > 0}, else 0 (also for NaN and −0.0), without a branch: the signs of a
     * layer's pre-activations are as good as random, so a branch on them is mispredicted about
     * every other entry, which made ReLU's forward and backward several times slower than this.
     */
    private static long positive(double z) {
        long bits = Double.doubleToRawLongBits(z);
        // Both differences are ≥ 0 exactly when 0 < bits ≤ bits(+∞); for −0.0 (the least long)
        // the first overflows to the greatest, but the second is then negative.
        return ~(((bits - 1) | (INFINITY_BITS - bits)) >> 63);
    }
}
