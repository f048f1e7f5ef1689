package org.autodifflite.check;

import org.autodifflite.core.Graph;
import org.autodifflite.core.Node;
import org.autodifflite.core.Op;
import org.autodifflite.core.Tensor;

/**
 * JUnit-ready assertions: each throws {@link AssertionError} carrying the rendered report when a
 * gradient is wrong, so a failing test says which input, which entries and what kind of mistake.
 *
 * <pre>{@code
 * @Test void myOpIsRight() {
 *     assertGradientsCorrect(new MyOp(), Tensor.randn(3, 4, 1), Tensor.randn(4, 2, 2));
 * }
 * }</pre>
 */
public final class GradientAssertions {

    private GradientAssertions() {
    }

    /**
     * Checks an op with {@link GradientChecker#defaults()} and fails if any input does not pass.
     *
     * @param op the op
     * @param inputs its inputs; never modified
     * @throws AssertionError with the rendered report if a gradient is wrong, not finite or the
     *     op breaks its contract
     * @throws IllegalArgumentException if the inputs do not suit the op
     */
    public static void assertGradientsCorrect(Op op, Tensor... inputs) {
        assertGradientsCorrect(GradientChecker.defaults(), op, inputs);
    }

    /**
     * Checks an op with the given checker and fails if any input does not pass.
     *
     * @param checker the checker (mode, coverage, seed, …)
     * @param op the op
     * @param inputs its inputs; never modified
     * @throws AssertionError with the rendered report if the check fails
     * @throws IllegalArgumentException if the inputs do not suit the op
     */
    public static void assertGradientsCorrect(GradientChecker checker, Op op, Tensor... inputs) {
        require(checker.checkOp(op, inputs));
    }

    /**
     * Checks every node of a graph and the graph end to end with {@link GradientChecker#defaults()}.
     *
     * @param graph the graph, its values current
     * @param loss a node of the graph holding one value
     * @throws AssertionError with the rendered report if the check fails
     * @throws IllegalArgumentException if the loss holds more than one value or is not of the graph
     */
    public static void assertGradientsCorrect(Graph graph, Node loss) {
        assertGradientsCorrect(GradientChecker.defaults(), graph, loss);
    }

    /**
     * Checks every node of a graph and the graph end to end with the given checker.
     *
     * @param checker the checker
     * @param graph the graph, its values current
     * @param loss a node of the graph holding one value
     * @throws AssertionError with the rendered report if the check fails
     * @throws IllegalArgumentException if the loss holds more than one value or is not of the graph
     */
    public static void assertGradientsCorrect(GradientChecker checker, Graph graph, Node loss) {
        require(checker.checkGraph(graph, loss));
    }

    /**
     * Checks a fused op against its reference composition with {@link GradientChecker#defaults()}
     * (see {@link GradientChecker#checkAgainst}) and fails if the forward or any gradient differs
     * beyond roundoff.
     *
     * @param fused the op with a hand-written backward
     * @param reference builds the same function from other ops on the graph it is given
     * @param inputs the point; never modified
     * @throws AssertionError with the rendered report if they differ
     * @throws IllegalArgumentException if the inputs do not suit the op
     */
    public static void assertMatchesReference(Op fused, Composition reference, Tensor... inputs) {
        assertMatchesReference(GradientChecker.defaults(), fused, reference, inputs);
    }

    /**
     * Checks a fused op against its reference composition with the given checker (its seed sets
     * the upstream gradient).
     *
     * @param checker the checker
     * @param fused the op with a hand-written backward
     * @param reference builds the same function from other ops on the graph it is given
     * @param inputs the point; never modified
     * @throws AssertionError with the rendered report if they differ
     * @throws IllegalArgumentException if the inputs do not suit the op
     */
    public static void assertMatchesReference(GradientChecker checker, Op fused, Composition reference,
            Tensor... inputs) {
        CheckReport report = checker.checkAgainst(fused, reference, inputs);
        if (!report.passed()) {
            throw new AssertionError(fused.name() + " does not match its reference composition:\n" + report.render());
        }
    }

    private static void require(CheckReport report) {
        if (!report.passed()) {
            String why = report.failures().isEmpty() && !report.coverageShortfalls().isEmpty()
                    ? "gradients were not verified enough (minimum coverage not met):\n" : "gradients are wrong:\n";
            throw new AssertionError(why + report.render());
        }
    }
}
