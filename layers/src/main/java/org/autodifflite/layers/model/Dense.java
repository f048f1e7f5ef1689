package org.autodifflite.layers.model;

import java.util.List;
import org.apache.commons.math3.random.RandomGenerator;
import org.autodifflite.core.Graph;
import org.autodifflite.core.Node;
import org.autodifflite.core.Op;
import org.autodifflite.core.Parameter;
import org.autodifflite.core.Tensor;
import org.autodifflite.layers.ops.Linear;

/**
 * A fully connected layer: owns {@code <name>.weight} (out × in) and {@code <name>.bias}
 * (out × 1, initialized to zeros) and applies {@link Linear} to them, {@code Z = W·X + b}.
 */
public final class Dense implements Layer {

    private static final Op LINEAR = new Linear();

    private final String name;
    private final int inputs;
    private final int units;
    private final Parameter weight;
    private final Parameter bias;

    /**
     * Creates the layer and draws its weights.
     *
     * @param name the layer name, a dotted identifier such as {@code fc1}
     * @param inputs the number of input features, ≥ 1
     * @param units the number of output units, ≥ 1
     * @param init how to draw the weights
     * @param rng the seeded generator to draw from
     * @throws IllegalArgumentException if a size is below 1 or the name is not an identifier
     */
    public Dense(String name, int inputs, int units, Initializer init, RandomGenerator rng) {
        if (inputs < 1 || units < 1) {
            throw new IllegalArgumentException("Dense '" + name + "': sizes must be ≥ 1, got " + inputs
                    + " inputs and " + units + " units; a layer of size 0 has nothing to compute");
        }
        this.name = name;
        this.inputs = inputs;
        this.units = units;
        this.weight = new Parameter(name + ".weight", init.initialize(units, inputs, rng));
        this.bias = new Parameter(name + ".bias", Tensor.zeros(units, 1));
        if (!weight.value().sameShape(Tensor.zeros(units, inputs))) {
            throw new IllegalArgumentException("Dense '" + name + "': the initializer returned "
                    + weight.value().shape() + ", expected " + Tensor.shape(units, inputs));
        }
    }

    @Override
    public String name() {
        return name;
    }

    /** @return the number of input features */
    public int inputs() {
        return inputs;
    }

    /** @return the number of output units */
    public int units() {
        return units;
    }

    /** @return the weight parameter, {@code <name>.weight} (units × inputs) */
    public Parameter weight() {
        return weight;
    }

    /** @return the bias parameter, {@code <name>.bias} (units × 1) */
    public Parameter bias() {
        return bias;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(weight, bias);
    }

    @Override
    public int outputWidth(int inputWidth) {
        requireWidth(inputWidth);
        return units;
    }

    @Override
    public Node build(Graph graph, Node input, boolean training) {
        requireWidth(input.value().rows());
        return graph.apply(name, LINEAR, input, graph.parameter(weight), graph.parameter(bias));
    }

    private void requireWidth(int width) {
        if (width != inputs) {
            throw new IllegalArgumentException("Dense '" + name + "' expects inputs with " + inputs
                    + " rows (features) but got " + width + "; its weight is " + weight.value().shape()
                    + " (units × inputs), so the previous layer must output " + inputs + " features");
        }
    }

    @Override
    public String describe() {
        return "Dense " + name + " " + inputs + "→" + units;
    }

    @Override
    public String toString() {
        return describe();
    }
}
