package org.autodifflite.demo;

import java.util.List;
import java.util.Objects;
import org.autodifflite.core.Graph;
import org.autodifflite.core.Node;
import org.autodifflite.core.Parameter;
import org.autodifflite.layers.model.Dense;
import org.autodifflite.layers.model.Layer;
import org.autodifflite.layers.ops.Linear;

/**
 * A dense layer whose backward pass carries a {@link PlantedBug} in its weight's or bias's
 * gradient: same parameters, same forward pass, same node label as the {@link Dense} it wraps.
 * For the demonstration only.
 */
final class PlantedBugLayer implements Layer {

    private final Dense dense;
    private final PlantedBug op;

    /**
     * @param dense the correct layer, whose parameters this one shares
     * @param parameter {@code weight} or {@code bias}: whose gradient goes wrong
     * @param kind what goes wrong
     * @param factor the factor for a {@link PlantedBug.Kind#SCALE} bug
     * @throws IllegalArgumentException if {@code parameter} is neither {@code weight} nor {@code bias}
     */
    PlantedBugLayer(Dense dense, String parameter, PlantedBug.Kind kind, double factor) {
        this.dense = Objects.requireNonNull(dense, "dense");
        int input = switch (parameter) {
            case "weight" -> 1;
            case "bias" -> 2;
            default -> throw new IllegalArgumentException("layer '" + dense.name() + "' has no parameter '"
                    + parameter + "'; a bug can be planted in " + dense.name() + ".weight or "
                    + dense.name() + ".bias");
        };
        this.op = new PlantedBug(new Linear(), input, kind, factor);
    }

    /** @return the bug, for example {@code "W ×2"} */
    String bug() {
        return op.bug();
    }

    @Override
    public String name() {
        return dense.name();
    }

    @Override
    public List<Parameter> parameters() {
        return dense.parameters();
    }

    @Override
    public int outputWidth(int inputWidth) {
        return dense.outputWidth(inputWidth);
    }

    @Override
    public Node build(Graph graph, Node input, boolean training) {
        dense.outputWidth(input.value().rows()); // the same width check as the layer wrapped
        return graph.apply(dense.name(), op, input, graph.parameter(dense.weight()),
                graph.parameter(dense.bias()));
    }

    @Override
    public String toString() {
        return dense + " [planted bug: " + op.bug() + "]";
    }
}
