package org.autodifflite.core.ops;

/** The logistic function {@code σ(z) = 1 / (1 + e^−z)}, entry by entry, without overflow. */
public final class Sigmoid extends ElementwiseOp {

    /** Creates the op; it holds no state. */
    public Sigmoid() {
        super("Sigmoid", "Z");
    }

    /**
     * The logistic function of one number, without overflow for large {@code |z|}.
     *
     * @param z any number
     * @return {@code 1 / (1 + e^−z)}
     */
    public static double sigmoid(double z) {
        if (z >= 0) {
            return 1.0 / (1.0 + Math.exp(-z));
        }
        double e = Math.exp(z);
        return e / (1.0 + e);
    }

    @Override
    protected double value(double z) {
        return sigmoid(z);
    }

    @Override
    protected double derivative(double z, double a) {
        return a * (1.0 - a);
    }

    @Override
    protected double gradient(double g, double z, double a) {
        return g * a * (1.0 - a); // this order: the walkthrough's figures are kept to the last bit
    }
}
