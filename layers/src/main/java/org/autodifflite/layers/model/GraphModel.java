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
import org.autodifflite.layers.ops.AvgPool2d;
import org.autodifflite.layers.ops.BatchNorm;
import org.autodifflite.layers.ops.Conv2d;
import org.autodifflite.layers.ops.Dropout;
import org.autodifflite.layers.ops.Embedding;
import org.autodifflite.layers.ops.Flatten;
import org.autodifflite.layers.ops.LayerNorm;
import org.autodifflite.layers.ops.Linear;
import org.autodifflite.layers.ops.MaxPool2d;

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
 * sample of several axes: the batch goes in front (N×1×8×8), and the trainer cuts batches along
 * axis 0. See {@link Model}.
 *
 * <p><b>Layers by name.</b> The {@link Scope} has a helper for each common layer, creating its
 * parameters (and buffers) on the first run: {@link Scope#dense dense}, {@link Scope#conv2d
 * conv2d}, {@link Scope#maxPool maxPool}, {@link Scope#avgPool avgPool}, {@link Scope#flatten
 * flatten} (images to features × batch), {@link Scope#batchNorm batchNorm} (running statistics
 * as buffers), {@link Scope#layerNorm layerNorm}, {@link Scope#embedding embedding} and
 * {@link Scope#dropout dropout}. A small CNN for 8×8 digits:
 *
 * <pre>{@code
 * GraphModel cnn = GraphModel.builder().seed(1)
 *         .input("img", 1, 8, 8).labels("digit", 1)                  // N×1×8×8; labels 1×N, 0 … 9
 *         .forward(m -> {
 *             Node h = m.conv2d("conv1", m.input("img"), 8, 3, 1, 1).relu();  // N×8×8×8
 *             h = m.maxPool(h, 2);                                             // N×8×4×4
 *             h = m.conv2d("conv2", h, 16, 3, 1, 1).relu();                   // N×16×4×4
 *             return m.dense("fc", m.flatten(h), 10);                          // 10×N logits
 *         })
 *         .loss(new SparseSoftmaxCrossEntropy())
 *         .build();
 * }</pre>
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

        /**
         * @return whether this graph is for training (dropout draws masks, batch norm uses the
         *     batch's statistics and stages new running ones) or evaluation (prediction)
         */
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
         * A 2-D convolution layer {@code W ⋆ x + b} ({@link Conv2d}, cross-correlation with zero
         * padding): {@code x} is images N×C×H×W (batch first), {@code name.weight} is
         * filters × C × kernel × kernel, He-initialized over the fan-in {@code C·kernel·kernel},
         * and {@code name.bias} is a vector of {@code filters} zeros.
         *
         * <pre>{@code
         * Node h = m.conv2d("conv1", m.input("img"), 8, 3, 1, 1).relu();   // N×1×8×8 → N×8×8×8
         * }</pre>
         *
         * @param name the layer's name; using it again shares its parameters
         * @param x the input, N×C×H×W
         * @param filters the number of output channels, ≥ 1
         * @param kernel the kernel's height and width, ≥ 1
         * @param stride the step between windows, ≥ 1
         * @param padding zero rows and columns added on each side, ≥ 0 ({@code (kernel − 1)/2}
         *     keeps H×W at stride 1 for an odd kernel)
         * @return the output node, N×filters×Ho×Wo, labelled {@code name}
         * @throws IllegalArgumentException if {@code x} is not rank 4, a size is out of range,
         *     the kernel does not fit the padded image, or a shared layer's shape differs
         */
        public Node conv2d(String name, Node x, int filters, int kernel, int stride, int padding) {
            if (x.value().rank() != 4) {
                throw new IllegalArgumentException("GraphModel: conv2d '" + name + "' takes images N×C×H×W (batch"
                        + " first), got " + x.value().shape() + "; declare the input as input(name, C, H, W)");
            }
            if (filters < 1 || kernel < 1) {
                throw new IllegalArgumentException("GraphModel: conv2d '" + name + "' needs at least one filter and"
                        + " a kernel of at least 1, got " + filters + " filters and kernel " + kernel);
            }
            Conv2d op = new Conv2d(stride, padding); // checks stride and padding, naming them
            Node w = parameter(name + ".weight", Initializer.he(), filters, x.value().dim(1), kernel, kernel);
            Node b = parameter(name + ".bias", Initializer.zeros(), filters);
            return apply(name, op, x, w, b);
        }

        /**
         * Max pooling over {@code kernel × kernel} windows side by side (stride = kernel), no
         * padding ({@link MaxPool2d}).
         *
         * @param x images N×C×H×W
         * @param kernel the window's height and width, ≥ 1
         * @return N×C×⌊H/kernel⌋×⌊W/kernel⌋, labelled {@code maxpoolK} (K counts this run's pools)
         * @throws IllegalArgumentException if {@code x} is not N×C×H×W or the window does not fit
         */
        public Node maxPool(Node x, int kernel) {
            return maxPool(x, kernel, kernel);
        }

        /**
         * Max pooling over {@code kernel × kernel} windows with the given stride, no padding.
         *
         * @param x images N×C×H×W
         * @param kernel the window's height and width, ≥ 1
         * @param stride the step between windows, ≥ 1
         * @return the pooled images, labelled {@code maxpoolK}
         * @throws IllegalArgumentException if {@code x} is not N×C×H×W or a size is out of range
         */
        public Node maxPool(Node x, int kernel, int stride) {
            return apply(next("maxpool"), new MaxPool2d(kernel, stride, 0), x);
        }

        /**
         * Average pooling over {@code kernel × kernel} windows side by side, no padding
         * ({@link AvgPool2d}).
         *
         * @param x images N×C×H×W
         * @param kernel the window's height and width, ≥ 1
         * @return the pooled images, labelled {@code avgpoolK}
         * @throws IllegalArgumentException if {@code x} is not N×C×H×W or the window does not fit
         */
        public Node avgPool(Node x, int kernel) {
            return avgPool(x, kernel, kernel);
        }

        /**
         * Average pooling over {@code kernel × kernel} windows with the given stride, no padding.
         *
         * @param x images N×C×H×W
         * @param kernel the window's height and width, ≥ 1
         * @param stride the step between windows, ≥ 1
         * @return the pooled images, labelled {@code avgpoolK}
         * @throws IllegalArgumentException if {@code x} is not N×C×H×W or a size is out of range
         */
        public Node avgPool(Node x, int kernel, int stride) {
            return apply(next("avgpool"), new AvgPool2d(kernel, stride, 0), x);
        }

        /**
         * From batch first to the dense layers' layout ({@link Flatten}): N×… becomes
         * features × N, one sample per column, each sample's entries in row-major order.
         *
         * @param x a batch-first tensor of rank ≥ 2, such as N×C×H×W
         * @return (size/N) × N, labelled {@code flattenK}
         * @throws IllegalArgumentException if {@code x} has rank below 2
         */
        public Node flatten(Node x) {
            return apply(next("flatten"), FLATTEN, x);
        }

        /**
         * Batch normalization ({@link BatchNorm}) with its running statistics kept as the model's
         * buffers. Parameters {@code name.gamma} (ones) and {@code name.beta} (zeros), buffers
         * {@code name.runningMean} (zeros) and {@code name.runningVar} (ones), all shaped
         * {@link BatchNorm#parameterDims}: one per row of features × batch ({@code F×1}), one per
         * channel of N×C×H×W ({@code (C)}).
         *
         * <p>In a {@linkplain #training() training} graph the batch's own statistics normalize and
         * {@link BatchNorm#runningUpdate} of this batch is staged (applied only when the training
         * step succeeds, see {@link #update}); in an evaluation graph (prediction) the running
         * statistics normalize, entering the op as data leaves labelled {@code name.runningMean}
         * and {@code name.runningVar}. Checking either graph changes no buffer.
         *
         * @param name the layer's name
         * @param x features × batch, or images N×C×H×W
         * @return the normalized node, shaped like {@code x}, labelled {@code name}
         * @throws IllegalArgumentException if {@code x} is neither rank 2 nor rank 4, or the
         *     layer was built for another number of features or channels
         */
        public Node batchNorm(String name, Node x) {
            int[] p = BatchNorm.parameterDims(x.value().dims());
            Node gamma = parameter(name + ".gamma", ONES, p);
            Node beta = parameter(name + ".beta", Initializer.zeros(), p);
            Tensor mean = buffer(name + ".runningMean", Tensor.zeros(p));
            Tensor var = buffer(name + ".runningVar", Tensor.ones(p));
            if (training) {
                // Staged from the values this graph normalizes; applied after a successful step only.
                BatchNorm.RunningStats s = BatchNorm.runningUpdate(x.value(), mean, var);
                update(name + ".runningMean", s.mean());
                update(name + ".runningVar", s.variance());
                return apply(name, BN_TRAINING, x, gamma, beta);
            }
            return apply(name, BN_EVALUATION, x, gamma, beta, graph.input(name + ".runningMean", mean),
                    graph.input(name + ".runningVar", var));
        }

        /**
         * Layer normalization over the last axis ({@link LayerNorm}): each vector along the last
         * axis of {@code x} (one token's D features in batch×L×D) is normalized by its own mean
         * and variance, then scaled by {@code name.gamma} (ones) and shifted by
         * {@code name.beta} (zeros), both of shape {@code (D)}. Training and evaluation are the
         * same. For features × batch (samples as columns), normalize {@code x.t()} or use
         * {@link #batchNorm}.
         *
         * @param name the layer's name
         * @param x a tensor of rank ≥ 1 whose last axis holds the features
         * @return the normalized node, shaped like {@code x}, labelled {@code name}
         * @throws IllegalArgumentException if {@code x} has rank 0 or a shared layer's width differs
         */
        public Node layerNorm(String name, Node x) {
            int[] dims = x.value().dims();
            if (dims.length == 0) {
                throw new IllegalArgumentException("GraphModel: layerNorm '" + name + "' needs a tensor whose last"
                        + " axis holds the features, got a scalar");
            }
            int d = dims[dims.length - 1];
            Node gamma = parameter(name + ".gamma", ONES, d);
            Node beta = parameter(name + ".beta", Initializer.zeros(), d);
            return apply(name, LAYER_NORM, x, gamma, beta);
        }

        /**
         * An embedding table ({@link Embedding}): row {@code indices[…]} of {@code name.table},
         * a vocab × dim parameter drawn from N(0, 1) as in PyTorch, for every index.
         *
         * @param name the layer's name
         * @param indices whole numbers in [0, vocab) stored as doubles, any shape (batch×L token
         *     ids, for example); data, not differentiable
         * @param vocab the number of rows (distinct ids), ≥ 1
         * @param dim the width of each row, ≥ 1
         * @return {@code indices.dims + [dim]}, labelled {@code name}
         * @throws IllegalArgumentException if a size is below 1, an index is not a whole number in
         *     [0, vocab), or a shared table's shape differs
         */
        public Node embedding(String name, Node indices, int vocab, int dim) {
            if (vocab < 1 || dim < 1) {
                throw new IllegalArgumentException("GraphModel: embedding '" + name + "' needs vocab ≥ 1 and dim ≥ 1,"
                        + " got " + vocab + " and " + dim);
            }
            Node table = parameter(name + ".table", EMBEDDING_INIT, vocab, dim);
            return apply(name, EMBEDDING, indices, table);
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
            String name = next("dropout");
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

        /** The next label of a kind within this run: {@code maxpool1}, {@code maxpool2}, … */
        private String next(String kind) {
            return kind + counters.merge(kind, 1, Integer::sum);
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
    private static final Op FLATTEN = new Flatten();
    private static final Op BN_TRAINING = BatchNorm.training();
    private static final Op BN_EVALUATION = BatchNorm.evaluation();
    private static final Op LAYER_NORM = new LayerNorm();
    private static final Op EMBEDDING = new Embedding();
    /** Ones, for the scale of a normalization layer. */
    private static final Initializer ONES = (out, in, rng) -> Tensor.ones(out, in);
    /** N(0, 1), PyTorch's initialization of an embedding table. */
    private static final Initializer EMBEDDING_INIT = Initializer.normal(1.0);

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
