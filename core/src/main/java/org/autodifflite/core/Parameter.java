package org.autodifflite.core;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A named, trainable tensor and the gradient accumulated for it.
 *
 * <p>Layers own their parameters and name them with dots ({@code fc1.weight},
 * {@code fc1.bias}). The value tensor is updated in place by optimizers (and perturbed and
 * restored, bit for bit, by the checker), so every graph that uses the parameter sees the change
 * on its next {@link Graph#recompute()}.
 */
public final class Parameter {

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z0-9_]+)*");

    private final String name;
    private final Tensor value;
    private final Tensor grad;
    /**
     * Whether {@link #grad} is to be read as zero whatever it holds: {@link #zeroGrad()} only
     * sets this, and the first gradient accumulated afterwards is written rather than added, so
     * a training step neither fills nor re-reads the gradient (for a 784→128 layer, two passes
     * over 800 kB that took ≈ 6 % of a step on one thread).
     */
    private boolean gradIsZero;

    /**
     * Creates a parameter with a zero gradient.
     *
     * @param name dotted identifier, for example {@code fc1.weight}
     * @param value the initial value; the parameter keeps this tensor (not a copy)
     * @throws IllegalArgumentException if the name is not a dotted identifier
     */
    public Parameter(String name, Tensor value) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("Parameter name '" + name
                    + "' is not a dotted identifier such as 'fc1.weight' (letters, digits, _ and"
                    + " single dots, not starting with a digit or a dot)");
        }
        this.name = name;
        this.value = value;
        this.grad = Tensor.zerosLike(value);
    }

    /** @return the dotted name */
    public String name() {
        return name;
    }

    /** @return the live value tensor (modify it only to train or restore it) */
    public Tensor value() {
        return value;
    }

    /**
     * The live gradient tensor, accumulated by {@link Graph#backward}. After
     * {@link #zeroGrad()} it holds zeros when next asked for here; a reference kept from
     * before still holds the old values until then (as a tensor kept from before PyTorch's
     * {@code zero_grad()} does).
     *
     * @return the gradient tensor, shaped like the value
     */
    public Tensor grad() {
        if (gradIsZero) {
            grad.fill(0.0);
            gradIsZero = false;
        }
        return grad;
    }

    /**
     * Adds a gradient to this parameter's: what {@link Graph#backward} does for each node of
     * the parameter, so a parameter used twice gets the sum.
     *
     * @param g the gradient to add, shaped like the value
     * @throws IllegalArgumentException if its shape differs from the value's
     */
    public void accumulateGrad(Tensor g) {
        if (!value.sameShape(g)) { // the message is built only when it is needed: every backward calls this
            Tensor.requireSameShape("gradient of parameter '" + name + "'", value, g);
        }
        if (gradIsZero) {
            // Written as 0 + g, as filling with zeros and adding would: −0.0 becomes +0.0.
            double[] d = grad.data();
            double[] s = g.data();
            for (int i = 0; i < d.length; i++) {
                d[i] = 0.0 + s[i];
            }
            gradIsZero = false;
        } else {
            grad.addInPlace(g);
        }
    }

    /** Sets the gradient to zero (lazily: see {@link #grad()}). */
    public void zeroGrad() {
        gradIsZero = true;
    }

    /**
     * Overwrites the value with a copy of {@code newValue}.
     *
     * @param newValue a tensor of the same shape
     * @throws IllegalArgumentException naming the parameter and both shapes if they differ
     */
    public void assign(Tensor newValue) {
        Tensor.requireSameShape("assign to parameter '" + name + "'", value, newValue);
        value.copyFrom(newValue);
    }

    @Override
    public String toString() {
        return "Parameter " + name + " " + value.shape();
    }
}
