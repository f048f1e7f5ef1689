package org.autodifflite.bench;

import com.google.gson.Gson;
import com.google.gson.reflect.TypeToken;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.math3.random.Well19937c;
import org.autodifflite.core.Graph;
import org.autodifflite.core.Node;
import org.autodifflite.core.Op;
import org.autodifflite.core.Tensor;
import org.autodifflite.core.ops.ReLU;
import org.autodifflite.core.ops.Sigmoid;
import org.autodifflite.layers.model.Sequential;
import org.autodifflite.layers.ops.BinaryCrossEntropy;
import org.autodifflite.layers.ops.Linear;

/**
 * The networks the benchmarks and {@code bench/compare} share: the seed notebook's 4-5-3-1 net
 * at its test case, and seeded random {@code LINEAR→RELU→…→LINEAR→SIGMOID} nets with the mean
 * binary cross-entropy, the same architecture the Python peers build.
 */
public final class Nets {

    private Nets() {
    }

    /**
     * Parses {@code "784-128-64-1"}.
     *
     * @param sizes layer widths separated by dashes, input first
     * @return the widths
     * @throws IllegalArgumentException if fewer than two widths or one is not a positive integer
     */
    public static int[] sizes(String sizes) {
        String[] parts = sizes.split("-");
        if (parts.length < 2) {
            throw new IllegalArgumentException("net sizes '" + sizes + "': need at least input-output, e.g. 784-128-64-1");
        }
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = Integer.parseInt(parts[i].trim());
            if (out[i] < 1) {
                throw new IllegalArgumentException("net sizes '" + sizes + "': width " + out[i] + " must be ≥ 1");
            }
        }
        return out;
    }

    /**
     * A seeded random net: He-initialised dense layers with ReLU between them, a sigmoid output
     * and the mean binary cross-entropy.
     *
     * @param sizes the widths, for example {@code 784-128-64-1}
     * @param seed the seed of the weights
     * @return the model
     */
    public static Sequential mlp(String sizes, long seed) {
        int[] w = sizes(sizes);
        Sequential.Builder b = Sequential.builder(w[0]).seed(seed);
        for (int l = 1; l < w.length; l++) {
            b.dense("fc" + l, w[l]);
            if (l < w.length - 1) {
                b.relu();
            } else {
                b.sigmoid();
            }
        }
        return b.loss(new BinaryCrossEntropy()).build();
    }

    /**
     * A seeded random batch: standard normal features and 0/1 labels.
     *
     * @param features rows of X
     * @param outputs rows of Y
     * @param batch samples (columns)
     * @param seed the seed
     * @return X and Y
     */
    public static Tensor[] batch(int features, int outputs, int batch, long seed) {
        Well19937c rng = new Well19937c(seed);
        Tensor x = Tensor.randn(features, batch, rng);
        Tensor y = Tensor.zeros(outputs, batch);
        for (int i = 0; i < y.size(); i++) {
            y.set(i, rng.nextBoolean() ? 1.0 : 0.0);
        }
        return new Tensor[] {x, y};
    }

    /** @return the seed notebook's test case: X, Y, W1, b1, W2, b2, W3, b3 */
    public static Map<String, Tensor> seedCase() {
        try (InputStream in = Nets.class.getResourceAsStream("/seed_test_case.json")) {
            if (in == null) {
                throw new IllegalStateException("missing resource /seed_test_case.json");
            }
            try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                Map<String, double[][]> raw = new Gson().fromJson(r,
                        new TypeToken<Map<String, double[][]>>() { }.getType());
                Map<String, Tensor> out = new LinkedHashMap<>();
                raw.forEach((k, v) -> out.put(k, Tensor.of(v)));
                return out;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A recorded graph and its loss node. */
    public static final class Net {
        /** The graph, its values current. */
        public final Graph graph;
        /** Its 1×1 loss. */
        public final Node loss;
        /** The number of scalar parameters. */
        public final int parameters;

        Net(Graph graph, Node loss) {
            this.graph = graph;
            this.loss = loss;
            int n = 0;
            for (org.autodifflite.core.Parameter p : graph.parameters()) {
                n += p.value().size();
            }
            this.parameters = n;
        }
    }

    /**
     * The seed notebook's net at its test case, optionally with its two planted bugs
     * ({@code dW2·2} in fc2, {@code db1·4} in fc1).
     *
     * @param bugs whether to plant the bugs
     * @return the graph
     */
    public static Net seedNet(boolean bugs) {
        Map<String, Tensor> t = seedCase();
        Tensor[] ws = {t.get("W1"), t.get("W2"), t.get("W3")};
        Tensor[] bs = {t.get("b1"), t.get("b2"), t.get("b3")};
        return threeLayer(t.get("X"), t.get("Y"), ws, bs, bugs);
    }

    /**
     * A seeded random three-layer net as a graph, optionally with the seed's two planted bugs.
     *
     * @param sizes four widths, for example {@code 784-128-64-1}
     * @param batch samples
     * @param seed the seed of weights and data
     * @param bugs whether to plant the bugs
     * @return the graph
     */
    public static Net randomNet(String sizes, int batch, long seed, boolean bugs) {
        int[] w = sizes(sizes);
        if (w.length != 4) {
            throw new IllegalArgumentException("randomNet: need four widths (three layers), got " + sizes);
        }
        Sequential model = mlp(sizes, seed);
        Tensor[] data = batch(w[0], w[3], batch, seed + 1);
        Tensor[] ws = new Tensor[3];
        Tensor[] bs = new Tensor[3];
        for (int l = 0; l < 3; l++) {
            ws[l] = model.parameter("fc" + (l + 1) + ".weight").value().copy();
            // Non-zero biases so that a wrong bias gradient is visible.
            bs[l] = Tensor.randn(w[l + 1], 1, seed + 10 + l).scale(0.1);
        }
        return threeLayer(data[0], data[1], ws, bs, bugs);
    }

    private static Net threeLayer(Tensor x, Tensor y, Tensor[] ws, Tensor[] bs, boolean bugs) {
        Graph g = new Graph();
        Node h = g.input("X", x);
        for (int l = 0; l < 3; l++) {
            Op linear = new Linear();
            if (bugs && l == 0) {
                linear = new ScaledGradient(linear, 2, 4.0); // db1 with 4./m
            } else if (bugs && l == 1) {
                linear = new ScaledGradient(linear, 1, 2.0); // dW2 · 2
            }
            int n = l + 1;
            h = g.apply("fc" + n, linear, h,
                    g.parameter(new org.autodifflite.core.Parameter("fc" + n + ".weight", ws[l].copy())),
                    g.parameter(new org.autodifflite.core.Parameter("fc" + n + ".bias", bs[l].copy())));
            h = g.apply(l < 2 ? "relu" + n : "sigmoid", l < 2 ? new ReLU() : new Sigmoid(), h);
        }
        Node loss = g.apply("loss", new BinaryCrossEntropy(), h, g.input("Y", y));
        return new Net(g, loss);
    }
}
