package org.autodifflite.core.ops;

/**
 * Clamping into {@code [lo, hi]}, entry by entry: {@code y = min(max(x, lo), hi)}; backward
 * {@code ∂L/∂x = G} where {@code lo ≤ x ≤ hi} and 0 outside. At {@code x = lo} and {@code x = hi}
 * there are kinks; the gradient taken there is {@code G} (the checker reports such entries as
 * skipped).
 */
public final class Clamp extends ElementwiseOp {

    private final double lo;
    private final double hi;

    /**
     * @param lo the lower bound ({@code −∞} for none)
     * @param hi the upper bound ({@code +∞} for none), at least {@code lo}
     * @throws IllegalArgumentException if a bound is NaN or {@code lo > hi}
     */
    public Clamp(double lo, double hi) {
        super("Clamp", "x");
        if (Double.isNaN(lo) || Double.isNaN(hi) || lo > hi) {
            throw new IllegalArgumentException("Clamp: bounds [" + lo + ", " + hi + "] are not an interval;"
                    + " give lo ≤ hi, neither NaN (±∞ for no bound)");
        }
        this.lo = lo;
        this.hi = hi;
    }

    /** @return the lower bound */
    public double lo() {
        return lo;
    }

    /** @return the upper bound */
    public double hi() {
        return hi;
    }

    @Override
    protected double value(double x) {
        return Math.min(Math.max(x, lo), hi);
    }

    @Override
    protected double derivative(double x, double y) {
        return x >= lo && x <= hi ? 1.0 : 0.0;
    }
}
