package org.autodifflite.layers.model;

import org.autodifflite.core.Graph;
import org.autodifflite.core.Node;
import org.autodifflite.core.Tensor;

/**
 * The graph a {@link Sequential} model built for one batch, with its notable nodes: the input
 * {@code X}, the labels {@code Y}, the model's output and the 1×1 loss.
 *
 * <p>Pass {@link #graph()} and {@link #loss()} to the gradient checker
 * ({@code checkGraph(mg.graph(), mg.loss())}) or call {@link #backward()} to fill the parameters'
 * gradients.
 */
public final class ModelGraph {

    private final Graph graph;
    private final Node input;
    private final Node labels;
    private final Node output;
    private final Node loss;

    ModelGraph(Graph graph, Node input, Node labels, Node output, Node loss) {
        this.graph = graph;
        this.input = input;
        this.labels = labels;
        this.output = output;
        this.loss = loss;
    }

    /** @return the graph */
    public Graph graph() {
        return graph;
    }

    /** @return the input node, labelled {@code X} (features × samples) */
    public Node input() {
        return input;
    }

    /** @return the labels node, labelled {@code Y} */
    public Node labels() {
        return labels;
    }

    /** @return the node holding the model's output (the prediction), before the loss */
    public Node output() {
        return output;
    }

    /** @return the 1×1 loss node */
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
     * Back-propagates from the loss; each parameter's gradient is <em>added</em> to (call
     * {@code graph().zeroGrad()} first to start from zero).
     */
    public void backward() {
        graph.backward(loss);
    }
}
