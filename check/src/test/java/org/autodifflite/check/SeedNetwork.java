package org.autodifflite.check;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.autodifflite.core.Graph;
import org.autodifflite.core.Node;
import org.autodifflite.core.Op;
import org.autodifflite.core.Parameter;
import org.autodifflite.core.Tensor;

/**
 * The notebook's fraud model, LINEAR → RELU → LINEAR → RELU → LINEAR → SIGMOID → mean BCE, built
 * from test ops at the notebook's test case ({@code seed_test_case.json}).
 */
final class SeedNetwork {

    final Graph graph = new Graph();
    final Node loss;
    final Map<String, Parameter> params = new LinkedHashMap<>();

    /**
     * @param layer1 the Linear op of layer 1 (the notebook's bug: db ×4)
     * @param layer2 the Linear op of layer 2 (the notebook's bug: dW ×2)
     */
    SeedNetwork(Op layer1, Op layer2) {
        Map<String, Tensor> t = load("seed_test_case.json");
        Node x = graph.input("X", t.get("X"));
        Node y = graph.input("Y", t.get("Y"));
        Node[] p = new Node[6];
        String[] names = {"W1", "b1", "W2", "b2", "W3", "b3"};
        for (int k = 0; k < names.length; k++) {
            Parameter param = new Parameter(names[k], t.get(names[k]));
            params.put(names[k], param);
            p[k] = graph.parameter(param);
        }
        Node z1 = graph.apply("layer1", layer1, x, p[0], p[1]);
        Node a1 = graph.apply("relu1", TestOps.RELU, z1);
        Node z2 = graph.apply("layer2", layer2, a1, p[2], p[3]);
        Node a2 = graph.apply("relu2", TestOps.RELU, z2);
        Node z3 = graph.apply("layer3", TestOps.linear(), a2, p[4], p[5]);
        Node a3 = graph.apply("sigmoid", TestOps.SIGMOID, z3);
        loss = graph.apply("cost", TestOps.BCE, a3, y);
    }

    static SeedNetwork correct() {
        return new SeedNetwork(TestOps.linear(), TestOps.linear());
    }

    /** The notebook's backward: dW2 doubled, db1 with 4./m. */
    static SeedNetwork buggy() {
        return new SeedNetwork(TestOps.linear(1, 4), TestOps.linear(2, 1));
    }

    /** Loads a JSON object of named matrices from the test resources. */
    @SuppressWarnings("unchecked")
    static Map<String, Tensor> load(String resource) {
        try (InputStream in = SeedNetwork.class.getResourceAsStream("/" + resource)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + resource);
            }
            Map<String, Object> json = (Map<String, Object>) MiniJson.parse(
                    new String(in.readAllBytes(), StandardCharsets.UTF_8));
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : json.entrySet()) {
                List<Object> rows = (List<Object>) e.getValue();
                double[][] v = new double[rows.size()][];
                for (int r = 0; r < v.length; r++) {
                    List<Object> row = (List<Object>) rows.get(r);
                    v[r] = new double[row.size()];
                    for (int c = 0; c < v[r].length; c++) {
                        v[r][c] = (Double) row.get(c);
                    }
                }
                out.put(e.getKey(), Tensor.of(v));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
