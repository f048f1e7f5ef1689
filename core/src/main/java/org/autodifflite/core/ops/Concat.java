package org.autodifflite.core.ops;

import org.autodifflite.core.Op;
import org.autodifflite.core.Tensor;

/**
 * Several tensors joined along one axis: {@code y = [x₀ | x₁ | …]}, all of the same shape except
 * along that axis. Backward: {@code ∂L/∂xᵢ} is the slice of {@code G} where {@code xᵢ} went.
 */
public final class Concat implements Op {

    private final int axis;

    /**
     * @param axis the axis to join along (negative counts from the end)
     */
    public Concat(int axis) {
        this.axis = axis;
    }

    /** @return the axis as given */
    public int axis() {
        return axis;
    }

    @Override
    public String name() {
        return "Concat";
    }

    /** @return -1: any number of inputs, at least one */
    @Override
    public int arity() {
        return -1;
    }

    /**
     * @param inputs one or more tensors of one rank, equal in every size but the axis's
     * @return them joined along the axis
     * @throws IllegalArgumentException if there is no input, the axis is out of range, or the
     *     shapes differ in rank or in a size other than the axis's
     */
    @Override
    public Tensor forward(Tensor... inputs) {
        int ax = resolve(inputs);
        return Tensor.concat(ax, inputs);
    }

    @Override
    public Tensor[] backward(Tensor[] inputs, Tensor output, Tensor gradOutput) {
        int ax = resolve(inputs);
        Tensor[] grads = new Tensor[inputs.length];
        int at = 0;
        for (int i = 0; i < inputs.length; i++) {
            int n = inputs[i].dim(ax);
            grads[i] = gradOutput.slice(ax, at, at + n);
            at += n;
        }
        return grads;
    }

    private int resolve(Tensor[] inputs) {
        Op.requireInputs(this, inputs);
        if (inputs.length == 0) {
            throw new IllegalArgumentException("Concat: no inputs; give at least one tensor to concatenate");
        }
        Tensor first = inputs[0];
        int ax = Args.axis(name(), axis, inputName(0), first);
        for (int i = 1; i < inputs.length; i++) {
            Tensor t = inputs[i];
            boolean fits = t.rank() == first.rank();
            for (int d = 0; fits && d < t.rank(); d++) {
                fits = d == ax || t.dim(d) == first.dim(d);
            }
            if (!fits) {
                throw new IllegalArgumentException("Concat: " + inputName(i) + " of shape " + t.shape()
                        + " does not fit " + inputName(0) + " of shape " + first.shape() + " along axis " + axis
                        + "; all inputs need the same rank and the same size on every axis but axis " + ax);
            }
        }
        return ax;
    }
}
