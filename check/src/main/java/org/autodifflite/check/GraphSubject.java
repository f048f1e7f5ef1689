package org.autodifflite.check;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.autodifflite.core.FastForward;
import org.autodifflite.core.Graph;
import org.autodifflite.core.Node;
import org.autodifflite.core.Op;
import org.autodifflite.core.Tensor;

/**
 * A whole graph's scalar loss as a function of all its parameters (the notebook's
 * {@code gradient_check_n}) and its {@link Graph#variable variables}: every leaf whose gradient
 * {@link Graph#backward} computes, in graph order, named by its label ("parameter" below means
 * either). Perturbing one parameter replays only the op nodes downstream of it; every other node
 * keeps its cached value. Each evaluator perturbs private copies of the parameters, so the graph's
 * own tensors are never written. Ops that implement {@link FastForward} are replayed into
 * per-evaluator buffers (no allocation), and the node that takes the perturbed parameter itself
 * uses {@link FastForward#forwardEntriesInto} when it can, so perturbing {@code W(r,c)} of a
 * linear layer redoes one row of its output, not all of it.
 */
final class GraphSubject extends Subject {

    /** The largest value compared with its cached one after a replay, to skip the nodes below it. */
    private static final int SAME_CHECK_MAX = 64;

    private final List<Node> nodes;
    private final int lossIndex;
    private final int[] paramNode;
    private final String[] paramNames;
    private final int[][] downstream;
    /** Per parameter and downstream node, the input position of the parameter itself, or -1. */
    private final int[][] direct;
    private final Op[] ops;
    /** Per node: its op, when it implements {@link FastForward}; else null. */
    private final FastForward[] fast;
    /** Per node: the cached value equals what {@link FastForward#forwardInto} gives at the clean inputs. */
    private final boolean[] cleanOk;
    private final int[][] inputIndex;
    private final Tensor[] base;

    /**
     * @param analyticByName the analytic gradient of each parameter by name, or null to take it
     *     from {@link Graph#gradients(Node, java.util.Collection)} (which changes nothing)
     */
    GraphSubject(Graph graph, Node loss, Map<String, Tensor> analyticByName) {
        this("checkEndToEnd", graph, loss, analyticByName);
    }

    /**
     * @param caller the public method called, for messages ({@code checkGraph}, {@code checkEndToEnd})
     * @param analyticByName the analytic gradient of each parameter by name, or null to take it
     *     from {@link Graph#gradients(Node, java.util.Collection)} (which changes nothing)
     */
    GraphSubject(String caller, Graph graph, Node loss, Map<String, Tensor> analyticByName) {
        super("graph", "end-to-end", parameterValues(graph), true);
        requireLoss(caller, graph, loss);
        nodes = graph.nodes();
        lossIndex = loss.index();
        List<Node> params = leaves(graph);
        int p = params.size();
        paramNode = new int[p];
        paramNames = new String[p];
        for (int i = 0; i < p; i++) {
            paramNames[i] = params.get(i).label();
            paramNode[i] = params.get(i).index();
        }
        inputIndex = new int[nodes.size()][];
        base = new Tensor[nodes.size()];
        ops = new Op[nodes.size()];
        fast = new FastForward[nodes.size()];
        cleanOk = new boolean[nodes.size()];
        for (Node n : nodes) {
            Op op = n.op();
            if (op != null && n.index() <= lossIndex) {
                ops[n.index()] = op;
                fast[n.index()] = op instanceof FastForward ? (FastForward) op : null;
            }
            List<Node> ins = n.inputs();
            inputIndex[n.index()] = new int[ins.size()];
            for (int k = 0; k < ins.size(); k++) {
                inputIndex[n.index()][k] = ins.get(k).index();
            }
            base[n.index()] = n.value();
        }
        downstream = new int[p][];
        direct = new int[p][];
        for (int i = 0; i < p; i++) {
            downstream[i] = downstreamOf(i, paramNode[i]);
        }
        output = base[lossIndex];
        System.arraycopy(paramNames, 0, parameters, 0, p);
        findNonFinite(i -> "parameter " + paramNames[i]);
        boolean any = false;
        for (String t : nonFinite) {
            any |= t != null;
        }
        if (!any) {
            String data = nonFiniteData(graph, loss);
            if (data != null) {
                Arrays.fill(nonFinite, "not checked: " + data + ", so the loss is not finite; the checker needs"
                        + " finite inputs: fix the data");
            }
        }
        requireCurrent(caller, loss);
        u = new double[] {1.0};
        analytic = analyticByName == null ? fromGradients(graph, loss, params) : given(params, analyticByName);
    }

    @Override
    String inputName(int i) {
        return paramNames[i];
    }

    @Override
    boolean differentiable(int i) {
        return true;
    }

    /**
     * The op nodes between a parameter and the loss, in topological order; fills
     * {@code direct[i]} with, for each, the position at which it takes the parameter itself when
     * only that one entry of its inputs can change (the parameter is exactly one of its inputs,
     * no other input depends on it), else -1.
     */
    private int[] downstreamOf(int i, int start) {
        boolean[] reached = new boolean[nodes.size()];
        reached[start] = true;
        int[] out = new int[nodes.size()];
        int[] pos = new int[nodes.size()];
        int n = 0;
        for (int k = start + 1; k <= lossIndex; k++) {
            int[] ins = inputIndex[k];
            int at = -1;
            boolean any = false;
            boolean other = false;
            for (int q = 0; q < ins.length; q++) {
                if (ins[q] == start) {
                    other |= at >= 0; // the parameter twice
                    at = at >= 0 ? at : q;
                    any = true;
                } else if (reached[ins[q]]) {
                    other = true;
                    any = true;
                }
            }
            if (any) {
                reached[k] = true;
                pos[n] = other ? -1 : at;
                out[n++] = k;
            }
        }
        direct[i] = Arrays.copyOf(pos, n);
        return Arrays.copyOf(out, n);
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
        // One reusable output buffer per replayed node of an op with an allocation-free forward.
        OpOutput[] outs = new OpOutput[nodes.size()];
        Tensor[] slots = new Tensor[SLOTS];
        for (int k = 0; k < SLOTS; k++) {
            slots[k] = Tensor.zerosLike(output);
        }
        // Which replayed values differ from the cached ones: a node none of whose inputs does
        // is not replayed. A perturbation a ReLU absorbs (a dead unit) stops there.
        boolean[] dirty = new boolean[nodes.size()];
        return new Evaluator() {
            private int last = -1;

            @Override
            public Tensor input(int i) {
                return privateParams[i];
            }

            @Override
            public Tensor evaluate(int i, int from, int to, int slot) {
                if (last != i && last >= 0) {
                    // Nodes below the previous parameter but not this one must see cached values.
                    for (int k : downstream[last]) {
                        vals[k] = base[k];
                        dirty[k] = false;
                    }
                    dirty[paramNode[last]] = false;
                }
                last = i;
                dirty[paramNode[i]] = true;
                // A range that is the whole parameter is no incremental step.
                boolean some = from >= 0 && (from > 0 || to < privateParams[i].size());
                int[] down = downstream[i];
                int[] at = direct[i];
                for (int d = 0; d < down.length; d++) {
                    int k = down[d];
                    int[] idx = inputIndex[k];
                    boolean changed = false;
                    for (int q = 0; q < idx.length; q++) {
                        changed |= dirty[idx[q]];
                    }
                    if (!changed) {
                        vals[k] = base[k];
                        dirty[k] = false;
                        continue;
                    }
                    Tensor[] a = args[k];
                    for (int q = 0; q < a.length; q++) {
                        a[q] = vals[idx[q]];
                    }
                    if (fast[k] == null) {
                        vals[k] = ops[k].forward(a);
                    } else {
                        OpOutput o = outs[k];
                        if (o == null) {
                            long inputSize = 0;
                            for (Tensor t : a) {
                                inputSize += t.size();
                            }
                            o = new OpOutput(fast[k], base[k], true, cleanOk[k] ? base[k] : null, inputSize);
                            outs[k] = o;
                        }
                        // Only a node that takes the parameter itself sees just [from, to) changed.
                        vals[k] = o.evaluate(a, some ? at[d] : -1, from, to);
                    }
                    // A node that takes the parameter itself always changes; the loss is not
                    // read by another node; a large value costs more to compare than it saves.
                    dirty[k] = at[d] >= 0 || k == lossIndex || vals[k].size() > SAME_CHECK_MAX
                            || !sameBits(vals[k].data(), base[k].data());
                    if (!dirty[k]) {
                        vals[k] = base[k];
                    }
                }
                // The loss's own buffer is overwritten by the next evaluation: copy it to the slot.
                Tensor y = slots[slot];
                y.copyFrom(vals[lossIndex]);
                return y;
            }
        };
    }

    /**
     * Whether two values are the same bit for bit. A loop rather than {@code Arrays.equals}: a
     * value that changed usually differs in its first few entries, and on the seed net's values
     * of a few entries the library call's setup cost more than the comparisons it saved.
     */
    private static boolean sameBits(double[] x, double[] y) {
        if (x.length != y.length) {
            return false;
        }
        for (int k = 0; k < x.length; k++) {
            if (Double.doubleToRawLongBits(x[k]) != Double.doubleToRawLongBits(y[k])) {
                return false;
            }
        }
        return true;
    }

    /**
     * Replays the graph once from its leaves: the cached values must be what the ops give now,
     * or every numeric derivative would be measured from a stale point.
     */
    private void requireCurrent(String caller, Node loss) {
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
            // The same path as the evaluations, so the check also covers forwardInto.
            if (fast[k] != null) {
                vals[k] = Tensor.zerosLike(base[k]);
                fast[k].forwardInto(vals[k], a);
                // The cached value is the node's clean output only if forwardInto reproduces it.
                cleanOk[k] = vals[k].equals(base[k]);
            } else {
                vals[k] = n.op().forward(a);
            }
        }
        if (!vals[lossIndex].equals(output)) {
            throw new IllegalArgumentException(caller + ": the graph's values are stale: the loss node '"
                    + loss.label() + "' holds " + output.item() + " but replaying the graph gives "
                    + vals[lossIndex].item() + "; call graph.recompute() after changing parameters or inputs"
                    + " (or an op's forward is not deterministic)");
        }
    }

    /** The leaves whose gradient backward computes: parameters and variables, in graph order. */
    private static List<Node> leaves(Graph graph) {
        List<Node> out = new ArrayList<>();
        for (Node n : graph.nodes()) {
            if (n.isLeaf() && n.requiresGrad()) {
                out.add(n);
            }
        }
        return out;
    }

    /**
     * Throws unless the loss is a node of the graph holding one value.
     *
     * @param caller the public method called, named in the message
     */
    static void requireLoss(String caller, Graph graph, Node loss) {
        if (loss.graph() != graph) {
            throw new IllegalArgumentException(caller + ": the loss node '" + loss.label()
                    + "' is of another graph");
        }
        if (!loss.value().isScalar()) {
            throw new IllegalArgumentException(caller + ": the loss node '" + loss.label() + "' is "
                    + loss.value().shape() + "; the end-to-end check needs a scalar loss, one value (reduce it,"
                    + " e.g. a mean)");
        }
    }

    /** @return the first data leaf the loss depends on that holds NaN or infinity, in words; or null */
    private static String nonFiniteData(Graph graph, Node loss) {
        List<Node> all = graph.nodes();
        boolean[] reaches = new boolean[all.size()];
        reaches[loss.index()] = true;
        for (int k = loss.index(); k >= 0; k--) {
            if (reaches[k]) {
                for (Node in : all.get(k).inputs()) {
                    reaches[in.index()] = true;
                }
            }
        }
        for (Node n : all) {
            if (reaches[n.index()] && n.op() == null && n.parameter() == null) {
                String text = nonFiniteText(n.value(), "the graph's input '" + n.label() + "'");
                if (text != null) {
                    return text;
                }
            }
        }
        return null;
    }

    private static Tensor[] parameterValues(Graph graph) {
        List<Node> leaves = leaves(graph);
        Tensor[] v = new Tensor[leaves.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = leaves.get(i).value();
        }
        return v;
    }

    /** The analytic gradients as values: the graph and the parameters' gradients stay untouched. */
    private static Tensor[] fromGradients(Graph graph, Node loss, List<Node> leaves) {
        return graph.gradients(loss, leaves.toArray(new Node[0]));
    }

    private static Tensor[] given(List<Node> leaves, Map<String, Tensor> byName) {
        Tensor[] out = new Tensor[leaves.size()];
        for (int i = 0; i < out.length; i++) {
            Node p = leaves.get(i);
            Tensor g = byName.get(p.label());
            if (g == null) {
                throw new IllegalArgumentException("checkEndToEnd: no analytic gradient for parameter '"
                        + p.label() + "'; the map has " + byName.keySet() + " and needs one per parameter "
                        + "of the graph");
            }
            Tensor.requireSameShape("checkEndToEnd: gradient for parameter '" + p.label() + "'", g, p.value());
            out[i] = g;
        }
        return out;
    }
}
