package org.autodifflite.layers.model;

import java.util.List;
import org.autodifflite.core.Graph;
import org.autodifflite.core.Node;
import org.autodifflite.core.Op;
import org.autodifflite.core.Parameter;

/**
 * A layer without parameters that applies one element-wise op
 * ({@link org.autodifflite.core.ops.ReLU}, {@link org.autodifflite.core.ops.Sigmoid},
 * {@link org.autodifflite.core.ops.Tanh}, {@link org.autodifflite.core.ops.LeakyReLU}, or any
 * one-input op that keeps the shape).
 */
public final class Activation implements Layer {

    private final String name;
    private final Op op;

    /**
     * Creates the layer.
     *
     * @param name the layer name, unique in its model (the label of its node)
     * @param op a one-input op whose output is shaped like its input
     * @throws IllegalArgumentException if the op does not take exactly one input
     */
    public Activation(String name, Op op) {
        if (op.arity() != 1) {
            throw new IllegalArgumentException("Activation '" + name + "': op " + op.name() + " takes "
                    + op.arity() + " inputs; an activation takes exactly one");
        }
        this.name = name;
        this.op = op;
    }

    @Override
    public String name() {
        return name;
    }

    /** @return the element-wise op */
    public Op op() {
        return op;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of();
    }

    @Override
    public int outputWidth(int inputWidth) {
        return inputWidth;
    }

    @Override
    public Node build(Graph graph, Node input, boolean training) {
        return graph.apply(name, op, input);
    }

    @Override
    public String describe() {
        return "Activation " + name + " " + op.name();
    }

    @Override
    public String toString() {
        return describe();
    }
}
