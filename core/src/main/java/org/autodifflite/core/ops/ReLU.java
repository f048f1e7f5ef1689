package org.autodifflite.core.ops;

/**
 * The rectifier {@code max(0, z)}, entry by entry. At exactly 0 it has a kink; the gradient
 * taken there is 0 (the seed notebook's {@code dA * (A > 0)}).
 */
public final class ReLU extends ElementwiseOp {

    /** Creates the op; it holds no state, so one instance can serve every layer. */
    public ReLU() {
        super("ReLU", "Z");
    }

    @Override
    protected double value(double z) {
        return z > 0 ? z : 0.0;
    }

    @Override
    protected double derivative(double z, double a) {
        return z > 0 ? 1.0 : 0.0;
    }

}
