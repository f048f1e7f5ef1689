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

    /** @return the live gradient tensor, accumulated by {@link Graph#backward} */
    public Tensor grad() {
        return grad;
    }

    /** Sets the gradient to zero. */
    public void zeroGrad() {
        grad.fill(0.0);
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
