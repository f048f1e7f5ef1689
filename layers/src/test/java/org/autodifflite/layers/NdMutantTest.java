package org.autodifflite.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.apache.commons.math3.random.Well19937c;
import org.autodifflite.check.CheckReport;
import org.autodifflite.check.GradientChecker;
import org.autodifflite.check.InputResult;
import org.autodifflite.check.Verdict;
import org.autodifflite.core.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The checker is not fooled on N-D shapes either: every planted bug of {@link Mutants#nd()} — the
 * generic families and each op's own, in a batched matmul, broadcasting add and multiply on
 * rank 3–4, a sum and a softmax over an inner axis, a convolution and a batch norm — is caught on
 * seeded random inputs, on the wrong input only, with its verdict and diagnosis, in exhaustive
 * and in fast mode. A gradient left un-reduced is a contract breach of its own input that names
 * the axes to sum over; the other inputs are then not compared (their gradients come from the same
 * broken backward) and say so.
 */
class NdMutantTest {

    /** Seeds per planted bug, exhaustive. */
    private static final int SEEDS = 20;

    /** Seeds per planted bug in fast mode. */
    private static final int FAST_SEEDS = 5;

    private static final int REDRAWS = 50;

    private static final GradientChecker CHECKER = GradientChecker.defaults().withThreads(1);

    static Stream<Arguments> mutants(long seed, int seeds) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<Arguments> out = new ArrayList<>();
        for (Mutants.Mutant m : Mutants.nd()) {
            for (int k = 0; k < seeds; k++) {
                out.add(Arguments.of(m, rng.nextLong()));
            }
        }
        return out.stream();
    }

    static Stream<Arguments> mutantsAndSeeds() {
        return mutants(20261213L, SEEDS);
    }

    static Stream<Arguments> mutantsAndFewSeeds() {
        return mutants(1213L, FAST_SEEDS);
    }

    @ParameterizedTest(name = "{0}, seed {1}")
    @MethodSource("mutantsAndSeeds")
    void plantedBugIsCaughtOnTheWrongInputWithItsDiagnosis(Mutants.Mutant m, long seed) {
        Tensor[] x = pointWhereItShows(m, seed);
        CheckReport r = CHECKER.withSeed(seed).checkOp(m.op(), x);
        assertCaught(m, r, true);
    }

    @ParameterizedTest(name = "fast: {0}, seed {1}")
    @MethodSource("mutantsAndFewSeeds")
    void plantedBugIsCaughtInFastMode(Mutants.Mutant m, long seed) {
        Tensor[] x = pointWhereItShows(m, seed);
        CheckReport r = CHECKER.fast(2).withSeed(seed).checkOp(m.op(), x);
        assertCaught(m, r, false);
    }

    /**
     * @param diagnosis whether the diagnosis must be the bug's own words (exhaustive), or only name
     *     the input (fast mode decides from a sample of entries)
     */
    static void assertCaught(Mutants.Mutant m, CheckReport r, boolean diagnosis) {
        String report = r.render();
        assertThat(r.passed()).as("not caught:%n%s", report).isFalse();
        if (m.kind() == Mutants.Kind.UNREDUCED) {
            for (InputResult f : r.results()) {
                assertThat(f.verdict()).as(report).isEqualTo(Verdict.CONTRACT);
                if (f.inputIndex() == m.input()) {
                    assertThat(f.diagnosis()).as(report).containsSubsequence(m.expectedText()).contains(m.where());
                } else {
                    assertThat(f.diagnosis()).as(report).contains("backward broke the op contract for another input");
                }
            }
            return;
        }
        assertThat(r.failures()).as("only the wrong input fails:%n%s", report).hasSize(1);
        InputResult f = r.failures().get(0);
        assertThat(f.inputIndex()).as(report).isEqualTo(m.input());
        assertThat(f.verdict()).as(report).isEqualTo(m.verdict());
        if (diagnosis) {
            assertThat(f.diagnosis()).as(report).containsSubsequence(m.expectedText()).contains(m.where());
        } else {
            assertThat(f.diagnosis()).as(report).contains(m.op().inputName(m.input()));
        }
    }

    /** Seeded random inputs at which the bug changes the gradient (redrawn while it does not). */
    static Tensor[] pointWhereItShows(Mutants.Mutant m, long seed) {
        Well19937c rng = new Well19937c(seed);
        for (int k = 0; k < REDRAWS; k++) {
            Tensor[] candidate = m.draw().apply(rng);
            if (OpMutantTest.showsAt(m, candidate, seed)) {
                return candidate;
            }
        }
        return fail("%s is equivalent to the correct backward on %d random draws: not a bug", m, REDRAWS);
    }
}
