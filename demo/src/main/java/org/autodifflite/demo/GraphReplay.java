package org.autodifflite.demo;

import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.autodifflite.core.Graph;
import org.autodifflite.core.Node;
import org.autodifflite.core.Op;

/**
 * Rebuilds a graph node for node with some ops replaced — how a bug is planted in a graph that a
 * model's forward function built (a {@code GraphModel}'s), whose ops cannot be swapped while it is
 * built. Leaves are shared, not copied: the same data tensors and the same {@code Parameter}s.
 */
final class GraphReplay {

    private GraphReplay() {
    }

    /** A rebuilt graph and the node that stands for the given one (the loss). */
    record Replayed(Graph graph, Node node) {
    }

    /**
     * @param graph the graph to rebuild
     * @param node a node of it to find in the new graph (the loss)
     * @param replace node label → the op to use instead of the node's op (given the original)
     * @return the new graph, evaluated, and the counterpart of {@code node}
     * @throws IllegalArgumentException if a label of {@code replace} is not an op node of the graph
     */
    static Replayed replay(Graph graph, Node node, Map<String, UnaryOperator<Op>> replace) {
        for (String label : replace.keySet()) {
            if (graph.node(label).op() == null) {
                throw new IllegalArgumentException("node '" + label + "' is a leaf, not an op node; nothing to replace");
            }
        }
        Graph g = new Graph();
        Map<Node, Node> map = new HashMap<>();
        for (Node n : graph.nodes()) {
            Node copy = switch (n.kind()) {
                case INPUT -> n.requiresGrad() ? g.variable(n.label(), n.value()) : g.input(n.label(), n.value());
                case PARAMETER -> g.parameter(n.parameter());
                case CONSTANT -> g.constant(n.value());
                case OP -> {
                    Node[] in = new Node[n.inputs().size()];
                    for (int i = 0; i < in.length; i++) {
                        in[i] = map.get(n.inputs().get(i));
                    }
                    UnaryOperator<Op> r = replace.get(n.label());
                    yield g.apply(n.label(), r == null ? n.op() : r.apply(n.op()), in);
                }
            };
            map.put(n, copy);
        }
        return new Replayed(g, map.get(node));
    }
}
