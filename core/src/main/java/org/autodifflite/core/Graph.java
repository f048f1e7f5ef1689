package org.autodifflite.core;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
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
 * Node x = g.input("x", Tensor.wrap(new int[] {2, 1}, new double[] {1, 2}));
 * Node w = g.parameter(new Parameter("fc.weight", Tensor.wrap(new int[] {1, 2}, new double[] {3, 4})));
 * Node loss = w.matmul(x).relu().sum();  // the expression API on Node: each call is an apply
 * g.backward(loss);                      // w.parameter().grad() now holds dloss/dw
 * }</pre>
 *
 * <p>Any op, including your own, is applied with {@link #apply(Op, Node...)} (or
 * {@link Node#apply(Op, Node...)}).
 *
 * <p>A graph is not thread-safe; use one per thread.
 */
public final class Graph {

    private static final Logger LOG = LoggerFactory.getLogger(Graph.class);
    /** Up to this many nodes, {@link #unshare} compares references pairwise instead of hashing. */
    private static final int SMALL_GRAPH = 64;

    private final List<Node> nodes = new ArrayList<>();
    private final List<Node> view = Collections.unmodifiableList(nodes);
    private final Map<Parameter, Node> parameterNodes = new IdentityHashMap<>();
    private final Map<String, Node> byLabel = new HashMap<>();

    /** Creates an empty graph. */
    public Graph() {
    }

    /**
     * Records an input leaf: data such as a batch, its labels or a dropout mask. Data needs no
     * gradient, so {@link #backward} computes none for it (nor for anything computed from data
     * alone); use {@link #variable} for a leaf whose gradient you want.
     *
     * @param name a label unique in this graph
     * @param value its value; the graph keeps this tensor (not a copy)
     * @return the new node
     * @throws IllegalArgumentException if the name is already used in this graph
     */
    public Node input(String name, Tensor value) {
        Objects.requireNonNull(value, "value");
        return add(new Node(this, nodes.size(), requireFreeLabel(name), Node.Kind.INPUT, null,
                List.of(), null, value, false));
    }

    /**
     * Records a leaf whose gradient {@link #backward} computes, without making it a trainable
     * {@link Parameter}: micrograd's {@code Value}, or an input whose gradient you want to see.
     *
     * <pre>{@code
     * Node x = g.variable("x", -4);
     * Node y = x.mul(x).add(x);
     * g.backward(y);               // x.grad() is 2x + 1 = -7
     * }</pre>
     *
     * @param name a label unique in this graph
     * @param value its value; the graph keeps this tensor (not a copy)
     * @return the new node; it can be {@link #feed fed} like an input
     * @throws IllegalArgumentException if the name is already used in this graph
     */
    public Node variable(String name, Tensor value) {
        Objects.requireNonNull(value, "value");
        return add(new Node(this, nodes.size(), requireFreeLabel(name), Node.Kind.INPUT, null,
                List.of(), null, value, true));
    }

    /**
     * Records a scalar {@link #variable}.
     *
     * @param name a label unique in this graph
     * @param value its value, held as a rank-0 tensor
     * @return the new node
     * @throws IllegalArgumentException if the name is already used in this graph
     */
    public Node variable(String name, double value) {
        return variable(name, Tensor.scalar(value));
    }

    /**
     * Records a constant leaf, labelled by its value and position (for example {@code 2.0#3}); the
     * expression API makes one for every number it is given ({@code x.mul(2)}). A constant needs
     * no gradient and is never fed.
     *
     * @param value the constant
     * @return the new node
     */
    public Node constant(Tensor value) {
        Objects.requireNonNull(value, "value");
        String label = (value.isScalar() ? String.valueOf(value.data()[0]) : "const") + "#" + nodes.size();
        return add(new Node(this, nodes.size(), requireFreeLabel(label), Node.Kind.CONSTANT, null,
                List.of(), null, value, false));
    }

    /**
     * Records a scalar constant, as {@link #constant(Tensor)}.
     *
     * @param value the constant, held as a rank-0 tensor
     * @return the new node
     */
    public Node constant(double value) {
        return constant(Tensor.scalar(value));
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
                null, List.of(), p, p.value(), true));
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
                        + op.inputName(i) + ") is " + (in == null ? "null"
                                : "node '" + in.label() + "' of another graph; build every operand of an op in"
                                        + " the same graph"));
            }
            values[i] = in.value;
        }
        if (op.arity() >= 0 && op.arity() != inputs.length) {
            Op.requireInputs(op, values);
        }
        Tensor out = evaluate(op, free, values);
        boolean requiresGrad = false;
        for (Node in : inputs) {
            requiresGrad |= in.requiresGrad();
        }
        return add(new Node(this, nodes.size(), free, Node.Kind.OP, op, List.of(inputs), null, out, requiresGrad));
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
     * Back-propagates from a scalar loss: every node that depends on a parameter or a
     * {@link #variable} gets its gradient ({@link Node#grad()}), and every parameter's gradient
     * tensor has the gradient with respect to it <em>added</em> (call {@link #zeroGrad()} between
     * steps). Gradients of data — inputs, constants and what is computed from them alone — are
     * not computed, and ops are told so ({@link Op#backward(Tensor[], Tensor, Tensor, boolean[])}).
     *
     * <p>The order of a hand-written training step is: {@link #zeroGrad()}, {@code backward(loss)},
     * the optimizer's step (which changes the parameters in place), then {@link #recompute()} (or
     * a fresh graph) before the next loss is read.
     *
     * @param loss a node of this graph holding one value (rank 0, or any shape of size 1)
     * @throws IllegalArgumentException if the loss holds more than one value or is not of this
     *     graph, or an op's backward returns the wrong number or shapes of gradients
     */
    public void backward(Node loss) {
        Objects.requireNonNull(loss, "backward: loss node");
        requireOwn("backward", loss);
        if (!loss.value.isScalar()) {
            throw new IllegalArgumentException("backward: node '" + loss.label() + "' is "
                    + loss.value.shape() + ", not a scalar loss; reduce it to one value (e.g. sum() or"
                    + " mean()) or pass a seed gradient of shape " + loss.value.shape()
                    + " with backward(node, seed)");
        }
        backward(loss, Tensor.onesLike(loss.value));
    }

    /**
     * Back-propagates a given gradient of some scalar with respect to {@code output}, as
     * {@link #backward(Node)} does from a loss.
     *
     * @param output a node of this graph
     * @param seed the gradient with respect to {@code output}, shaped like its value
     * @throws IllegalArgumentException if the seed's shape differs from the node's, the node is
     *     not of this graph, or an op's backward returns the wrong number or shapes of gradients
     */
    public void backward(Node output, Tensor seed) {
        Objects.requireNonNull(output, "backward: output node");
        Objects.requireNonNull(seed, "backward: seed gradient");
        requireOwn("backward", output);
        Tensor.requireSameShape("backward: seed gradient for node '" + output.label() + "'",
                seed, output.value);
        boolean[] wanted = new boolean[nodes.size()];
        for (Node n : nodes) {
            wanted[n.index()] = n.requiresGrad();
        }
        Tensor[] grads = propagate(output, seed, wanted);
        for (Node n : nodes) {
            n.grad = grads[n.index()];
        }
        for (Node n : nodes) {
            if (n.parameter() != null && n.grad != null) {
                n.parameter().accumulateGrad(n.grad);
            }
        }
        LOG.debug("backward from '{}' through {} nodes", output.label(), output.index() + 1);
    }

    /**
     * The gradients of a scalar loss with respect to some parameters, as values: nothing in the
     * graph or the parameters is changed (neither {@link Node#grad()} nor
     * {@link Parameter#grad()}), so a caller such as the gradient checker needs to save and
     * restore nothing. Only the gradients on paths from these parameters to the loss are
     * computed.
     *
     * @param loss a node of this graph holding one value
     * @param parameters the parameters wanted; each must be used in this graph
     * @return each parameter's gradient, in the order given (zeros for one the loss does not
     *     depend on)
     * @throws IllegalArgumentException if the loss holds more than one value or is not of this
     *     graph, a parameter is not used in it, or an op's backward returns the wrong number or
     *     shapes of gradients
     */
    public Map<Parameter, Tensor> gradients(Node loss, Collection<Parameter> parameters) {
        Objects.requireNonNull(parameters, "gradients: parameters");
        Node[] wrt = new Node[parameters.size()];
        int i = 0;
        for (Parameter p : parameters) {
            Node n = parameterNodes.get(Objects.requireNonNull(p, "gradients: a parameter is null"));
            if (n == null) {
                throw new IllegalArgumentException("gradients: parameter '" + p.name()
                        + "' is not used in this graph; its parameters are " + names(parameters()));
            }
            wrt[i++] = n;
        }
        Tensor[] grads = gradients(loss, wrt);
        Map<Parameter, Tensor> out = new LinkedHashMap<>();
        i = 0;
        for (Parameter p : parameters) {
            out.put(p, grads[i++]);
        }
        return out;
    }

    /**
     * The gradients of a scalar loss with respect to any nodes of this graph (leaves or not), as
     * values, changing nothing (see {@link #gradients(Node, Collection)}).
     *
     * @param loss a node of this graph holding one value
     * @param wrt the nodes wanted
     * @return one gradient per node, shaped like its value (zeros where the loss does not depend
     *     on it)
     * @throws IllegalArgumentException if the loss holds more than one value, a node is not of
     *     this graph, or an op's backward returns the wrong number or shapes of gradients
     */
    public Tensor[] gradients(Node loss, Node... wrt) {
        Objects.requireNonNull(loss, "gradients: loss node");
        Objects.requireNonNull(wrt, "gradients: nodes");
        requireOwn("gradients", loss);
        if (!loss.value.isScalar()) {
            throw new IllegalArgumentException("gradients: node '" + loss.label() + "' is "
                    + loss.value.shape() + ", not a scalar loss; reduce it to one value (e.g. sum() or mean())");
        }
        boolean[] wanted = new boolean[nodes.size()];
        for (Node n : wrt) {
            Objects.requireNonNull(n, "gradients: a node is null");
            requireOwn("gradients", n);
            wanted[n.index()] = true;
        }
        // A node's gradient is needed when it lies on a path from a wanted node to the loss.
        for (Node n : nodes) {
            for (Node in : n.inputs()) {
                wanted[n.index()] |= wanted[in.index()];
            }
        }
        Tensor[] grads = propagate(loss, Tensor.onesLike(loss.value), wanted);
        Tensor[] out = new Tensor[wrt.length];
        for (int i = 0; i < wrt.length; i++) {
            Tensor g = grads[wrt[i].index()];
            out[i] = g != null ? g : Tensor.zerosLike(wrt[i].value);
        }
        return out;
    }

    /**
     * The reverse sweep: from {@code output} down, each op node whose gradient is wanted runs its
     * backward for the inputs whose gradient is wanted, and the results are <em>added</em> into
     * its inputs' gradients. Returns every node's gradient (null where none was computed).
     */
    private Tensor[] propagate(Node output, Tensor seed, boolean[] wanted) {
        Tensor[] grads = new Tensor[nodes.size()];
        // A gradient an op returned is kept as it is (not copied) until a second one must be
        // added to it; only then is it copied, so no tensor an op returned is ever changed.
        // Copying every gradient cost a tenth of a training step at 784-128-64-1 (the first
        // layer's weight gradient alone is 100,352 values).
        boolean[] owned = new boolean[nodes.size()];
        grads[output.index()] = seed.copy();
        owned[output.index()] = true;
        for (int k = output.index(); k >= 0; k--) {
            Node n = nodes.get(k);
            Tensor g = grads[k];
            if (g == null || n.op() == null || !wanted[k]) {
                continue;
            }
            List<Node> ins = n.inputs();
            boolean[] needs = new boolean[ins.size()];
            boolean any = false;
            for (int i = 0; i < needs.length; i++) {
                needs[i] = wanted[ins.get(i).index()];
                any |= needs[i];
            }
            if (!any) {
                continue;
            }
            Tensor[] inGrads = n.op().backward(inputValues(n), n.value, g, needs);
            checkGradients(n, inGrads, needs);
            for (int i = 0; i < needs.length; i++) {
                if (!needs[i]) {
                    continue;
                }
                int j = ins.get(i).index();
                if (grads[j] == null) {
                    grads[j] = inGrads[i];
                } else {
                    if (!owned[j]) {
                        grads[j] = grads[j].copy();
                        owned[j] = true;
                    }
                    grads[j].addInPlace(inGrads[i]);
                }
            }
        }
        unshare(grads, owned);
        return grads;
    }

    /**
     * Copies each gradient an op handed back that shares its entries with a node's value or
     * with another gradient (an op may return its upstream gradient, an input, or one tensor for
     * two inputs), so that every gradient handed out is a tensor of its own, as when all were
     * copied.
     */
    private void unshare(Tensor[] grads, boolean[] owned) {
        if (nodes.size() <= SMALL_GRAPH) {
            unshareSmall(grads, owned);
            return;
        }
        Map<double[], Boolean> seen = new IdentityHashMap<>();
        for (Node n : nodes) {
            seen.put(n.value.data(), Boolean.TRUE);
        }
        for (int k = 0; k < grads.length; k++) {
            if (owned[k]) {
                seen.put(grads[k].data(), Boolean.TRUE);
            }
        }
        for (int k = 0; k < grads.length; k++) {
            if (grads[k] != null && !owned[k] && seen.put(grads[k].data(), Boolean.TRUE) != null) {
                grads[k] = grads[k].copy();
            }
        }
    }

    /**
     * {@link #unshare} by comparing references pairwise: on a small graph that is cheaper than
     * hashing, which stamps an identity hash into every fresh gradient (a per cent of the seed
     * net's end-to-end check, which takes the gradients once).
     */
    private void unshareSmall(Tensor[] grads, boolean[] owned) {
        double[][] seen = new double[nodes.size() + grads.length][];
        int n = 0;
        for (Node node : nodes) {
            seen[n++] = node.value.data();
        }
        for (int k = 0; k < grads.length; k++) {
            if (owned[k]) {
                seen[n++] = grads[k].data();
            }
        }
        for (int k = 0; k < grads.length; k++) {
            if (grads[k] == null || owned[k]) {
                continue;
            }
            double[] d = grads[k].data();
            boolean shared = false;
            for (int q = 0; q < n && !shared; q++) {
                shared = seen[q] == d;
            }
            if (shared) {
                grads[k] = grads[k].copy();
            } else {
                seen[n++] = d;
            }
        }
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

    /**
     * Why a gradient a backward returned has the wrong shape, in words, when the shapes tell: the
     * one definition used by {@link #backward}'s error and by the gradient checker. Shapes of any
     * rank, broadcasting by NumPy's rule:
     * <ul>
     * <li>left at the output's (broadcast) shape: {@code "; it looks un-reduced: … sum the
     * gradient over axes 0 and 2 down to 4×1 (Tensor.sumTo(4×1))"};</li>
     * <li>summed over other axes than the input was broadcast along: {@code "; it looks reduced
     * over the wrong axes: …"};</li>
     * <li>its last two axes swapped: {@code " (it looks transposed)"} (rank 2) or
     * {@code " (it looks transposed: its last two axes, 2 and 3, are swapped)"}.</li>
     * </ul>
     *
     * @param gradient the dims of the gradient returned
     * @param input the dims of the input it is for
     * @param output the dims of the op's output, or null if not known
     * @param inputName the input's name, for the text
     * @return a sentence to append to a shape error (starting with {@code "; "} or
     *     {@code " ("}), or the empty string when the shapes suggest nothing
     */
    public static String gradientShapeHint(int[] gradient, int[] input, int[] output, String inputName) {
        return Shapes.gradientHint(gradient, input, output, inputName);
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

    private void requireOwn(String method, Node n) {
        if (n.graph() != this) {
            throw new IllegalArgumentException(method + ": node '" + n.label() + "' is of another graph");
        }
    }

    private static List<String> names(List<Parameter> ps) {
        List<String> out = new ArrayList<>();
        for (Parameter p : ps) {
            out.add(p.name());
        }
        return out;
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

    private static void checkGradients(Node n, Tensor[] grads, boolean[] needs) {
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
            if (needs[i] && (grads[i] == null || !grads[i].sameShape(in))) {
                throw new IllegalStateException(op.name() + " '" + n.label() + "': backward returned a "
                        + (grads[i] == null ? "null" : grads[i].shape()) + " gradient for input " + i
                        + " (" + op.inputName(i) + ", node '" + ins.get(i).label() + "') of shape "
                        + in.shape() + "; each gradient must be shaped like its input"
                        + (grads[i] == null ? "" : Shapes.gradientHint(grads[i].dims(), in.dims(),
                                n.value.dims(), op.inputName(i))));
            }
        }
    }
}
