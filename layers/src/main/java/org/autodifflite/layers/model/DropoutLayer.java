package org.autodifflite.layers.model;

import java.util.List;
import org.apache.commons.math3.random.RandomGenerator;
import org.autodifflite.core.Graph;
import org.autodifflite.core.Node;
import org.autodifflite.core.Op;
import org.autodifflite.core.Parameter;
import org.autodifflite.layers.ops.Dropout;

/**
 * Inverted dropout. In a training graph it draws a fresh mask from its seeded generator, adds it
 * as an input leaf labelled {@code <name>.mask} and applies {@link Dropout}; in an evaluation
 * graph it passes its input through unchanged (inverted dropout already rescaled the kept units
 * during training, so nothing needs rescaling now).
 */
public final class DropoutLayer implements Layer {

    private static final Op DROPOUT = new Dropout();

    private final String name;
    private final double keep;
    private final RandomGenerator rng;

    /**
     * Creates the layer.
     *
     * @param name the layer name, unique in its model
     * @param keep the probability of keeping a unit, in (0, 1]
     * @param rng the seeded generator masks are drawn from (the layer advances it)
     * @throws IllegalArgumentException if {@code keep} is not in (0, 1]
     */
    public DropoutLayer(String name, double keep, RandomGenerator rng) {
        Dropout.requireKeep(keep);
        this.name = name;
        this.keep = keep;
        this.rng = rng;
    }

    @Override
    public String name() {
        return name;
    }

    /** @return the probability of keeping a unit */
    public double keep() {
        return keep;
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
        if (!training) {
            return input;
        }
        Node mask = graph.input(name + ".mask",
                Dropout.mask(input.value().rows(), input.value().cols(), keep, rng));
        return graph.apply(name, DROPOUT, input, mask);
    }

    @Override
    public String describe() {
        return "Dropout " + name + " keep=" + keep;
    }

    @Override
    public String toString() {
        return describe();
    }
}
