package org.autodifflite.core;

import java.util.List;

/**
 * One value in a {@link Graph}: a leaf (an input or a parameter) or the result of applying an
 * {@link Op} to earlier nodes. It holds its current value and, after {@link Graph#backward}, the
 * gradient of the loss with respect to it.
 *
 * <p>Nodes are made only by a graph; their position in it ({@link #index()}) is a topological
 * order.
 */
public final class Node {

    /** What produced a node. */
    public enum Kind {
        /** data fed from outside, such as a batch or its labels */
        INPUT,
        /** a trainable {@link Parameter} */
        PARAMETER,
        /** a number the expression API was given, such as the 2 in {@code x.mul(2)} */
        CONSTANT,
        /** the output of an {@link Op} */
        OP
    }

    private final Graph graph;
    private final int index;
    private final String label;
    private final Kind kind;
    private final Op op;
    private final List<Node> inputs;
    private final Parameter parameter;
    private final boolean requiresGrad;
    Tensor value;
    Tensor grad;

    Node(Graph graph, int index, String label, Kind kind, Op op, List<Node> inputs,
            Parameter parameter, Tensor value, boolean requiresGrad) {
        this.graph = graph;
        this.index = index;
        this.label = label;
        this.kind = kind;
        this.op = op;
        this.inputs = inputs;
        this.parameter = parameter;
        this.value = value;
        this.requiresGrad = requiresGrad;
    }

    /** @return the graph this node belongs to */
    public Graph graph() {
        return graph;
    }

    /** @return the position in the graph's creation (topological) order */
    public int index() {
        return index;
    }

    /** @return the label used in reports: the input's or parameter's name, or the op node's label */
    public String label() {
        return label;
    }

    /** @return what produced this node */
    public Kind kind() {
        return kind;
    }

    /**
     * @return whether {@link Graph#backward} computes this node's gradient: true for parameters
     *     and variables and for every op node that depends on one, false for data and constants
     */
    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** @return whether this node is a leaf: an input, a variable, a parameter or a constant */
    public boolean isLeaf() {
        return kind != Kind.OP;
    }

    /** @return the op that produced this node, or {@code null} for a leaf */
    public Op op() {
        return op;
    }

    /** @return the nodes this one was computed from, in the op's input order (empty for a leaf) */
    public List<Node> inputs() {
        return inputs;
    }

    /** @return the parameter behind a parameter node, or {@code null} */
    public Parameter parameter() {
        return parameter;
    }

    /** @return the current value (live: do not modify an op node's value) */
    public Tensor value() {
        return value;
    }

    /**
     * @return the gradient of the loss with respect to this node from the latest
     *     {@link Graph#backward}, or {@code null} if the loss does not depend on it or backward has
     *     not run
     */
    public Tensor grad() {
        return grad;
    }

    @Override
    public String toString() {
        return "Node " + index + " '" + label + "' (" + (op == null ? kind.name().toLowerCase(java.util.Locale.ROOT)
                : op.name()) + ", " + value.shape() + ")";
    }
}
