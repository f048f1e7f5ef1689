package org.autodifflite.layers;

import static org.autodifflite.check.GradientAssertions.assertGradientsCorrect;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.apache.commons.math3.random.Well19937c;
import org.autodifflite.check.GradientChecker;
import org.autodifflite.core.Op;
import org.autodifflite.core.Tensor;
import org.autodifflite.core.ops.Sigmoid;
import org.autodifflite.core.ops.Tanh;
import org.autodifflite.layers.ops.BinaryCrossEntropy;
import org.autodifflite.layers.ops.Linear;
import org.autodifflite.layers.ops.SigmoidBinaryCrossEntropy;
import org.autodifflite.layers.ops.SoftmaxCrossEntropy;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every op of the module against the gradient checker, and nothing else: the checker is this
 * test's only assertion. It is the test PIT runs ({@code mvn -Ppitest}, see
 * {@code docs/mutation-testing.md}): every mutant PIT plants in an op's code that this test
 * kills is a bug the checker catches on its own.
 *
 * <p>Inputs: seeded random shapes with 1–8 rows and columns, and, for each op, its inputs with
 * one input square (so Linear sees every shape relation).
 */
class OpGradientCheckTest {

    /** Seeded random input sets per op and per shape family. */
    private static final int SEEDS = 6;

    private static final GradientChecker CHECKER = GradientChecker.defaults().withThreads(1);

    static Stream<Arguments> opsAndInputs() {
        SplittableRandom seeds = new SplittableRandom(7L);
        List<Arguments> out = new ArrayList<>();
        for (Op op : Mutants.ops()) {
            for (int square = RandomInputs.ANY; square < op.arity(); square++) {
                if (square >= 0 && (!op.differentiable(square) || op instanceof Linear && square == 2)) {
                    continue;
                }
                for (int k = 0; k < SEEDS; k++) {
                    out.add(Arguments.of(op, square, seeds.nextLong()));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}, square input {1}, seed {2}")
    @MethodSource("opsAndInputs")
    void theCheckerPassesTheOp(Op op, int square, long seed) {
        assertGradientsCorrect(CHECKER.withSeed(seed), op, RandomInputs.draw(op, new Well19937c(seed), square));
    }

    /**
     * Edge points every op must get right, where a numerically careless backward or forward
     * goes wrong: saturated activations, confident predictions (exactly 0 or 1, and right),
     * logits of ±1000 that overflow a softmax or a sigmoid taken the naive way.
     */
    static Stream<Arguments> edges() {
        Tensor saturating = Tensor.row(-800, -30, -1e-3, 0, 1e-3, 30, 800);
        return Stream.of(
                Arguments.of(new Sigmoid(), new Tensor[] {saturating}),
                Arguments.of(new Tanh(), new Tensor[] {saturating}),
                Arguments.of(new BinaryCrossEntropy(), new Tensor[] {Tensor.row(1, 0, 0.3, 0.999), Tensor.row(1, 0, 1, 0)}),
                Arguments.of(new SigmoidBinaryCrossEntropy(), new Tensor[] {saturating, Tensor.row(1, 0, 1, 0.5, 0, 1, 0)}),
                Arguments.of(new SoftmaxCrossEntropy(), new Tensor[] {
                    Tensor.of(new double[][] {{-1000, 3}, {1000, -2}}), Tensor.of(new double[][] {{0, 1}, {1, 0}})}),
                Arguments.of(new Linear(), new Tensor[] {Tensor.filled(2, 3, 1e6), Tensor.filled(2, 2, -1e-6), Tensor.column(1e3, 0)}));
    }

    @ParameterizedTest(name = "{0} at edge points")
    @MethodSource("edges")
    void theCheckerPassesTheOpAtEdgePoints(Op op, Tensor[] inputs) {
        assertGradientsCorrect(CHECKER, op, inputs);
    }
}
