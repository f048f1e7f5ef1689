package org.autodifflite.layers.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.autodifflite.core.Graph;
import org.autodifflite.core.Node;
import org.autodifflite.core.Tensor;

/**
 * The graph a {@link Model} built for one batch, with its notable nodes: the data inputs (for a
 * {@link Sequential}, {@code X}), the labels ({@code Y}), the model's output and the scalar loss.
 *
 * <p>Pass {@link #graph()} and {@link #loss()} to the gradient checker
 * ({@code checkGraph(mg.graph(), mg.loss())}) or call {@link #backward()} to fill the parameters'
 * gradients.
 */
public final class ModelGraph {

    private final Graph graph;
    private final Map<String, Node> inputs;
    private final Node labels;
    private final Node output;
    private final Node loss;
    private final List<Runnable> updates;

    /**
     * Describes a graph built for one batch; for models other than the shipped ones.
     *
     * @param graph the graph
     * @param inputs the data input nodes by name, labels excluded, in the model's order
     * @param labels the labels node
     * @param output the node holding the model's output (the prediction)
     * @param loss the scalar loss node
     */
    public ModelGraph(Graph graph, Map<String, Node> inputs, Node labels, Node output, Node loss) {
        this(graph, inputs, labels, output, loss, List.of());
    }

    /**
     * Describes a graph whose building computed new values of the model's state (running
     * statistics), to be applied by {@link #commitUpdates()} once the training step succeeded.
     *
     * @param graph the graph
     * @param inputs the data input nodes by name, labels excluded, in the model's order
     * @param labels the labels node
     * @param output the node holding the model's output (the prediction)
     * @param loss the scalar loss node
     * @param updates the state updates, applied in order by {@link #commitUpdates()}
     */
    public ModelGraph(Graph graph, Map<String, Node> inputs, Node labels, Node output, Node loss,
            List<Runnable> updates) {
        this.updates = List.copyOf(updates);
        this.graph = Objects.requireNonNull(graph, "graph");
        this.inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
        this.labels = labels;
        this.output = output;
        this.loss = loss;
    }

    /** @return the graph */
    public Graph graph() {
        return graph;
    }

    /**
     * @return the only data input node (for a {@link Sequential}, {@code X}: features × samples)
     * @throws IllegalStateException if the model takes several inputs; use {@link #input(String)}
     */
    public Node input() {
        if (inputs.size() != 1) {
            throw new IllegalStateException("the model takes " + inputs.size() + " inputs " + inputs.keySet()
                    + "; use input(name)");
        }
        return inputs.values().iterator().next();
    }

    /**
     * @param name a data input's name
     * @return its node
     * @throws IllegalArgumentException if there is no input of that name; the message lists them
     */
    public Node input(String name) {
        Node n = inputs.get(name);
        if (n == null) {
            throw new IllegalArgumentException("no input '" + name + "'; the model's inputs are " + inputs.keySet());
        }
        return n;
    }

    /** @return the data input nodes by name, labels excluded, in the model's order */
    public Map<String, Node> inputs() {
        return inputs;
    }

    /** @return the labels node, labelled {@code Y} */
    public Node labels() {
        return labels;
    }

    /** @return the node holding the model's output (the prediction), before the loss */
    public Node output() {
        return output;
    }

    /** @return the scalar loss node */
    public Node loss() {
        return loss;
    }

    /** @return the current loss value */
    public double lossValue() {
        return loss.value().item();
    }

    /** @return the model's output for this batch (live tensor: do not modify) */
    public Tensor prediction() {
        return output.value();
    }

    /**
     * Applies the state updates this graph computed — a batch norm's running statistics — to
     * the model. The {@link org.autodifflite.layers.train.Trainer} calls it after each successful
     * step; a hand-written loop calls it after the optimizer's step. Building a graph never
     * changes the model's state, and neither does checking it: only this call does.
     */
    public void commitUpdates() {
        for (Runnable u : updates) {
            u.run();
        }
    }

    /**
     * Back-propagates from the loss; each parameter's gradient is <em>added</em> to (call
     * {@code graph().zeroGrad()} first to start from zero).
     */
    public void backward() {
        graph.backward(loss);
    }
}
