package org.autodifflite.layers;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.commons.math3.random.Well19937c;
import org.autodifflite.check.CheckReport;
import org.autodifflite.check.GradientChecker;
import org.autodifflite.check.InputResult;
import org.autodifflite.check.Verdict;
import org.autodifflite.core.Tensor;
import org.autodifflite.core.ops.LeakyReLU;
import org.autodifflite.core.ops.ReLU;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * No false alarms: every correct op passes the default checker on 10,000 seeded random inputs
 * (shapes 1–4, {@link OpCatalog}), kinks excepted and reported as {@link Verdict#SKIPPED}. For
 * the rectifiers, one input in ten gets an entry planted at or next to the kink (0, ±1e-9), and
 * the report must name exactly that entry as skipped.
 *
 * <p>The default checker runs on one thread here: the inputs are tiny, and its report is the
 * same for any number of threads (see {@code ConcurrentCheckTest}).
 */
class NoFalseAlarmTest {

    private static final int INPUTS = 10_000;

    private static final GradientChecker CHECKER = GradientChecker.defaults().withThreads(1);

    private static final double[] KINKS = {0.0, 1e-9, -1e-9};

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.autodifflite.layers.OpCatalog#cases")
    void correctOpPassesTenThousandSeededRandomInputs(OpCatalog.Case c) {
        boolean rectifier = c.op() instanceof ReLU || c.op() instanceof LeakyReLU;
        int planted = 0;
        int entries = 0;
        int skipped = 0;
        for (long seed = 1; seed <= INPUTS; seed++) {
            Well19937c rng = new Well19937c(seed);
            Tensor[] in = c.inputs(rng);
            int kinkAt = -1;
            if (rectifier && seed % 10 == 0) {
                kinkAt = rng.nextInt(in[0].size());
                in[0].set(kinkAt, KINKS[(int) (seed / 10 % KINKS.length)]);
                planted++;
            }
            CheckReport r = CHECKER.withSeed(seed).checkOp(c.op(), in);
            assertThat(r.passed()).as("%s, seed %d: false alarm%n%s", c, seed, r.render()).isTrue();
            for (InputResult ir : r.results()) {
                assertThat(ir.verdict()).isIn(Verdict.PASS, Verdict.SKIPPED);
                entries += ir.entriesChecked();
                skipped += ir.entriesSkipped();
            }
            if (kinkAt >= 0) {
                InputResult z = r.results().get(0);
                String at = "(" + kinkAt / in[0].cols() + ", " + kinkAt % in[0].cols() + ")";
                assertThat(z.entriesSkipped()).as("%s, seed %d: kink at %s%n%s", c, seed, at, r.render())
                        .isGreaterThanOrEqualTo(1);
                assertThat(z.diagnosis()).as("seed %d", seed).contains("skipped at a kink").contains(at);
            }
        }
        System.out.printf("no false alarm: %s passed %d seeded random inputs, %d entries checked, %d skipped at"
                + " kinks (%d kinks planted)%n", c, INPUTS, entries, skipped, planted);
        if (!rectifier) {
            // A smooth op has no kink: an entry skipped there would be an entry never checked.
            assertThat(skipped).as("entries of a smooth op skipped as kinks").isLessThanOrEqualTo(entries / 10_000);
        }
    }
}
