package org.autodifflite.layers.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;
import org.autodifflite.core.Graph;
import org.autodifflite.core.Node;
import org.autodifflite.core.Op;
import org.autodifflite.core.Parameter;
import org.autodifflite.core.Tensor;
import org.autodifflite.core.ops.LeakyReLU;
import org.autodifflite.core.ops.ReLU;
import org.autodifflite.core.ops.Sigmoid;
import org.autodifflite.core.ops.Softmax;
import org.autodifflite.core.ops.Tanh;
import org.autodifflite.layers.ops.BinaryCrossEntropy;
import org.autodifflite.layers.ops.MeanSquaredError;
import org.autodifflite.layers.ops.SigmoidBinaryCrossEntropy;
import org.autodifflite.layers.ops.SoftmaxCrossEntropy;

/**
 * A model made of layers applied one after another, ending in a loss op: the front door of
 * {@code layers}.
 *
 * <pre>{@code
 * Sequential model = Sequential.builder(4).seed(1)
 *         .dense("fc1", 5).relu()
 *         .dense("fc2", 3).relu()
 *         .dense("fc3", 1, Initializer.xavier()).sigmoid()
 *         .loss(new BinaryCrossEntropy())
 *         .build();
 * ModelGraph mg = model.graph(x, y, true);   // input X, labels Y, loss node
 * mg.backward();                             // fills fc1.weight.grad() …
 * }</pre>
 *
 * <p>The model owns its parameters, listed in declaration order with dotted names
 * ({@code fc1.weight}, {@code fc1.bias}, …). Each call to {@link #graph} builds a fresh graph for a
 * batch over the same parameter tensors, so training one graph changes what every later graph
 * computes. A training graph draws new dropout masks; an evaluation graph passes dropout through.
 */
public final class Sequential implements Model {

    private final int inputWidth;
    private final int outputWidth;
    private final List<Layer> layers;
    private final Op loss;
    private final List<Parameter> parameters;
    private final Map<String, Parameter> byName;

    private Sequential(int inputWidth, List<Layer> layers, Op loss) {
        if (inputWidth < 1) {
            throw new IllegalArgumentException("Sequential: input width must be ≥ 1, got " + inputWidth);
        }
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("Sequential: a model needs at least one layer");
        }
        Objects.requireNonNull(loss, "loss");
        if (loss.arity() != 2) {
            throw new IllegalArgumentException("Sequential: loss op " + loss.name() + " takes " + loss.arity()
                    + " inputs; a loss takes two (prediction, labels)");
        }
        int width = inputWidth;
        Map<String, Layer> layerNames = new HashMap<>();
        Map<String, Parameter> names = new LinkedHashMap<>();
        for (Layer layer : layers) {
            if (layerNames.put(layer.name(), layer) != null) {
                throw new IllegalArgumentException("Sequential: two layers are named '" + layer.name()
                        + "'; layer names must be unique");
            }
            width = layer.outputWidth(width);
            for (Parameter p : layer.parameters()) {
                if (names.put(p.name(), p) != null) {
                    throw new IllegalArgumentException("Sequential: two parameters are named '" + p.name() + "'");
                }
            }
        }
        this.inputWidth = inputWidth;
        this.outputWidth = width;
        this.layers = List.copyOf(layers);
        this.loss = loss;
        this.parameters = List.copyOf(names.values());
        this.byName = Collections.unmodifiableMap(names);
    }

    /**
     * Starts building a model.
     *
     * @param inputWidth the number of input features (rows of {@code X}), ≥ 1
     * @return a builder; its default seed is 0
     */
    public static Builder builder(int inputWidth) {
        return new Builder(inputWidth);
    }

    /**
     * Makes a model from ready layers.
     *
     * @param inputWidth the number of input features
     * @param loss the loss op, taking (prediction, labels)
     * @param layers the layers, first to last
     * @return the model
     * @throws IllegalArgumentException if the widths do not chain, names repeat, or a size is 0
     */
    public static Sequential of(int inputWidth, Op loss, List<Layer> layers) {
        return new Sequential(inputWidth, new ArrayList<>(layers), loss);
    }

    /** @return the number of input features */
    public int inputWidth() {
        return inputWidth;
    }

    /** @return the number of output rows */
    public int outputWidth() {
        return outputWidth;
    }

    /** @return the layers, first to last */
    public List<Layer> layers() {
        return layers;
    }

    /** @return the loss op */
    public Op loss() {
        return loss;
    }

    /** @return every parameter, in declaration order ({@code fc1.weight, fc1.bias, fc2.weight, …}) */
    @Override
    public List<Parameter> parameters() {
        return parameters;
    }

    /**
     * Finds a parameter by its dotted name.
     *
     * @param name for example {@code fc1.weight}
     * @return the parameter (live: its value is the model's)
     * @throws IllegalArgumentException if there is none; the message lists the names
     */
    @Override
    public Parameter parameter(String name) {
        Parameter p = byName.get(name);
        if (p == null) {
            throw new IllegalArgumentException("model has no parameter '" + name + "'; it has " + byName.keySet());
        }
        return p;
    }

    /**
     * Sets a parameter's value (copied in).
     *
     * @param name the parameter's dotted name
     * @param value a tensor of the parameter's shape
     * @throws IllegalArgumentException if there is no such parameter or the shape differs; the
     *     parameter is then unchanged
     */
    public void setParameter(String name, Tensor value) {
        parameter(name).assign(value);
    }

    /** @return {@code [X, Y]}: the input batch and its labels */
    @Override
    public List<String> dataNames() {
        return List.of("X", "Y");
    }

    /** @return {@code Y} */
    @Override
    public String labelsName() {
        return "Y";
    }

    /**
     * @return 1: {@code X} and {@code Y} hold one sample per column
     * @throws IllegalArgumentException if the name is not {@code X} or {@code Y}
     */
    @Override
    public int sampleAxis(String name) {
        if (!"X".equals(name) && !"Y".equals(name)) {
            throw new IllegalArgumentException("a Sequential model takes data X and labels Y, not '" + name + "'");
        }
        return 1;
    }

    /**
     * Builds the graph for a batch given by name, as {@link #graph(Tensor, Tensor, boolean)}.
     *
     * @param batch {@code X} and {@code Y}
     * @param training whether dropout is active
     * @return the graph and its notable nodes
     * @throws IllegalArgumentException if {@code X} or {@code Y} is missing, another name is
     *     given, or the shapes do not fit
     */
    @Override
    public ModelGraph graph(Map<String, Tensor> batch, boolean training) {
        ModelData.requireNames("Sequential", dataNames(), batch);
        return graph(batch.get("X"), batch.get("Y"), training);
    }

    /**
     * @param inputs {@code X}
     * @return the output, as {@link #predict(Tensor)}
     * @throws IllegalArgumentException if {@code X} is missing or misshapen
     */
    @Override
    public Tensor predict(Map<String, Tensor> inputs) {
        ModelData.requireNames("Sequential", List.of("X"), inputs);
        return predict(inputs.get("X"));
    }

    /** @return the total number of trainable values */
    @Override
    public int parameterCount() {
        int n = 0;
        for (Parameter p : parameters) {
            n += p.value().size();
        }
        return n;
    }

    /**
     * Builds the graph for one batch: input {@code X}, each layer in turn, labels {@code Y} and
     * the loss.
     *
     * @param x the batch, {@code inputWidth × m} (kept by the graph, not copied)
     * @param y the labels, {@code outputWidth × m}
     * @param training {@code true} for a training graph (dropout draws masks), {@code false} for
     *     evaluation (dropout passes through)
     * @return the graph and its notable nodes
     * @throws IllegalArgumentException if {@code x} does not have {@code inputWidth} rows, or the
     *     labels do not fit the output (the loss op names the shapes)
     */
    public ModelGraph graph(Tensor x, Tensor y, boolean training) {
        requireInput(x);
        Graph g = new Graph();
        Node in = g.input("X", x);
        Node out = forward(g, in, training);
        Node labels = g.input("Y", y);
        Node lossNode = g.apply("loss", loss, out, labels);
        return new ModelGraph(g, Map.of("X", in), labels, out, lossNode);
    }

    /**
     * The model's output for a batch in evaluation mode (no dropout, no loss): what the last
     * layer computes. For a model trained with {@link SigmoidBinaryCrossEntropy} or
     * {@link SoftmaxCrossEntropy} these are <em>logits</em>, not probabilities (those losses
     * apply the sigmoid or softmax themselves); {@link #predictProbabilities(Tensor)} gives
     * probabilities whatever the loss.
     *
     * @param x the batch, {@code inputWidth × m}
     * @return the output, {@code outputWidth × m}
     * @throws IllegalArgumentException if {@code x} does not have {@code inputWidth} rows
     */
    public Tensor predict(Tensor x) {
        requireInput(x);
        Graph g = new Graph();
        return forward(g, g.input("X", x), false).value();
    }

    /**
     * The model's output for a batch as probabilities, in evaluation mode. What the last layer
     * computes depends on the loss the model was built with, and this method reads it from there:
     * <ul>
     *   <li>{@link SigmoidBinaryCrossEntropy}: the output is logits; returns the sigmoid of each
     *       entry (the probability of label 1);</li>
     *   <li>{@link SoftmaxCrossEntropy}: the output is one logit per class (rows); returns the
     *       softmax of each column (the classes' probabilities, summing to 1);</li>
     *   <li>{@link BinaryCrossEntropy}: the output already is probabilities (the model ends in a
     *       sigmoid); returns it as {@link #predict(Tensor)} does, after checking that every
     *       entry lies within [0, 1].</li>
     * </ul>
     * Any other loss ({@link MeanSquaredError}, a loss of your own) predicts values, not
     * probabilities, and is refused.
     *
     * @param x the batch, {@code inputWidth × m}
     * @return the probabilities, {@code outputWidth × m}, each within [0, 1]
     * @throws IllegalArgumentException if {@code x} does not have {@code inputWidth} rows, the
     *     loss does not say what the output means, or a model with {@code BinaryCrossEntropy}
     *     outputs a value outside [0, 1]
     */
    public Tensor predictProbabilities(Tensor x) {
        // Exact classes, not instanceof: the loss decides what the output means, and only the
        // shipped ops are known to mean it.
        Class<?> kind = loss.getClass();
        if (kind != SigmoidBinaryCrossEntropy.class && kind != SoftmaxCrossEntropy.class
                && kind != BinaryCrossEntropy.class) {
            throw new IllegalArgumentException("predictProbabilities: the model's loss is " + loss.name()
                    + ", so its outputs are values, not probabilities (only BinaryCrossEntropy,"
                    + " SigmoidBinaryCrossEntropy and SoftmaxCrossEntropy models predict probabilities); use predict(x)");
        }
        Tensor out = predict(x);
        if (kind == SigmoidBinaryCrossEntropy.class) {
            return SIGMOID.forward(out);
        }
        if (kind == SoftmaxCrossEntropy.class) {
            return SOFTMAX_OVER_CLASSES.forward(out);
        }
        double[] d = out.data();
        for (int k = 0; k < d.length; k++) {
            if (!(d[k] >= 0.0 && d[k] <= 1.0)) {
                throw new IllegalArgumentException("predictProbabilities: output [" + k / out.cols() + "]["
                        + k % out.cols() + "] = " + d[k] + " is not within [0, 1]; a model trained with"
                        + " BinaryCrossEntropy must end in a sigmoid (.sigmoid() as its last layer)");
            }
        }
        return out;
    }

    private static final Op SIGMOID = new Sigmoid();
    /** Classes are rows, samples columns: each column's logits become that sample's probabilities. */
    private static final Op SOFTMAX_OVER_CLASSES = new Softmax(0);

    private Node forward(Graph g, Node in, boolean training) {
        Node cur = in;
        for (Layer layer : layers) {
            cur = layer.build(g, cur, training);
        }
        return cur;
    }

    private void requireInput(Tensor x) {
        Objects.requireNonNull(x, "x");
        if (x.rows() != inputWidth) {
            throw new IllegalArgumentException("model input X is " + x.shape() + " but the model takes "
                    + inputWidth + " features: X must be " + inputWidth + " × batch (one sample per column)");
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Sequential(").append(inputWidth).append(" inputs");
        for (Layer l : layers) {
            sb.append(" → ").append(l.describe());
        }
        return sb.append(" → loss ").append(loss.name()).append(')').toString();
    }

    /**
     * Builds a {@link Sequential} layer by layer, tracking the width so that each dense layer
     * gets the right number of inputs, and drawing every initial weight and dropout generator from
     * one seeded generator in declaration order (same seed, same model).
     */
    public static final class Builder {

        private final int inputWidth;
        private final List<Layer> layers = new ArrayList<>();
        private final Map<String, Integer> counters = new HashMap<>();
        private int width;
        private long seed;
        private RandomGenerator rng;
        private Op loss;

        private Builder(int inputWidth) {
            if (inputWidth < 1) {
                throw new IllegalArgumentException("Sequential: input width must be ≥ 1, got " + inputWidth);
            }
            this.inputWidth = inputWidth;
            this.width = inputWidth;
        }

        /**
         * Sets the seed of the generator that draws initial weights and dropout masks. Call it
         * before adding layers.
         *
         * @param seed the seed
         * @return this builder
         * @throws IllegalStateException if layers were already added
         */
        public Builder seed(long seed) {
            if (rng != null) {
                throw new IllegalStateException("Sequential.Builder: set the seed before adding layers");
            }
            this.seed = seed;
            return this;
        }

        /**
         * Adds a dense layer with He initialization.
         *
         * @param name the layer name, such as {@code fc1}
         * @param units the number of output units, ≥ 1
         * @return this builder
         * @throws IllegalArgumentException if {@code units < 1}
         */
        public Builder dense(String name, int units) {
            return dense(name, units, Initializer.he());
        }

        /**
         * Adds a dense layer.
         *
         * @param name the layer name, such as {@code fc1}
         * @param units the number of output units, ≥ 1
         * @param init how to draw its weights
         * @return this builder
         * @throws IllegalArgumentException if {@code units < 1}
         */
        public Builder dense(String name, int units, Initializer init) {
            return add(new Dense(name, width, units, init, rng()));
        }

        /**
         * Adds a ReLU activation, named {@code relu1}, {@code relu2}, ….
         *
         * @return this builder
         */
        public Builder relu() {
            return activation("relu", new ReLU());
        }

        /**
         * Adds a leaky ReLU activation, named {@code leakyrelu1}, ….
         *
         * @param slope the factor for non-positive inputs
         * @return this builder
         */
        public Builder leakyRelu(double slope) {
            return activation("leakyrelu", new LeakyReLU(slope));
        }

        /**
         * Adds a sigmoid activation, named {@code sigmoid1}, ….
         *
         * @return this builder
         */
        public Builder sigmoid() {
            return activation("sigmoid", new Sigmoid());
        }

        /**
         * Adds a tanh activation, named {@code tanh1}, ….
         *
         * @return this builder
         */
        public Builder tanh() {
            return activation("tanh", new Tanh());
        }

        /**
         * Adds a dropout layer, named {@code dropout1}, …, with its own generator seeded from the
         * model's.
         *
         * @param keep the probability of keeping a unit, in (0, 1]
         * @return this builder
         * @throws IllegalArgumentException if {@code keep} is not in (0, 1]
         */
        public Builder dropout(double keep) {
            return add(new DropoutLayer(nextName("dropout"), keep, new Well19937c(rng().nextLong())));
        }

        /**
         * Adds any layer; its input width must fit the current width.
         *
         * @param layer the layer
         * @return this builder
         * @throws IllegalArgumentException if the layer does not accept the current width
         */
        public Builder add(Layer layer) {
            width = layer.outputWidth(width);
            layers.add(layer);
            return this;
        }

        /**
         * Sets the loss op, taking (prediction, labels).
         *
         * @param lossOp for example {@link org.autodifflite.layers.ops.BinaryCrossEntropy}
         * @return this builder
         */
        public Builder loss(Op lossOp) {
            this.loss = Objects.requireNonNull(lossOp, "loss");
            return this;
        }

        /** @return the width the next layer receives */
        public int currentWidth() {
            return width;
        }

        /**
         * @return the model
         * @throws IllegalArgumentException if no layer or no loss was given, or names repeat
         */
        public Sequential build() {
            if (loss == null) {
                throw new IllegalArgumentException("Sequential.Builder: no loss op; call loss(…) before build()");
            }
            return new Sequential(inputWidth, layers, loss);
        }

        /**
         * Adds an activation layer applying any element-wise op, named {@code <kind>1},
         * {@code <kind>2}, … — the way {@link #relu()} and friends are made, for an activation of
         * your own (for example {@code activation("swish", new Swish())}).
         *
         * @param kind the name stem, such as {@code swish}
         * @param op an op of one input whose output is shaped like its input
         * @return this builder
         */
        public Builder activation(String kind, Op op) {
            return add(new Activation(nextName(kind), op));
        }

        private String nextName(String kind) {
            int n = counters.merge(kind, 1, Integer::sum);
            return kind + n;
        }

        /**
         * The builder's seeded generator, from which every initial weight and dropout generator
         * is drawn in declaration order: a custom layer that draws its own initial values from it
         * shares the model's seed (same seed, same model).
         *
         * @return the generator, created from the seed on first use
         */
        public RandomGenerator rng() {
            if (rng == null) {
                rng = new Well19937c(seed);
            }
            return rng;
        }
    }
}
