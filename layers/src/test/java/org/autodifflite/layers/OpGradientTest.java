package org.autodifflite.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.autodifflite.check.GradientAssertions.assertGradientsCorrect;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.math3.random.Well19937c;
import org.autodifflite.check.CheckReport;
import org.autodifflite.check.GradientChecker;
import org.autodifflite.check.InputResult;
import org.autodifflite.check.Verdict;
import org.autodifflite.core.Op;
import org.autodifflite.core.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every op's hand-written backward, proved by the gradient checker over seeded random inputs and
 * shapes; and a backward off by 1 % caught for every op.
 */
class OpGradientTest {

    /** One thread: the inputs are tiny, so a thread pool per check would cost more than it saves. */
    private static final GradientChecker CHECKER = GradientChecker.defaults().withThreads(1);

    private static final int MANY = 1000;

    static Stream<Arguments> opsAndSeeds() {
        List<Arguments> out = new ArrayList<>();
        for (OpCatalog.Case c : OpCatalog.all()) {
            for (long seed = 1; seed <= 5; seed++) {
                out.add(Arguments.of(c, seed));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}, seed {1}")
    @MethodSource("opsAndSeeds")
    void backwardIsCorrect(OpCatalog.Case c, long seed) {
        assertGradientsCorrect(CHECKER, c.op(), c.inputs(new Well19937c(seed)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.autodifflite.layers.OpCatalog#cases")
    void backwardIsCorrectOnAThousandSeededRandomInputs(OpCatalog.Case c) {
        int skippedEntries = 0;
        for (long seed = 1000; seed < 1000 + MANY; seed++) {
            Tensor[] in = c.inputs(new Well19937c(seed));
            CheckReport r = CHECKER.withSeed(seed).checkOp(c.op(), in);
            assertThat(r.passed()).as("%s, seed %d:%n%s", c, seed, r.render()).isTrue();
            for (InputResult ir : r.results()) {
                skippedEntries += ir.entriesSkipped();
            }
        }
        System.out.printf("%s: %d random inputs passed (%d entries skipped at kinks)%n", c, MANY, skippedEntries);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.autodifflite.layers.OpCatalog#cases")
    void aBackwardScaledByOnePercentIsCaught(OpCatalog.Case c) {
        Op buggy = new ScaledBackward(c.op(), ScaledBackward.ALL, 1.01);
        int tried = 0;
        for (long seed = 1; seed <= 100; seed++) {
            Tensor[] in = c.inputs(new Well19937c(seed));
            if (!hasNonZeroGradient(c.op(), in)) {
                continue;   // 1.01 × 0 = 0: nothing to catch (e.g. ReLU over negative inputs only)
            }
            tried++;
            CheckReport r = CHECKER.withSeed(seed).checkOp(buggy, in);
            assertThat(r.passed()).as("%s ×1.01 not caught, seed %d:%n%s", c, seed, r.render()).isFalse();
            for (InputResult f : r.failures()) {
                assertThat(f.verdict()).isEqualTo(Verdict.FAIL);
            }
        }
        assertThat(tried).as("seeds with a non-zero gradient").isGreaterThanOrEqualTo(80);
    }

    private static boolean hasNonZeroGradient(Op op, Tensor[] in) {
        Tensor out = op.forward(in);
        Tensor[] g = op.backward(in, out, Tensor.randn(out.rows(), out.cols(), 1L));
        for (int i = 0; i < g.length; i++) {
            if (op.differentiable(i) && g[i].maxAbs() > 0) {
                return true;
            }
        }
        return false;
    }
}
