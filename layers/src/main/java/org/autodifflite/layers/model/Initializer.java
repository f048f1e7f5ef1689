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
     * Draws the initial values of a parameter of any shape: the first axis is the fan-out and
     * the product of the others the fan-in (a convolution kernel out × in × kh × kw has fan-in
     * in·kh·kw), drawn as a fan-out × fan-in matrix and reshaped, in row-major order.
     *
     * @param dims the parameter's shape, rank ≥ 1
     * @param rng the generator to draw from
     * @return a new tensor of that shape
     * @throws IllegalArgumentException if {@code dims} is empty
     */
    default Tensor initialize(int[] dims, RandomGenerator rng) {
        if (dims.length == 0) {
            throw new IllegalArgumentException("Initializer: a parameter needs at least one axis");
        }
        int fanIn = 1;
        for (int i = 1; i < dims.length; i++) {
            fanIn *= dims[i];
        }
        Tensor m = initialize(dims[0], fanIn, rng);
        return dims.length == 2 ? m : m.reshape(dims);
    }

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
