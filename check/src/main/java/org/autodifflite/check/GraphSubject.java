package org.autodifflite.check;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.autodifflite.core.Graph;
import org.autodifflite.core.Node;
import org.autodifflite.core.Parameter;
import org.autodifflite.core.Tensor;

/**
 * A whole graph's scalar loss as a function of all its parameters (the notebook's
 * {@code gradient_check_n}). Perturbing one parameter replays only the op nodes downstream of
 * it; every other node keeps its cached value. Each evaluator perturbs private copies of the
 * parameters, so the graph's own tensors are never written.
 */
final class GraphSubject extends Subject {

    private final List<Node> nodes;
    private final int lossIndex;
    private final int[] paramNode;
    private final String[] paramNames;
    private final int[][] downstream;
    private final int[][] inputIndex;
    private final Tensor[] base;

    /**
     * @param analyticByName the analytic gradient of each parameter by name, or null to take it
     *     from {@link Graph#backward(Node)} (parameter gradients are restored afterwards)
     */
    GraphSubject(Graph graph, Node loss, Map<String, Tensor> analyticByName) {
        super("graph", "end-to-end", parameterValues(graph), true);
        if (loss.graph() != graph) {
            throw new IllegalArgumentException("checkEndToEnd: the loss node '" + loss.label()
                    + "' is of another graph");
        }
        if (!loss.value().isScalar()) {
            throw new IllegalArgumentException("checkEndToEnd: the loss node '" + loss.label() + "' is "
                    + loss.value().shape() + "; end to end needs a 1×1 scalar loss (reduce it, e.g. a mean)");
        }
        nodes = graph.nodes();
        lossIndex = loss.index();
        List<Parameter> params = graph.parameters();
        int p = params.size();
        paramNode = new int[p];
        paramNames = new String[p];
        for (int i = 0; i < p; i++) {
            paramNames[i] = params.get(i).name();
            paramNode[i] = graph.node(paramNames[i]).index();
        }
        inputIndex = new int[nodes.size()][];
        base = new Tensor[nodes.size()];
        for (Node n : nodes) {
            List<Node> ins = n.inputs();
            inputIndex[n.index()] = new int[ins.size()];
            for (int k = 0; k < ins.size(); k++) {
                inputIndex[n.index()][k] = ins.get(k).index();
            }
            base[n.index()] = n.value();
        }
        downstream = new int[p][];
        for (int i = 0; i < p; i++) {
            downstream[i] = downstreamOf(paramNode[i]);
        }
        output = base[lossIndex];
        requireCurrent(loss);
        u = new double[] {1.0};
        analytic = analyticByName == null ? fromBackward(graph, loss, params) : given(params, analyticByName);
    }

    @Override
    String inputName(int i) {
        return paramNames[i];
    }

    @Override
    boolean differentiable(int i) {
        return true;
    }

    /** The op nodes between a parameter and the loss, in topological order. */
    private int[] downstreamOf(int start) {
        boolean[] reached = new boolean[nodes.size()];
        reached[start] = true;
        List<Integer> out = new ArrayList<>();
        for (int k = start + 1; k <= lossIndex; k++) {
            for (int in : inputIndex[k]) {
                if (reached[in]) {
                    reached[k] = true;
                    out.add(k);
                    break;
                }
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    @Override
    Evaluator newEvaluator() {
        Tensor[] vals = base.clone();
        Tensor[] privateParams = new Tensor[paramNode.length];
        for (int i = 0; i < paramNode.length; i++) {
            privateParams[i] = values[i].copy();
            vals[paramNode[i]] = privateParams[i];
        }
        Tensor[][] args = new Tensor[nodes.size()][];
        for (int k = 0; k < args.length; k++) {
            args[k] = new Tensor[inputIndex[k].length];
        }
        return new Evaluator() {
            private int last = -1;

            @Override
            public Tensor input(int i) {
                return privateParams[i];
            }

            @Override
            public Tensor evaluate(int i) {
                if (last != i && last >= 0) {
                    // Nodes below the previous parameter but not this one must see cached values.
                    for (int k : downstream[last]) {
                        vals[k] = base[k];
                    }
                }
                last = i;
                for (int k : downstream[i]) {
                    Tensor[] a = args[k];
                    int[] idx = inputIndex[k];
                    for (int q = 0; q < a.length; q++) {
                        a[q] = vals[idx[q]];
                    }
                    vals[k] = nodes.get(k).op().forward(a);
                }
                return vals[lossIndex];
            }
        };
    }

    /**
     * Replays the graph once from its leaves: the cached values must be what the ops give now,
     * or every numeric derivative would be measured from a stale point.
     */
    private void requireCurrent(Node loss) {
        Tensor[] vals = base.clone();
        for (int k = 0; k <= lossIndex; k++) {
            Node n = nodes.get(k);
            if (n.op() == null) {
                continue;
            }
            Tensor[] a = new Tensor[inputIndex[k].length];
            for (int q = 0; q < a.length; q++) {
                a[q] = vals[inputIndex[k][q]];
            }
            vals[k] = n.op().forward(a);
        }
        if (!vals[lossIndex].equals(output)) {
            throw new IllegalArgumentException("checkEndToEnd: the graph's values are stale: the loss node '"
                    + loss.label() + "' holds " + output.item() + " but replaying the graph gives "
                    + vals[lossIndex].item() + "; call graph.recompute() after changing parameters or inputs"
                    + " (or an op's forward is not deterministic)");
        }
    }

    private static Tensor[] parameterValues(Graph graph) {
        List<Parameter> params = graph.parameters();
        Tensor[] v = new Tensor[params.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = params.get(i).value();
        }
        return v;
    }

    /** Runs the graph's own backward, reads each parameter node's gradient, restores the grads. */
    private Tensor[] fromBackward(Graph graph, Node loss, List<Parameter> params) {
        Tensor[] saved = new Tensor[params.size()];
        for (int i = 0; i < saved.length; i++) {
            saved[i] = params.get(i).grad().copy();
        }
        Tensor[] out = new Tensor[params.size()];
        try {
            graph.backward(loss);
            for (int i = 0; i < out.length; i++) {
                Tensor g = nodes.get(paramNode[i]).grad();
                out[i] = g == null ? Tensor.zerosLike(values[i]) : g.copy();
            }
        } finally {
            for (int i = 0; i < saved.length; i++) {
                params.get(i).grad().copyFrom(saved[i]);
            }
        }
        return out;
    }

    private static Tensor[] given(List<Parameter> params, Map<String, Tensor> byName) {
        Tensor[] out = new Tensor[params.size()];
        for (int i = 0; i < out.length; i++) {
            Parameter p = params.get(i);
            Tensor g = byName.get(p.name());
            if (g == null) {
                throw new IllegalArgumentException("checkEndToEnd: no analytic gradient for parameter '"
                        + p.name() + "'; the map has " + byName.keySet() + " and needs one per parameter "
                        + "of the graph");
            }
            Tensor.requireSameShape("checkEndToEnd: gradient for parameter '" + p.name() + "'", g, p.value());
            out[i] = g;
        }
        return out;
    }
}
