package org.autodifflite.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;
import org.autodifflite.check.CheckReport;
import org.autodifflite.check.GradientChecker;
import org.autodifflite.check.InputResult;
import org.autodifflite.check.Verdict;
import org.autodifflite.core.Op;
import org.autodifflite.core.Tensor;
import org.autodifflite.layers.ops.Conv2d;
import org.autodifflite.layers.ops.MaxPool2d;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The checker is not fooled by the mistakes one makes writing a convolution's or a pool's
 * backward by hand. Each planted bug is a wrong backward written out in full ({@link NaiveSpatial}
 * with the mistake in it), wrapped around the real op with {@link PlantedBug} (a
 * {@code ForwardingOp}: same name, inputs and forward): the kernel flipped in ∂L/∂W
 * (convolution instead of correlation), the stride ignored in the backward pass, the padding not
 * cropped from ∂L/∂X, a max-pool's gradient sent to every entry of its window; and, for every
 * input of every spatial op, a gradient scaled ×2 or with its sign flipped. Each must fail on
 * exactly the inputs it breaks, with the verdict FAIL and the diagnosis naming the input.
 */
class SpatialMutantTest {

    private static final int SEEDS = 12;

    private static final int REDRAWS = 50;

    private static final GradientChecker CHECKER = GradientChecker.defaults().withThreads(1);

    /**
     * One planted bug.
     *
     * @param bug what is wrong
     * @param make the buggy op for a drawn case (the bug needs the case's geometry)
     * @param wrong the inputs whose gradients the bug breaks (every other must pass)
     * @param diagnosis the words the diagnosis must contain, or null for "worst entries" only
     * @param draw the cases it is planted in
     */
    record Mutant(String bug, Function<SpatialCases.Case, PlantedBug> make, int[] wrong, String diagnosis,
            Function<RandomGenerator, SpatialCases.Case> draw) {
        @Override
        public String toString() {
            return bug;
        }
    }

    static List<Mutant> mutants() {
        List<Mutant> out = new ArrayList<>();
        out.add(new Mutant("Conv2d: ∂L/∂W by convolution instead of correlation (kernel flipped)",
                c -> convBug(c, NaiveSpatial.ConvBug.FLIPPED_KERNEL_IN_DW), new int[] {1}, null,
                SpatialMutantTest::randomConv));
        out.add(new Mutant("Conv2d: stride ignored in backward (windows stepped by 1)",
                c -> convBug(c, NaiveSpatial.ConvBug.STRIDE_IGNORED), new int[] {0, 1}, null,
                rng -> strided(rng)));
        out.add(new Mutant("Conv2d: padding not cropped from ∂L/∂X (top-left corner of the padded gradient)",
                c -> convBug(c, NaiveSpatial.ConvBug.PADDING_NOT_CROPPED), new int[] {0}, null,
                rng -> padded(rng)));
        out.add(new Mutant("MaxPool2d: gradient sent to every entry of the window",
                c -> new PlantedBug(c.op(), (x, y, g) -> new Tensor[] {
                    NaiveSpatial.maxPoolBackward(x[0], g, c.pool(), true)}), new int[] {0}, null,
                rng -> SpatialCases.draw(SpatialCases.Kind.MAX_POOL, 5, rng)));
        for (SpatialCases.Kind kind : SpatialCases.Kind.values()) {
            int inputs = SpatialCases.draw(kind, 0, new Well19937c(1)).inputs().length;
            for (int i = 0; i < inputs; i++) {
                int input = i;
                Function<RandomGenerator, SpatialCases.Case> any = rng -> {
                    SpatialCases.Case c;
                    do {
                        c = SpatialCases.draw(kind, 5 + rng.nextInt(50), rng);
                    } while (c.inputs().length <= input);   // b's bug needs a convolution with bias
                    return c;
                };
                out.add(new Mutant(kind + ": gradient of input " + i + " scaled ×2", c -> scaled(c, input, 2),
                        new int[] {i}, String.format(Locale.ROOT, "analytic = %.2f × numeric", 2.0), any));
                out.add(new Mutant(kind + ": gradient of input " + i + " with its sign flipped", c -> scaled(c, input, -1),
                        new int[] {i}, "sign flip: analytic = −1.00 × numeric", any));
            }
        }
        return out;
    }

    static Stream<Arguments> mutantsAndSeeds() {
        List<Arguments> out = new ArrayList<>();
        for (Mutant m : mutants()) {
            for (long seed = 1; seed <= SEEDS; seed++) {
                out.add(Arguments.of(m, seed));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}, seed {1}")
    @MethodSource("mutantsAndSeeds")
    void plantedBugFailsOnTheInputsItBreaksAndNoOther(Mutant m, long seed) {
        Well19937c rng = new Well19937c(seed);
        for (int k = 0; k < REDRAWS; k++) {
            SpatialCases.Case c = m.draw().apply(rng);
            PlantedBug bug = m.make().apply(c);
            if (!showsAt(bug, c.inputs(), seed)) {
                continue;   // equivalent at this point (e.g. a stride of 1, a 1×1 kernel): redraw
            }
            CheckReport r = CHECKER.withSeed(seed).checkOp(bug, c.inputs());
            String report = r.render();
            List<Integer> failed = new ArrayList<>();
            for (InputResult ir : r.failures()) {
                failed.add(ir.inputIndex());
                assertThat(ir.verdict()).as("%s%n%s", c, report).isEqualTo(Verdict.FAIL);
                assertThat(ir.diagnosis()).as(report).contains(bug.inputName(ir.inputIndex()) + " in " + bug.name()
                        + "'s backward");
                if (m.diagnosis() != null) {
                    assertThat(ir.diagnosis()).as(report).contains(m.diagnosis());
                } else {
                    assertThat(ir.diagnosis()).as(report).contains("worst: (");
                }
            }
            List<Integer> want = new ArrayList<>();
            for (int i : m.wrong()) {
                if (showsAt(bug, c.inputs(), seed, i)) {
                    want.add(i);
                }
            }
            assertThat(failed).as("the inputs that fail, %s:%n%s", c, report).isEqualTo(want);
            assertThat(want).as("a bug that shows fails somewhere").isNotEmpty();
            return;
        }
        fail("%s is equivalent to the correct backward on %d draws: not a bug", m, REDRAWS);
    }

    private static PlantedBug convBug(SpatialCases.Case c, NaiveSpatial.ConvBug kind) {
        boolean bias = c.inputs().length == 3;
        return new PlantedBug(c.op(), (x, y, g) -> NaiveSpatial.convBackward(x[0], x[1], bias, g, c.conv(), kind));
    }

    private static PlantedBug scaled(SpatialCases.Case c, int input, double k) {
        Op op = c.op();
        return new PlantedBug(op, (x, y, g) -> {
            Tensor[] grads = op.backward(x, y, g);
            grads[input] = grads[input].scale(k);
            return grads;
        });
    }

    private static SpatialCases.Case randomConv(RandomGenerator rng) {
        return SpatialCases.draw(SpatialCases.Kind.CONV, 7 + rng.nextInt(1000), rng);
    }

    /** A convolution with stride 2 or 3 on at least one axis. */
    private static SpatialCases.Case strided(RandomGenerator rng) {
        NaiveSpatial.Geometry g = new NaiveSpatial.Geometry(2 + rng.nextInt(2), 1 + rng.nextInt(3), rng.nextInt(2),
                rng.nextInt(2), 1, 1 + rng.nextInt(2));
        return SpatialCases.conv("strided", 1 + rng.nextInt(2), 1 + rng.nextInt(2), 5 + rng.nextInt(4),
                5 + rng.nextInt(4), 1 + rng.nextInt(3), 1 + rng.nextInt(3), 1 + rng.nextInt(3), g, rng.nextBoolean(), rng);
    }

    /** A convolution with padding 1 or 2 on at least one axis. */
    private static SpatialCases.Case padded(RandomGenerator rng) {
        NaiveSpatial.Geometry g = new NaiveSpatial.Geometry(1 + rng.nextInt(2), 1 + rng.nextInt(2), 1 + rng.nextInt(2),
                rng.nextInt(3), 1, 1);
        return SpatialCases.conv("padded", 1 + rng.nextInt(2), 1 + rng.nextInt(2), 3 + rng.nextInt(4),
                3 + rng.nextInt(4), 1 + rng.nextInt(3), 2 + rng.nextInt(2), 1 + rng.nextInt(3), g, rng.nextBoolean(), rng);
    }

    /** Whether the bug changes any gradient at this point, for a random upstream gradient. */
    private static boolean showsAt(PlantedBug bug, Tensor[] x, long seed) {
        for (int i = 0; i < x.length; i++) {
            if (showsAt(bug, x, seed, i)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the bug changes input {@code i}'s gradient at this point. */
    private static boolean showsAt(PlantedBug bug, Tensor[] x, long seed, int i) {
        Tensor y = bug.forward(x);
        Tensor u = Tensor.randn(y.dims(), seed);
        Tensor right = bug.inner().backward(x, y, u)[i];
        Tensor wrong = bug.backward(x, y, u)[i];
        double scale = Math.max(right.maxAbs(), wrong.maxAbs());
        return wrong.subtract(right).maxAbs() > 1e-4 * scale;
    }
}
