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
import org.autodifflite.core.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The checker is not fooled: every planted bug of {@link Mutants} (a scale ×k, a sign flip, a
 * transposed gradient, a dropped term, the output used for the input, a sum over the wrong axis,
 * an ignored upstream gradient — in every op of the module) is caught on seeded random inputs of
 * random shapes (1–8 rows and columns), on the wrong input only, with the verdict and the
 * diagnosis it should get.
 */
class OpMutantTest {

    /** Seeds per planted bug. */
    private static final int SEEDS = 20;

    /** Seeds per planted bug in fast mode. */
    private static final int FAST_SEEDS = 5;

    /** Draws tried for a point where the bug shows (a ×2 on a gradient that is all zero does not). */
    private static final int REDRAWS = 50;

    /** A bug is "equivalent at a point" when it changes the gradient by less than this, relative. */
    private static final double EQUIVALENT = 1e-4;

    private static final GradientChecker CHECKER = GradientChecker.defaults().withThreads(1);

    static Stream<Arguments> mutantsAndSeeds() {
        SplittableRandom seeds = new SplittableRandom(20261129L);
        List<Arguments> out = new ArrayList<>();
        for (Mutants.Mutant m : Mutants.all()) {
            for (int k = 0; k < SEEDS; k++) {
                out.add(Arguments.of(m, seeds.nextLong()));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}, seed {1}")
    @MethodSource("mutantsAndSeeds")
    void plantedBugIsCaughtOnTheWrongInputWithItsDiagnosis(Mutants.Mutant m, long seed) {
        Tensor[] x = pointWhereItShows(m, seed);
        CheckReport r = CHECKER.withSeed(seed).checkOp(m.op(), x);
        String report = r.render();
        assertThat(r.passed()).as("not caught:%n%s", report).isFalse();
        List<InputResult> failures = r.failures();
        assertThat(failures).as("only the wrong input fails:%n%s", report).hasSize(1);
        InputResult f = failures.get(0);
        assertThat(f.inputIndex()).as(report).isEqualTo(m.input());
        assertThat(f.verdict()).as(report).isEqualTo(m.verdict());
        assertThat(f.diagnosis()).as(report).containsSubsequence(m.expectedText()).contains(m.where());
    }

    static Stream<Arguments> mutantsAndFewSeeds() {
        SplittableRandom seeds = new SplittableRandom(31L);
        List<Arguments> out = new ArrayList<>();
        for (Mutants.Mutant m : Mutants.all()) {
            for (int k = 0; k < FAST_SEEDS; k++) {
                out.add(Arguments.of(m, seeds.nextLong()));
            }
        }
        return out.stream();
    }

    /**
     * Fast mode (two random directions per input, then a sample of entries and a halving search
     * when a direction fails) catches every planted bug too, on the wrong input only, with the
     * same verdict; the diagnosis names the input.
     */
    @ParameterizedTest(name = "fast: {0}, seed {1}")
    @MethodSource("mutantsAndFewSeeds")
    void plantedBugIsCaughtInFastMode(Mutants.Mutant m, long seed) {
        Tensor[] x = pointWhereItShows(m, seed);
        CheckReport r = CHECKER.fast(2).withSeed(seed).checkOp(m.op(), x);
        String report = r.render();
        assertThat(r.failures()).as("caught on the wrong input only:%n%s", report).hasSize(1);
        InputResult f = r.failures().get(0);
        assertThat(f.inputIndex()).as(report).isEqualTo(m.input());
        assertThat(f.verdict()).as(report).isEqualTo(m.verdict());
        assertThat(f.diagnosis()).as(report).contains(m.op().inputName(m.input()));
    }

    /** Seeded random inputs at which the bug changes the gradient (redrawn while it does not). */
    private static Tensor[] pointWhereItShows(Mutants.Mutant m, long seed) {
        Well19937c rng = new Well19937c(seed);
        for (int k = 0; k < REDRAWS; k++) {
            Tensor[] candidate = m.draw().apply(rng);
            if (showsAt(m, candidate, seed)) {
                return candidate;
            }
        }
        return fail("%s is equivalent to the correct backward on %d random draws: not a bug", m, REDRAWS);
    }

    /** Whether the bug changes the gradient of its input at this point (a random upstream gradient). */
    static boolean showsAt(Mutants.Mutant m, Tensor[] x, long seed) {
        Tensor y = m.op().forward(x);
        Tensor u = Tensor.randn(y.dims(), seed);
        Tensor right = m.op().inner().backward(x, y, u)[m.input()];
        Tensor wrong = m.op().backward(x, y, u)[m.input()];
        if (!wrong.sameShape(right)) {
            return true; // a gradient of the wrong shape (left un-reduced) is wrong whatever its values
        }
        double scale = Math.max(right.maxAbs(), wrong.maxAbs());
        return wrong.subtract(right).maxAbs() > EQUIVALENT * scale;
    }
}
