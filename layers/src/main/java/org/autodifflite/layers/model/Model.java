package org.autodifflite.layers.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.autodifflite.core.Parameter;
import org.autodifflite.core.Tensor;

/**
 * What {@link org.autodifflite.layers.train.Trainer}, {@link org.autodifflite.layers.io.ModelFile}
 * and the gradient checker need of a model: its parameters, the named data it takes per batch,
 * and a graph for one batch. {@link Sequential} (a stack of layers) and {@link GraphModel} (any
 * graph written with the expression API: several inputs, residual connections, shared
 * parameters) are the two kinds shipped.
 *
 * <p><b>Where the samples lie.</b> Each data input holds a batch of samples along its
 * {@linkplain #sampleAxis sample axis}. A sample of one axis (a feature vector) is a column: the
 * input is features × batch, as in the seed notebook, and the sample axis is the last. A sample
 * of two or more axes (an image C×H×W, a sequence) gets the batch in front (N×C×H×W), and the
 * sample axis is the first.
 */
public interface Model {

    /** @return every parameter, in declaration order, with dotted names ({@code fc1.weight}, …) */
    List<Parameter> parameters();

    /**
     * The model's state that is not trained: named tensors such as a batch norm's running
     * statistics. They are saved and loaded with the parameters, never given to an optimizer and
     * never perturbed by the gradient checker; they change only through
     * {@link ModelGraph#commitUpdates()}.
     *
     * @return the buffers, in declaration order (by default none)
     */
    default List<Parameter> buffers() {
        return List.of();
    }

    /**
     * @return the names of the data the model takes per batch, in order, labels included (for
     *     example {@code [X, Y]})
     */
    List<String> dataNames();

    /** @return the name of the labels among {@link #dataNames()}; prediction does not need them */
    String labelsName();

    /**
     * The axis of a data input along which its samples lie.
     *
     * @param name one of {@link #dataNames()}
     * @return the axis: the last for features × batch data, 0 for batch-first data
     * @throws IllegalArgumentException if the model takes no data of that name
     */
    int sampleAxis(String name);

    /**
     * Builds the graph for one batch: the data as input leaves, the model's ops, the loss.
     *
     * @param batch one tensor per name of {@link #dataNames()}, each holding the same number of
     *     samples (kept by the graph, not copied)
     * @param training {@code true} for a training graph (dropout draws masks), {@code false} for
     *     evaluation
     * @return the graph and its notable nodes
     * @throws IllegalArgumentException if a data input is missing, unexpected or misshapen; the
     *     message names it, the expected shape and the fix
     */
    ModelGraph graph(Map<String, Tensor> batch, boolean training);

    /**
     * The model's output for a batch in evaluation mode (no dropout, no loss, no labels needed).
     *
     * @param inputs one tensor per data input other than the labels
     * @return the output
     * @throws IllegalArgumentException if an input is missing or misshapen
     */
    Tensor predict(Map<String, Tensor> inputs);

    /**
     * Finds a parameter by its dotted name.
     *
     * @param name for example {@code fc1.weight}
     * @return the parameter (live: its value is the model's)
     * @throws IllegalArgumentException if there is none; the message lists the names
     */
    default Parameter parameter(String name) {
        List<String> names = new ArrayList<>();
        for (Parameter p : parameters()) {
            if (p.name().equals(name)) {
                return p;
            }
            names.add(p.name());
        }
        throw new IllegalArgumentException("model has no parameter '" + name + "'; it has " + names);
    }

    /** @return the total number of trainable values */
    default int parameterCount() {
        int n = 0;
        for (Parameter p : parameters()) {
            n += p.value().size();
        }
        return n;
    }
}
