package org.autodifflite.layers.model;

import java.util.List;
import org.autodifflite.core.Graph;
import org.autodifflite.core.Node;
import org.autodifflite.core.Parameter;

/**
 * One stage of a {@link Sequential} model: it owns its parameters (named {@code <layer>.<what>},
 * for example {@code fc1.weight}) and adds its ops to a graph.
 *
 * <p>A layer is where state lives (parameters, a dropout generator); the ops it applies stay
 * pure. Samples are columns: a layer maps an {@code in × m} node to an {@code out × m} node.
 */
public interface Layer {

    /** @return the layer's name, unique in its model; also the label of the node it adds */
    String name();

    /** @return the layer's parameters in declaration order (empty for a layer without any) */
    List<Parameter> parameters();

    /**
     * The number of rows (features) this layer outputs for a given input width, validating that
     * width.
     *
     * @param inputWidth the number of rows of the input
     * @return the number of rows of the output
     * @throws IllegalArgumentException if the layer cannot take inputs of that width
     */
    int outputWidth(int inputWidth);

    /**
     * Adds this layer's ops to a graph.
     *
     * @param graph the graph being built
     * @param input the node holding the layer's input (features × samples)
     * @param training whether the graph is for training (dropout active) or evaluation
     * @return the node holding the layer's output
     * @throws IllegalArgumentException if the input's width does not fit the layer
     */
    Node build(Graph graph, Node input, boolean training);

    /**
     * A one-line description for {@code Sequential.toString()} and reports, such as
     * {@code Dense fc1 4→5}.
     *
     * @return by default the class's simple name and the layer's name
     */
    default String describe() {
        return getClass().getSimpleName() + " " + name();
    }
}
