package org.autodifflite.layers.model;

import org.apache.commons.math3.random.RandomGenerator;
import org.autodifflite.core.Tensor;

/**
 * How a weight matrix (out × in) gets its first values, drawn from a seeded Commons Math
 * generator so that the same seed always gives the same model.
 */
@FunctionalInterface
public interface Initializer {

    /**
     * Draws the initial values of a weight matrix.
     *
     * @param fanOut the number of rows (output units)
     * @param fanIn the number of columns (input units)
     * @param rng the generator to draw from
     * @return a new {@code fanOut × fanIn} tensor
     */
    Tensor initialize(int fanOut, int fanIn, RandomGenerator rng);

    /**
     * He (Kaiming) normal initialization, suited to ReLU layers: {@code N(0, 2/fanIn)}.
     *
     * @return the initializer
     */
    static Initializer he() {
        return (out, in, rng) -> Tensor.randn(out, in, rng).scale(Math.sqrt(2.0 / in));
    }

    /**
     * Xavier (Glorot) normal initialization, suited to tanh and sigmoid layers:
     * {@code N(0, 2/(fanIn + fanOut))}.
     *
     * @return the initializer
     */
    static Initializer xavier() {
        return (out, in, rng) -> Tensor.randn(out, in, rng).scale(Math.sqrt(2.0 / (in + out)));
    }

    /**
     * Normal initialization with a fixed standard deviation: {@code N(0, std²)}.
     *
     * @param std the standard deviation, finite and ≥ 0
     * @return the initializer
     * @throws IllegalArgumentException if {@code std} is negative or not finite
     */
    static Initializer normal(double std) {
        if (!(std >= 0.0) || Double.isInfinite(std)) {
            throw new IllegalArgumentException("Initializer.normal: std must be finite and ≥ 0, got " + std);
        }
        return (out, in, rng) -> Tensor.randn(out, in, rng).scale(std);
    }

    /**
     * All zeros (draws nothing). Fine for biases; for weights it leaves every unit identical.
     *
     * @return the initializer
     */
    static Initializer zeros() {
        return (out, in, rng) -> Tensor.zeros(out, in);
    }
}
