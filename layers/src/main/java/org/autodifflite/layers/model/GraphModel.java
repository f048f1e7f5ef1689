package org.autodifflite.layers.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;
import org.autodifflite.core.Graph;
import org.autodifflite.core.Node;
import org.autodifflite.core.Op;
import org.autodifflite.core.Parameter;
import org.autodifflite.core.Tensor;
import org.autodifflite.layers.ops.Dropout;
import org.autodifflite.layers.ops.Linear;

/**
 * A model over any graph: a forward function written with the expression API, over named data
 * inputs and named parameters — several inputs, residual connections, shared parameters. Trained
 * by the same {@link org.autodifflite.layers.train.Trainer} and optimizers as a
 * {@link Sequential}, saved and loaded by {@link org.autodifflite.layers.io.ModelFile}, checked
 * by {@code GradientChecker.checkGraph}.
 *
 * <pre>{@code
 * GraphModel model = GraphModel.builder().seed(1)
 *         .input("x", 8).labels("y", 1)
 *         .forward(m -> {
 *             Node h = m.dense("fc1", m.input("x"), 16).relu();
 *             Node r = m.dense("fc2", h, 16).relu().add(h);               // residual connection
 *             return m.dense("out", r, 1).sigmoid();
 *         })
 *         .loss(new BinaryCrossEntropy())
 *         .build();                                    // parameters fc1.weight, fc1.bias, …
 * }</pre>
 *
 * <p><b>Define by run.</b> The forward function runs anew for every batch, on a fresh
 * {@link Graph}; the parameters it asks for by name are created once, when the model is built (a
 * trace on one sample of zeros draws them from the seeded generator in the order the function
 * asks for them), and are the same tensors in every later graph. Asking twice for the same name
 * in one run shares the parameter: {@code m.dense("enc", a, 8)} and {@code m.dense("enc", b, 8)}
 * apply one encoder to two inputs, and its gradient is the sum of both uses.
 *
 * <p><b>Data layout.</b> {@code input("x", 8)} declares a feature input: 8 features × batch,
 * one sample per column, as in {@link Sequential}. {@code input("img", 1, 8, 8)} declares a
 * sample of several axes: the batch goes in front (N×1×8×8). See {@link Model}.
 */
public final class GraphModel implements Model {

    /** The forward function: builds the model's output from its inputs on one graph. */
    @FunctionalInterface
    public interface Forward {
        /**
         * @param m the scope of one graph: inputs, parameters and layers by name
         * @return the node holding the model's output (the prediction)
         */
        Node apply(Scope m);
    }

    /** A loss written with the expression API. */
    @FunctionalInterface
    public interface Loss {
        /**
         * @param prediction the model's output
         * @param labels the labels input
         * @return a node holding one value: the loss of the batch
         */
        Node apply(Node prediction, Node labels);
    }

    /** One declared data input: its name and the dims of one sample. */
    private record Spec(String name, int[] sampleDims) {
        int sampleAxis() {
            return sampleDims.length == 1 ? 1 : 0;
        }

        int[] batchDims(int n) {
            int[] d = new int[sampleDims.length + 1];
            if (sampleDims.length == 1) {
                d[0] = sampleDims[0];
                d[1] = n;
            } else {
                d[0] = n;
                System.arraycopy(sampleDims, 0, d, 1, sampleDims.length);
            }
            return d;
        }

        /** The shape with the batch axis named, such as {@code 8×batch} or {@code batch×1×8×8}. */
        String layout() {
            StringBuilder sb = new StringBuilder(sampleDims.length == 1 ? "" : "batch×");
            for (int i = 0; i < sampleDims.length; i++) {
                sb.append(i == 0 ? "" : "×").append(sampleDims[i]);
            }
            return sampleDims.length == 1 ? sb.append("×batch").toString() : sb.toString();
        }
    }

    private final List<Spec> inputs;
    private final Spec labels;
    private final Forward forward;
    private final Loss loss;
    private final List<Parameter> parameters;
    private final Map<String, Parameter> byName;
    private final List<Parameter> buffers;
    private final Map<String, Parameter> buffersByName;
    private final RandomGenerator masks;

    private GraphModel(Builder b) {
        this.inputs = List.copyOf(b.inputs);
        this.labels = b.labels;
        this.forward = b.forward;
        this.loss = b.loss;
        RandomGenerator init = new Well19937c(b.seed);
        // A trace on one sample of zeros creates every parameter the forward function asks for.
        Map<String, Parameter> created = new LinkedHashMap<>();
        Map<String, Parameter> createdBuffers = new LinkedHashMap<>();
        Scope trace = new Scope(new Graph(), true, created, createdBuffers, init, new Well19937c(init.nextLong()));
        Map<String, Tensor> zeros = new LinkedHashMap<>();
        for (Spec s : inputs) {
            zeros.put(s.name(), Tensor.zeros(s.batchDims(1)));
        }
        zeros.put(labels.name(), Tensor.zeros(labels.batchDims(1)));
        build(trace, zeros);
        this.byName = Collections.unmodifiableMap(created);
        this.parameters = List.copyOf(created.values());
        this.buffersByName = Collections.unmodifiableMap(createdBuffers);
        this.buffers = List.copyOf(createdBuffers.values());
        this.masks = new Well19937c(init.nextLong());
    }

    /**
     * Starts building a model.
     *
     * @return a builder; its default seed is 0
     */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public List<Parameter> parameters() {
        return parameters;
    }

    @Override
    public Parameter parameter(String name) {
        Parameter p = byName.get(name);
        if (p == null) {
            throw new IllegalArgumentException("model has no parameter '" + name + "'; it has " + byName.keySet());
        }
        return p;
    }

    @Override
    public List<Parameter> buffers() {
        return buffers;
    }

    @Override
    public List<String> dataNames() {
        List<String> names = inputNames();
        names.add(labels.name());
        return names;
    }

    @Override
    public String labelsName() {
        return labels.name();
    }

    @Override
    public int sampleAxis(String name) {
        return spec(name).sampleAxis();
    }

    /**
     * The shape a data input takes for a batch of {@code n} samples.
     *
     * @param name a data input's or the labels' name
     * @param n the number of samples
     * @return its dims, for example {@code [8, n]} for {@code input("x", 8)}
     * @throws IllegalArgumentException if the model takes no data of that name
     */
    public int[] batchDims(String name, int n) {
        return spec(name).batchDims(n);
    }

    @Override
    public ModelGraph graph(Map<String, Tensor> batch, boolean training) {
        ModelData.requireNames("GraphModel", dataNames(), batch);
        return build(new Scope(new Graph(), training, null, null, null, masks), batch);
    }

    @Override
    public Tensor predict(Map<String, Tensor> data) {
        ModelData.requireNames("GraphModel", inputNames(), data);
        Scope m = new Scope(new Graph(), false, null, null, null, masks);
        feed(m, data);
        return forward.apply(m).value();
    }

    /**
     * The output for a model of one input: {@code predict(Map.of(name, x))}.
     *
     * @param x the input batch
     * @return the model's output in evaluation mode
     * @throws IllegalArgumentException if the model takes several inputs or {@code x} is misshapen
     */
    public Tensor predict(Tensor x) {
        if (inputs.size() != 1) {
            throw new IllegalArgumentException("GraphModel: the model takes " + inputs.size() + " inputs "
                    + inputNames() + "; call predict(Map.of(name, tensor, …))");
        }
        return predict(Map.of(inputs.get(0).name(), x));
    }

    private ModelGraph build(Scope m, Map<String, Tensor> batch) {
        Map<String, Node> in = feed(m, batch);
        Node y = m.data(labels, batch.get(labels.name()), samples(batch));
        Node out = Objects.requireNonNull(forward.apply(m), "GraphModel: the forward function returned null");
        Node l = Objects.requireNonNull(loss.apply(out, y), "GraphModel: the loss function returned null");
        if (!l.value().isScalar()) {
            throw new IllegalArgumentException("GraphModel: the loss is " + l.value().shape()
                    + ", not one value; reduce it (for example .mean())");
        }
        return new ModelGraph(m.graph, in, y, out, l, m.updates);
    }

    private Map<String, Node> feed(Scope m, Map<String, Tensor> data) {
        int n = samples(data);
        Map<String, Node> in = new LinkedHashMap<>();
        for (Spec s : inputs) {
            in.put(s.name(), m.data(s, data.get(s.name()), n));
        }
        return in;
    }

    /** The number of samples of the first input, which every other must match; -1 if its rank is wrong. */
    private int samples(Map<String, Tensor> data) {
        Spec first = inputs.get(0);
        Tensor t = data.get(first.name());
        return t.rank() == first.sampleDims().length + 1 ? t.dim(first.sampleAxis()) : -1;
    }

    private List<String> inputNames() {
        List<String> names = new ArrayList<>();
        for (Spec s : inputs) {
            names.add(s.name());
        }
        return names;
    }

    private Spec spec(String name) {
        for (Spec s : inputs) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        if (labels.name().equals(name)) {
            return labels;
        }
        throw new IllegalArgumentException("GraphModel: no data named '" + name + "'; it takes " + dataNames());
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("GraphModel(");
        for (Spec s : inputs) {
            sb.append(s.name()).append(' ').append(s.layout()).append(", ");
        }
        sb.append("labels ").append(labels.name()).append(' ').append(labels.layout());
        sb.append("; ").append(parameters.size()).append(" parameters, ").append(parameterCount()).append(" values)");
        return sb.toString();
    }

    /**
     * The scope of one run of the forward function: the graph being built, the data inputs, and
     * parameters and layers by name. Made by the model; the forward function receives it.
     */
    public final class Scope {

        private final Graph graph;
        private final boolean training;
        /** While tracing: where new parameters go; afterwards null (no parameter may appear). */
        private final Map<String, Parameter> creating;
        private final Map<String, Parameter> creatingBuffers;
        private final List<Runnable> updates = new ArrayList<>();
        private final RandomGenerator init;
        private final RandomGenerator masks;
        private final Set<String> labels = new HashSet<>();
        private final Map<String, Integer> counters = new HashMap<>();

        private Scope(Graph graph, boolean training, Map<String, Parameter> creating,
                Map<String, Parameter> creatingBuffers, RandomGenerator init, RandomGenerator masks) {
            this.graph = graph;
            this.training = training;
            this.creating = creating;
            this.creatingBuffers = creatingBuffers;
            this.init = init;
            this.masks = masks;
        }

        /** @return the graph being built */
        public Graph graph() {
            return graph;
        }

        /** @return whether this graph is for training (dropout active) or evaluation */
        public boolean training() {
            return training;
        }

        /**
         * @param name a declared input's name
         * @return its node in this graph
         * @throws IllegalArgumentException if no input of that name was declared (the labels are
         *     for the loss, not the forward function)
         */
        public Node input(String name) {
            for (Spec s : inputs) {
                if (s.name().equals(name)) {
                    return graph.node(name);
                }
            }
            throw new IllegalArgumentException("GraphModel: the forward function asked for input '" + name
                    + "' but the model declares inputs " + inputNames()
                    + (GraphModel.this.labels.name().equals(name) ? " ('" + name + "' is the labels, which only the loss sees)"
                            : "; declare it with input(\"" + name + "\", …)"));
        }

        /**
         * A parameter by name: created with {@code init} the first time the model is built,
         * the same tensor on every later run. Asking again for the same name shares it.
         *
         * @param name a dotted name, such as {@code attn.query}
         * @param initializer how to draw its initial values (used once)
         * @param dims its shape
         * @return its node in this graph
         * @throws IllegalArgumentException if the name was created with another shape
         * @throws IllegalStateException if the name is new after the model was built (the forward
         *     function must ask for the same parameters on every run)
         */
        public Node parameter(String name, Initializer initializer, int... dims) {
            Objects.requireNonNull(initializer, "initializer");
            Parameter p = byName(name);
            if (p == null) {
                if (creating == null) {
                    throw new IllegalStateException("GraphModel: parameter '" + name + "' did not exist when the "
                            + "model was built; the forward function must ask for the same parameters on every "
                            + "run (it has " + byName.keySet() + ")");
                }
                p = new Parameter(name, initializer.initialize(dims.clone(), init));
                creating.put(name, p);
            } else if (!Arrays.equals(p.value().dims(), dims)) {
                throw new IllegalArgumentException("GraphModel: parameter '" + name + "' is " + p.value().shape()
                        + " but is asked for as " + Tensor.shape(dims) + "; a shared parameter must be used with"
                        + " one shape (give the other use another name)");
            }
            return graph.parameter(p);
        }

        /**
         * A buffer by name: state of the model that is not trained, such as a batch norm's
         * running mean. Created from {@code initial} the first time the model is built; the same
         * live tensor on every later run. Read it freely; change it only through
         * {@link #update}, so that building or checking a graph never changes the model.
         *
         * @param name a dotted name, such as {@code bn1.runningMean}
         * @param initial its initial value (copied, used once)
         * @return the live tensor (do not modify it)
         * @throws IllegalArgumentException if the name was created with another shape
         * @throws IllegalStateException if the name is new after the model was built
         */
        public Tensor buffer(String name, Tensor initial) {
            Objects.requireNonNull(initial, "initial");
            Parameter b = creatingBuffers != null ? creatingBuffers.get(name) : buffersByName.get(name);
            if (b == null) {
                if (creatingBuffers == null) {
                    throw new IllegalStateException("GraphModel: buffer '" + name + "' did not exist when the model"
                            + " was built; the forward function must ask for the same buffers on every run (it has "
                            + buffersByName.keySet() + ")");
                }
                b = new Parameter(name, initial.copy());
                creatingBuffers.put(name, b);
            } else if (!b.value().sameShape(initial)) {
                throw new IllegalArgumentException("GraphModel: buffer '" + name + "' is " + b.value().shape()
                        + " but is asked for as " + initial.shape());
            }
            return b.value();
        }

        /**
         * Stages a new value for a buffer, applied by {@link ModelGraph#commitUpdates()} when the
         * training step succeeds (the {@code Trainer} does it) — never while building, checking
         * or predicting.
         *
         * @param name the buffer's name
         * @param value its new value, shaped like it (kept, not copied)
         * @throws IllegalArgumentException if there is no such buffer or the shape differs
         */
        public void update(String name, Tensor value) {
            Parameter b = creatingBuffers != null ? creatingBuffers.get(name) : buffersByName.get(name);
            if (b == null) {
                throw new IllegalArgumentException("GraphModel: no buffer '" + name + "'; ask for it with buffer(…) first");
            }
            Tensor.requireSameShape("GraphModel: update of buffer '" + name + "'", b.value(), value);
            if (creatingBuffers == null) { // the trace's updates are not the model's
                Parameter target = b;
                updates.add(() -> target.value().copyFrom(value));
            }
        }

        /**
         * A fully connected layer {@code W·x + b} (He initialization): {@code x} is features ×
         * batch, {@code name.weight} is units × features and {@code name.bias} units × 1.
         *
         * @param name the layer's name; using it again shares the layer's parameters
         * @param x the input, features × batch
         * @param units the number of outputs
         * @return the output node, units × batch, labelled {@code name} (later uses of a shared
         *     layer get the op's default label)
         * @throws IllegalArgumentException if {@code x} is not 2-D or a shared layer's width differs
         */
        public Node dense(String name, Node x, int units) {
            return dense(name, x, units, Initializer.he());
        }

        /**
         * A fully connected layer with the given initialization of its weight (biases start at 0).
         *
         * @param name the layer's name; using it again shares the layer's parameters
         * @param x the input, features × batch
         * @param units the number of outputs, ≥ 1
         * @param initializer how to draw the weight
         * @return the output node, units × batch
         * @throws IllegalArgumentException if {@code x} is not 2-D, {@code units < 1}, or a shared
         *     layer's width differs
         */
        public Node dense(String name, Node x, int units, Initializer initializer) {
            if (x.value().rank() != 2) {
                throw new IllegalArgumentException("GraphModel: dense '" + name + "' takes features × batch, got "
                        + x.value().shape() + "; flatten the input first (samples as columns)");
            }
            if (units < 1) {
                throw new IllegalArgumentException("GraphModel: dense '" + name + "' needs at least one unit, got "
                        + units);
            }
            Node w = parameter(name + ".weight", initializer, units, x.value().dim(0));
            Node b = parameter(name + ".bias", Initializer.zeros(), units, 1);
            return apply(name, LINEAR, x, w, b);
        }

        /**
         * Inverted dropout in a training graph (a fresh mask, a leaf labelled
         * {@code dropoutK.mask}, drawn from the model's seeded generator); the input itself in an
         * evaluation graph.
         *
         * @param x the input
         * @param keep the probability of keeping a unit, in (0, 1]
         * @return the output node
         * @throws IllegalArgumentException if {@code keep} is not in (0, 1]
         */
        public Node dropout(Node x, double keep) {
            Dropout.requireKeep(keep);
            String name = "dropout" + counters.merge("dropout", 1, Integer::sum);
            if (!training) {
                return x;
            }
            Tensor v = x.value();
            Node mask = graph.input(name + ".mask", Dropout.mask(v.rows(), v.cols(), keep, masks));
            return graph.apply(name, DROPOUT, x, mask);
        }

        /**
         * Applies a {@link Layer} object (a custom layer, or one of the shipped ones); its
         * parameters become the model's when the model is built. Its name labels the node.
         *
         * @param layer the layer; use the same object again to share it
         * @param x its input
         * @return its output node
         * @throws IllegalStateException if the layer is new after the model was built
         */
        public Node layer(Layer layer, Node x) {
            for (Parameter p : layer.parameters()) {
                Parameter known = byName(p.name());
                if (known == null && creating == null) {
                    throw new IllegalStateException("GraphModel: layer '" + layer.name() + "' was not used when the"
                            + " model was built; the forward function must use the same layers on every run");
                }
                if (known != null && known != p) {
                    throw new IllegalArgumentException("GraphModel: layer '" + layer.name() + "' has a parameter '"
                            + p.name() + "' but the model already has another parameter of that name");
                }
                if (known == null) {
                    creating.put(p.name(), p);
                }
            }
            return layer.build(graph, x, training);
        }

        /**
         * The model's seeded generator for initial values: a custom layer made inside the
         * forward function while the model is built draws from it and so shares the model's seed.
         *
         * @return the generator
         * @throws IllegalStateException after the model was built (initial values are drawn once)
         */
        public RandomGenerator rng() {
            if (init == null) {
                throw new IllegalStateException("GraphModel: initial values are drawn when the model is built;"
                        + " the generator is not available afterwards");
            }
            return init;
        }

        private Parameter byName(String name) {
            return creating != null ? creating.get(name) : GraphModel.this.byName.get(name);
        }

        private Node apply(String label, Op op, Node... in) {
            return labels.add(label) ? graph.apply(label, op, in) : graph.apply(op, in);
        }

        /**
         * Adds a data input, checking its shape against the declaration and its number of
         * samples against {@code n}, the first input's (-1 when that one's rank is wrong).
         */
        private Node data(Spec s, Tensor t, int n) {
            if (n < 0 || !Arrays.equals(t.dims(), s.batchDims(n))) {
                String first = inputs.get(0).name();
                throw new IllegalArgumentException("GraphModel: input '" + s.name() + "' is " + t.shape()
                        + " but the model takes " + s.layout()
                        + (n >= 0 && !s.name().equals(first) ? ", with the " + n + " samples of '" + first + "'" : "")
                        + (s.sampleDims().length == 1 ? " (one sample per column)" : " (batch first)"));
            }
            return graph.input(s.name(), t);
        }
    }

    private static final Op LINEAR = new Linear();
    private static final Op DROPOUT = new Dropout();

    /** Declares a {@link GraphModel}'s inputs, forward function and loss. */
    public static final class Builder {

        private final List<Spec> inputs = new ArrayList<>();
        private Spec labels;
        private Forward forward;
        private Loss loss;
        private long seed;

        private Builder() {
        }

        /**
         * @param seed the seed of the generator that draws initial values and dropout masks
         * @return this builder
         */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Declares a data input.
         *
         * @param name its name, unique among the model's data
         * @param sampleDims the dims of one sample: one number for a feature vector (the input
         *     is then features × batch), several for an image or sequence (batch first)
         * @return this builder
         * @throws IllegalArgumentException if the name is taken or a dim is below 1
         */
        public Builder input(String name, int... sampleDims) {
            inputs.add(spec(name, sampleDims));
            return this;
        }

        /**
         * Declares the labels, which the loss receives.
         *
         * @param name its name
         * @param sampleDims the dims of one sample's labels, as {@link #input}
         * @return this builder
         * @throws IllegalArgumentException if the name is taken or a dim is below 1
         */
        public Builder labels(String name, int... sampleDims) {
            if (labels != null) {
                throw new IllegalArgumentException("GraphModel.Builder: labels already declared as '" + labels.name() + "'");
            }
            labels = spec(name, sampleDims);
            return this;
        }

        /**
         * @param f the forward function
         * @return this builder
         */
        public Builder forward(Forward f) {
            this.forward = Objects.requireNonNull(f, "forward");
            return this;
        }

        /**
         * @param l a loss written with the expression API, of (prediction, labels)
         * @return this builder
         */
        public Builder loss(Loss l) {
            this.loss = Objects.requireNonNull(l, "loss");
            return this;
        }

        /**
         * @param lossOp a loss op taking (prediction, labels), such as {@code BinaryCrossEntropy}
         * @return this builder
         */
        public Builder loss(Op lossOp) {
            Objects.requireNonNull(lossOp, "loss");
            this.loss = (p, y) -> p.graph().apply("loss", lossOp, p, y);
            return this;
        }

        /**
         * Builds the model: runs the forward function once on one sample of zeros to create its
         * parameters, seeded.
         *
         * @return the model
         * @throws IllegalArgumentException if no input, labels, forward function or loss was
         *     given, or the trace fails (the message says where)
         */
        public GraphModel build() {
            List<String> missing = new ArrayList<>();
            if (inputs.isEmpty()) {
                missing.add("input(name, dims…)");
            }
            if (labels == null) {
                missing.add("labels(name, dims…)");
            }
            if (forward == null) {
                missing.add("forward(m -> …)");
            }
            if (loss == null) {
                missing.add("loss(…)");
            }
            if (!missing.isEmpty()) {
                throw new IllegalArgumentException("GraphModel.Builder: call " + String.join(", ", missing)
                        + " before build()");
            }
            return new GraphModel(this);
        }

        private Spec spec(String name, int[] sampleDims) {
            Objects.requireNonNull(name, "name");
            if (sampleDims.length == 0) {
                throw new IllegalArgumentException("GraphModel.Builder: '" + name + "' needs the dims of one sample,"
                        + " for example input(\"" + name + "\", 8) for 8 features");
            }
            for (int d : sampleDims) {
                if (d < 1) {
                    throw new IllegalArgumentException("GraphModel.Builder: '" + name + "' has sample dims "
                            + Arrays.toString(sampleDims) + "; each must be ≥ 1");
                }
            }
            boolean taken = labels != null && labels.name().equals(name);
            for (Spec s : inputs) {
                taken |= s.name().equals(name);
            }
            if (taken) {
                throw new IllegalArgumentException("GraphModel.Builder: data name '" + name + "' is already declared");
            }
            return new Spec(name, sampleDims.clone());
        }
    }
}
