package org.autodifflite.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.autodifflite.core.Op;
import org.autodifflite.core.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * No false alarm on correct ops over 1,000 seeded random inputs each (smooth ones and ReLU with
 * its kink), and a backward off by 1% is always caught.
 */
class PropertyTest {

    private static final GradientChecker CHECKER = GradientChecker.defaults().withThreads(1);

    static Stream<Arguments> seeds() {
        return IntStream.range(0, 1000).mapToObj(Arguments::of);
    }

    /**
     * Random inputs for the op chosen by the seed: shapes 1..4, values N(0, s²) with
     * {@code s = 10^U(−1, maxLog10)}.
     */
    private static Case randomCase(int seed, double maxLog10) {
        SplittableRandom rng = new SplittableRandom(seed);
        int r = 1 + rng.nextInt(4);
        int c = 1 + rng.nextInt(4);
        double s = Math.pow(10, rng.nextDouble(-1, maxLog10));
        long ts = 1000L + seed;
        switch (seed % 8) {
            case 0:
                return new Case(TestOps.SIN, Tensor.randn(r, c, ts).scale(s));
            case 1:
                return new Case(TestOps.EXP, Tensor.randn(r, c, ts).scale(Math.min(s, 3)));
            case 2:
                return new Case(TestOps.TANH, Tensor.randn(r, c, ts).scale(s));
            case 3: {
                int k = 1 + rng.nextInt(4);
                return new Case(TestOps.MATMUL, Tensor.randn(r, k, ts).scale(s), Tensor.randn(k, c, ts + 7));
            }
            case 4: {
                Tensor a = Tensor.randn(1, c, ts).map(TestOps::sigmoid);
                Tensor y = Tensor.randn(1, c, ts + 3).map(v -> v > 0 ? 1 : 0);
                return new Case(TestOps.BCE, a, y);
            }
            case 5:
                return new Case(TestOps.SIGMOID, Tensor.randn(r, c, ts).scale(s));
            case 6: {
                int k = 1 + rng.nextInt(4);
                return new Case(TestOps.linear(), Tensor.randn(k, c, ts), Tensor.randn(r, k, ts + 1).scale(s),
                        Tensor.randn(r, 1, ts + 2));
            }
            default:
                return new Case(TestOps.RELU, Tensor.randn(r, c, ts).scale(s));
        }
    }

    private static final class Case {
        final Op op;
        final Tensor[] inputs;

        Case(Op op, Tensor... inputs) {
            this.op = op;
            this.inputs = inputs;
        }
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void correctOpsPass(int seed) {
        // up to s = 10: tanh and sigmoid saturate, exp grows large, ReLU meets its kink
        Case c = randomCase(seed, 1);
        CheckReport report = CHECKER.withSeed(seed).checkOp(c.op, c.inputs);
        assertThat(report.passed()).as(report.render()).isTrue();
        assertThat(report.results()).allSatisfy(r -> assertThat(r.verdict()).isEqualTo(Verdict.PASS));
        if (c.op != TestOps.RELU) {
            // smooth: nothing may hide behind a kink
            assertThat(report.results()).allSatisfy(r -> assertThat(r.entriesSkipped()).isZero());
        }
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void onePercentOffIsCaught(int seed) {
        // s ≤ 2: where the derivative is large enough to resolve (a saturated tanh has a
        // derivative below one ulp of its output per step, which no finite difference can see)
        Case c = randomCase(seed, 0.3);
        Op broken = TestOps.scaled(c.op, 0, 1.01);
        CheckReport report = CHECKER.withSeed(seed).checkOp(broken, c.inputs);
        InputResult first = report.results().get(0);
        if (c.op == TestOps.RELU && c.inputs[0].maxAbs() > 0 && allNegative(c.inputs[0])) {
            // every gradient entry is exactly 0: 1.01 × 0 is still right
            assertThat(first.verdict()).isEqualTo(Verdict.PASS);
            return;
        }
        assertThat(first.verdict()).as(report.render()).isEqualTo(Verdict.FAIL);
        assertThat(first.diagnosis()).contains("analytic = 1.01 × numeric");
    }

    private static boolean allNegative(Tensor t) {
        for (double v : t.data()) {
            if (v > 0) {
                return false;
            }
        }
        return true;
    }
}
