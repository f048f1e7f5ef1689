package org.autodifflite.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A define-by-run computation graph: the front door of {@code core}.
 *
 * <p>{@link #input}, {@link #parameter} and {@link #apply} evaluate at once and record the node,
 * so the nodes are held in the order they were made — a topological order. {@link #backward}
 * walks that order in reverse and <em>adds</em> each op's input gradients into its input nodes,
 * so a node that feeds several others gets the sum. {@link #recompute()} replays every op after
 * parameters or inputs changed. Nothing here recurses, so graphs of any depth work.
 *
 * <pre>{@code
 * Graph g = new Graph();
 * Node x = g.input("x", Tensor.column(1, 2));
 * Node w = g.parameter(new Parameter("fc.weight", Tensor.of(new double[][] {{3, 4}})));
 * Node loss = g.apply(someMatmulOp, w, x);
 * g.backward(loss);           // w.parameter().grad() now holds dloss/dw
 * }</pre>
 *
 * <p>A graph is not thread-safe; use one per thread.
 */
public final class Graph {

    private static final Logger LOG = LoggerFactory.getLogger(Graph.class);

    private final List<Node> nodes = new ArrayList<>();
    private final List<Node> view = Collections.unmodifiableList(nodes);
    private final Map<Parameter, Node> parameterNodes = new IdentityHashMap<>();
    private final Map<String, Node> byLabel = new HashMap<>();

    /** Creates an empty graph. */
    public Graph() {
    }

    /**
     * Records an input leaf: data such as a batch, its labels or a dropout mask.
     *
     * @param name a label unique in this graph
     * @param value its value; the graph keeps this tensor (not a copy)
     * @return the new node
     * @throws IllegalArgumentException if the name is already used in this graph
     */
    public Node input(String name, Tensor value) {
        Objects.requireNonNull(value, "value");
        return add(new Node(this, nodes.size(), requireFreeLabel(name), Node.Kind.INPUT, null,
                List.of(), null, value));
    }

    /**
     * Records a parameter leaf, or returns the node already made for it: one node per parameter,
     * so a parameter used twice receives the sum of both gradients.
     *
     * @param p the parameter; its value tensor is shared, not copied
     * @return the node for {@code p}
     * @throws IllegalArgumentException if another node already has the parameter's name
     */
    public Node parameter(Parameter p) {
        Objects.requireNonNull(p, "parameter");
        Node existing = parameterNodes.get(p);
        if (existing != null) {
            return existing;
        }
        Node n = add(new Node(this, nodes.size(), requireFreeLabel(p.name()), Node.Kind.PARAMETER,
                null, List.of(), p, p.value()));
        parameterNodes.put(p, n);
        return n;
    }

    /**
     * Applies an op to earlier nodes, evaluates it at once and records the result. The label is
     * the op's name and the node's index, for example {@code ReLU#4}.
     *
     * @param op the op
     * @param inputs its input nodes, all of this graph
     * @return the new node
     * @throws IllegalArgumentException if the inputs are of another graph, their number is not
     *     the op's arity, or the op rejects their shapes
     */
    public Node apply(Op op, Node... inputs) {
        Objects.requireNonNull(op, "op");
        return apply(op.name() + "#" + nodes.size(), op, inputs);
    }

    /**
     * Applies an op, as {@link #apply(Op, Node...)}, under a label of your choice (such as
     * {@code fc1}) for reports.
     *
     * @param label a label unique in this graph
     * @param op the op
     * @param inputs its input nodes, all of this graph
     * @return the new node
     * @throws IllegalArgumentException if the label is taken, the inputs are of another graph,
     *     their number is not the op's arity, or the op rejects their shapes
     */
    public Node apply(String label, Op op, Node... inputs) {
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(inputs, "inputs");
        String free = requireFreeLabel(label);
        Tensor[] values = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            Node in = inputs[i];
            if (in == null || in.graph() != this) {
                throw new IllegalArgumentException(op.name() + " '" + free + "': input " + i + " ("
                        + op.inputName(i) + ") is " + (in == null ? "null" : "a node of another graph"));
            }
            values[i] = in.value;
        }
        if (op.arity() >= 0 && op.arity() != inputs.length) {
            Op.requireInputs(op, values);
        }
        Tensor out = evaluate(op, free, values);
        return add(new Node(this, nodes.size(), free, Node.Kind.OP, op, List.of(inputs), null, out));
    }

    /**
     * Replaces the value of an input leaf, for example with the next batch. Call
     * {@link #recompute()} afterwards.
     *
     * @param input an input node of this graph
     * @param value the new value (kept, not copied)
     * @throws IllegalArgumentException if the node is not an input of this graph
     */
    public void feed(Node input, Tensor value) {
        Objects.requireNonNull(input, "feed: input node");
        Objects.requireNonNull(value, "feed: value");
        if (input.graph() != this || input.kind() != Node.Kind.INPUT) {
            throw new IllegalArgumentException("feed: node '" + input.label()
                    + "' is not an input of this graph; parameters change through their value tensor");
        }
        input.value = value;
    }

    /**
     * Re-evaluates every op node in order, after parameters (changed in place) or inputs
     * ({@link #feed}) changed. The result equals building the graph afresh.
     *
     * @throws IllegalArgumentException if an op rejects its new input shapes
     */
    public void recompute() {
        for (Node n : nodes) {
            if (n.op() != null) {
                n.value = evaluate(n.op(), n.label(), inputValues(n));
            }
        }
    }

    /**
     * Back-propagates from a scalar loss: every node the loss depends on gets its gradient
     * ({@link Node#grad()}), and every parameter's gradient tensor has the gradient with
     * respect to it <em>added</em> (call {@link #zeroGrad()} between steps).
     *
     * @param loss a node of this graph holding a single entry: a 1×1 loss, or one of shape ()
     * @throws IllegalArgumentException if the loss has more than one entry or is not of this
     *     graph, or an op's backward returns the wrong number or shapes of gradients
     */
    public void backward(Node loss) {
        Objects.requireNonNull(loss, "backward: loss node");
        if (loss.graph() != this) {
            throw new IllegalArgumentException("backward: node '" + loss.label() + "' is of another graph");
        }
        if (!loss.value.isScalar()) {
            throw new IllegalArgumentException("backward: node '" + loss.label() + "' is "
                    + loss.value.shape() + ", not a 1×1 scalar loss (nor any other shape with a single entry);"
                    + " pass a seed gradient of shape " + loss.value.shape() + " with backward(node, seed)");
        }
        // Shaped like the loss, whatever its rank: (), (1), 1×1, …
        backward(loss, Tensor.onesLike(loss.value));
    }

    /**
     * Back-propagates a given gradient of some scalar with respect to {@code output}.
     *
     * @param output a node of this graph
     * @param seed the gradient with respect to {@code output}, shaped like its value
     * @throws IllegalArgumentException if the seed's shape differs from the node's, the node is
     *     not of this graph, or an op's backward returns the wrong number or shapes of gradients
     */
    public void backward(Node output, Tensor seed) {
        Objects.requireNonNull(output, "backward: output node");
        Objects.requireNonNull(seed, "backward: seed gradient");
        if (output.graph() != this) {
            throw new IllegalArgumentException("backward: node '" + output.label() + "' is of another graph");
        }
        Tensor.requireSameShape("backward: seed gradient for node '" + output.label() + "'",
                seed, output.value);
        for (Node n : nodes) {
            n.grad = null;
        }
        output.grad = seed.copy();
        for (int k = output.index(); k >= 0; k--) {
            Node n = nodes.get(k);
            if (n.grad == null || n.op() == null) {
                continue;
            }
            Tensor[] grads = n.op().backward(inputValues(n), n.value, n.grad);
            checkGradients(n, grads);
            List<Node> ins = n.inputs();
            for (int i = 0; i < ins.size(); i++) {
                Node in = ins.get(i);
                if (in.grad == null) {
                    in.grad = grads[i].copy();
                } else {
                    in.grad.addInPlace(grads[i]);
                }
            }
        }
        for (Node n : nodes) {
            if (n.parameter() != null && n.grad != null) {
                n.parameter().grad().addInPlace(n.grad);
            }
        }
        LOG.debug("backward from '{}' through {} nodes", output.label(), output.index() + 1);
    }

    /** Clears every node's gradient and sets every parameter's gradient to zero. */
    public void zeroGrad() {
        for (Node n : nodes) {
            n.grad = null;
            if (n.parameter() != null) {
                n.parameter().zeroGrad();
            }
        }
    }

    /** @return the nodes in creation order, a topological order (read-only view) */
    public List<Node> nodes() {
        return view;
    }

    /** @return the parameters used in this graph, in the order they were first added */
    public List<Parameter> parameters() {
        List<Parameter> out = new ArrayList<>();
        for (Node n : nodes) {
            if (n.parameter() != null) {
                out.add(n.parameter());
            }
        }
        return out;
    }

    /**
     * Finds a node by label.
     *
     * @param label an input's or parameter's name, or an op node's label
     * @return the node
     * @throws IllegalArgumentException if no node has that label; the message lists the labels
     */
    public Node node(String label) {
        Node n = byLabel.get(label);
        if (n == null) {
            List<String> labels = new ArrayList<>();
            for (Node m : nodes) {
                labels.add(m.label());
            }
            throw new IllegalArgumentException("no node labelled '" + label + "'; the graph has " + labels);
        }
        return n;
    }

    /**
     * The current values of a node's inputs, in order.
     *
     * @param n an op node
     * @return a new array of the input values (the tensors themselves, not copies)
     */
    public static Tensor[] inputValues(Node n) {
        List<Node> ins = n.inputs();
        Tensor[] values = new Tensor[ins.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = ins.get(i).value;
        }
        return values;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Graph of ").append(nodes.size()).append(" nodes");
        for (Node n : nodes) {
            sb.append("\n  ").append(n.index()).append(' ').append(n.label()).append(' ')
                    .append(n.value.shape());
            if (n.op() != null) {
                sb.append(" = ").append(n.op().name()).append('(');
                for (int i = 0; i < n.inputs().size(); i++) {
                    sb.append(i == 0 ? "" : ", ").append(n.inputs().get(i).label());
                }
                sb.append(')');
            }
        }
        return sb.toString();
    }

    private Node add(Node n) {
        nodes.add(n);
        byLabel.put(n.label(), n);
        return n;
    }

    private String requireFreeLabel(String label) {
        Objects.requireNonNull(label, "label");
        if (label.isEmpty()) {
            throw new IllegalArgumentException("a node label must not be empty");
        }
        if (byLabel.containsKey(label)) {
            throw new IllegalArgumentException("label '" + label + "' is already used by "
                    + byLabel.get(label) + "; labels must be unique in a graph");
        }
        return label;
    }

    private static Tensor evaluate(Op op, String label, Tensor[] values) {
        Tensor out = op.forward(values);
        if (out == null) {
            throw new IllegalStateException(op.name() + " '" + label + "': forward returned null");
        }
        return out;
    }

    private static void checkGradients(Node n, Tensor[] grads) {
        Op op = n.op();
        List<Node> ins = n.inputs();
        if (grads == null || grads.length != ins.size()) {
            throw new IllegalStateException(op.name() + " '" + n.label() + "': backward returned "
                    + (grads == null ? "null" : grads.length + " gradient" + (grads.length == 1 ? "" : "s"))
                    + " for " + ins.size() + " input" + (ins.size() == 1 ? "" : "s")
                    + "; it must return one gradient per input, in input order");
        }
        for (int i = 0; i < grads.length; i++) {
            Tensor in = ins.get(i).value;
            if (grads[i] == null || !grads[i].sameShape(in)) {
                throw new IllegalStateException(op.name() + " '" + n.label() + "': backward returned a "
                        + (grads[i] == null ? "null" : grads[i].shape()) + " gradient for input " + i
                        + " (" + op.inputName(i) + ", node '" + ins.get(i).label() + "') of shape "
                        + in.shape() + "; each gradient must be shaped like its input"
                        + (grads[i] != null && grads[i].rank() == 2 && in.rank() == 2
                                && grads[i].rows() == in.cols() && grads[i].cols() == in.rows()
                                ? " (it looks transposed)" : ""));
            }
        }
    }
}
