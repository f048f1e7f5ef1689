package org.autodifflite.check;

import java.util.List;

/**
 * One node of the graph a report was made from, for drawing it: its label, what it is, its op
 * and shape, and the nodes it takes as inputs. A report of {@code checkOp} has the op's inputs
 * as leaves and the op as one node.
 *
 * @param index the node's position in the report's node list (a topological order)
 * @param label the node's label: {@code fc1}, {@code X}, {@code fc1.weight}
 * @param kind {@code "op"}, {@code "parameter"}, {@code "input"} or {@code "constant"}
 * @param op the op's name for an op node, else null
 * @param shape the node's value's shape, for example {@code 5×3}
 * @param inputs the positions of the nodes it takes as inputs, in the op's input order
 * @param parameter the parameter's name for a parameter node, else null
 */
public record ReportNode(int index, String label, String kind, String op, String shape, List<Integer> inputs,
        String parameter) {

    /**
     * @param index the node's position
     * @param label the node's label
     * @param kind what the node is
     * @param op the op's name, or null
     * @param shape the value's shape
     * @param inputs the input positions
     * @param parameter the parameter's name, or null
     */
    public ReportNode {
        inputs = List.copyOf(inputs);
    }
}
