package org.autodifflite.check;

import org.autodifflite.core.Graph;
import org.autodifflite.core.Node;

/**
 * The reference a fused op is checked against ({@link GradientChecker#checkAgainst}): the same
 * function built from other ops on a private graph, whose backward the engine derives.
 *
 * <pre>{@code
 * // a fused "square, then sum" against Square followed by Sum
 * CheckReport r = GradientChecker.defaults().checkAgainst(new SquareSum(),
 *         (g, in) -> g.apply(new Sum(), g.apply(new Square(), in[0])), Tensor.randn(3, 4, 1));
 * }</pre>
 */
@FunctionalInterface
public interface Composition {

    /**
     * Builds the reference on the graph given.
     *
     * @param graph a new graph, private to the check
     * @param inputs one node of {@code graph} per input of the fused op, in its order, labelled
     *     with the fused op's input names and holding copies of the inputs: a
     *     {@link Graph#variable variable} for each differentiable input, {@link Graph#input data}
     *     for the others
     * @return the node of {@code graph} holding the composition's output
     */
    Node build(Graph graph, Node... inputs);
}
