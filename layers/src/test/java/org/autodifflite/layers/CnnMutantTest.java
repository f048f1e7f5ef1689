package org.autodifflite.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;
import org.autodifflite.check.CheckReport;
import org.autodifflite.check.GradientChecker;
import org.autodifflite.check.InputResult;
import org.autodifflite.core.Graph;
import org.autodifflite.core.Node;
import org.autodifflite.core.Op;
import org.autodifflite.core.Parameter;
import org.autodifflite.core.Tensor;
import org.autodifflite.core.ops.ReLU;
import org.autodifflite.layers.ops.Conv2d;
import org.autodifflite.layers.ops.Flatten;
import org.autodifflite.layers.ops.Linear;
import org.autodifflite.layers.ops.MaxPool2d;
import org.autodifflite.layers.ops.SoftmaxCrossEntropy;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The planted bugs inside a small CNN: images N×C×H×W → conv (3×3, padding 1) → ReLU → 2×2
 * max-pool → flatten to features × batch → dense → softmax cross-entropy, built with
 * {@link Graph#apply}, batch 2–4. Every bug of {@link Mutants} in the network's ops (the
 * convolution's N-D ones, the ReLU's, the dense layer's and the loss's, and the pool's and the
 * flatten's generic ones plus a max-pool that sends its gradient to every entry of a window) is
 * found by {@link GradientChecker#checkGraph} at its own node and input only, with its verdict and
 * diagnosis, in exhaustive and fast mode. End to end, the check fails exactly when the bug changes
 * some parameter's gradient at that point: not for a wrong ∂L/∂X of the first convolution (X is
 * the data), a loss that ignores its upstream gradient (seeded with exactly 1), or a ReLU mistake
 * on entries the max-pool does not pass on (their upstream gradient is zero) — the per-node check
 * uses a random upstream gradient and finds those too.
 *
 * <p>Points are drawn again until every max-pool window has one largest entry (a window of dead
 * ReLUs is a tie, a kink the checker skips by design) and the bug changes the gradient at its node.
 * Shapes make every input a bug can be transposed in square: N = F·s² = classes, with either
 * F = N filters on 2×2 images (pooled to 1×1) or, for N = 4, one filter on 4×4 images (pooled to
 * 2×2).
 */
class CnnMutantTest {

    private static final int SEEDS = 5;
    private static final int FAST_SEEDS = 3;
    private static final int REDRAWS = 50;
    private static final GradientChecker CHECKER = GradientChecker.defaults().withThreads(1);

    /** The network's ops whose bugs are planted. */
    private static final List<Class<? extends Op>> KINDS = List.of(Conv2d.class, ReLU.class, MaxPool2d.class,
            Flatten.class, Linear.class, SoftmaxCrossEntropy.class);

    /** @return every bug planted in an op of the network */
    static List<Mutants.Mutant> mutants() {
        List<Mutants.Mutant> out = new ArrayList<>();
        for (Mutants.Mutant m : Mutants.nd()) {
            if (m.op().inner() instanceof Conv2d) {
                out.add(m);
            }
        }
        for (Mutants.Mutant m : Mutants.all()) {
            Op inner = m.op().inner();
            if (inner instanceof ReLU || inner instanceof Linear || inner instanceof SoftmaxCrossEntropy) {
                out.add(m);
            }
        }
        MaxPool2d pool = new MaxPool2d(2);
        Mutants.generic(out, pool, 0, CnnMutantTest::images, CnnMutantTest::images, true);
        out.add(new Mutants.Mutant("gradient sent to every entry of the window", new PlantedBug(pool, (x, y, g) ->
                new Tensor[] {NaiveSpatial.maxPoolBackward(x[0], g, NaiveSpatial.Pool.of(2, 2, 0), true)}),
                0, Mutants.Kind.WRONG, 1, CnnMutantTest::images));
        Mutants.generic(out, new Flatten(), 0, CnnMutantTest::images, CnnMutantTest::images, true);
        return out;
    }

    /** Inputs for an op alone (only to tell the pool and flatten draws apart; the graph draws its own). */
    private static Tensor[] images(RandomGenerator rng) {
        return new Tensor[] {Tensor.randn(new int[] {2, 1, 4, 4}, rng)};
    }

    static Stream<Arguments> mutants(long seed, int seeds) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<Arguments> out = new ArrayList<>();
        for (Mutants.Mutant m : mutants()) {
            for (int k = 0; k < seeds; k++) {
                out.add(Arguments.of(m, rng.nextLong()));
            }
        }
        return out.stream();
    }

    static Stream<Arguments> mutantsAndSeeds() {
        return mutants(4242L, SEEDS);
    }

    static Stream<Arguments> mutantsAndFewSeeds() {
        return mutants(2424L, FAST_SEEDS);
    }

    /** The network with the bug in the node of its op; the graph, its loss and the bug's node. */
    record Net(Graph graph, Node loss, Node buggy) {
    }

    /** @return op {@code k} of the network: the bug's op where it is planted there, else the real one */
    private static Op op(Mutants.Mutant m, Class<? extends Op> kind, Op real, boolean planted) {
        return planted && kind.isInstance(m.op().inner()) ? m.op() : real;
    }

    /**
     * @param m the bug, planted in its op's node
     * @param rng the generator of the shapes and values
     * @param planted false for the same network with every op correct (the same draws)
     */
    static Net build(Mutants.Mutant m, RandomGenerator rng, boolean planted) {
        // Half the networks: batch 4, one filter on 4×4 images (pooled to 2×2, so the flattened
        // maps are square too); the others: batch 2–4, as many filters, 2×2 images pooled to 1×1.
        boolean wide = rng.nextBoolean();
        int n = wide ? 4 : 2 + rng.nextInt(3);
        int f = wide ? 1 : n;
        int side = wide ? 4 : 2;
        int c = 1 + rng.nextInt(2);
        int features = f * (side / 2) * (side / 2);
        Graph g = new Graph();
        Node x = g.input("images", Tensor.randn(new int[] {n, c, side, side}, rng));
        // Weights scaled as an initializer would (1/√fan-in): logits of a few units, not a saturated softmax.
        Node w = g.parameter(new Parameter("conv.weight", Tensor.randn(new int[] {f, c, 3, 3}, rng).scale(1 / Math.sqrt(9 * c))));
        Node b = g.parameter(new Parameter("conv.bias", Tensor.randn(new int[] {f}, rng)));
        Node conv = g.apply("conv", op(m, Conv2d.class, new Conv2d(1, 1), planted), x, w, b);
        Node relu = g.apply("relu", op(m, ReLU.class, new ReLU(), planted), conv);
        Node pool = g.apply("pool", op(m, MaxPool2d.class, new MaxPool2d(2), planted), relu);
        Node flat = g.apply("flatten", op(m, Flatten.class, new Flatten(), planted), pool);            // features × batch
        Node dw = g.parameter(new Parameter("dense.weight",
                Tensor.randn(new int[] {n, features}, rng).scale(1 / Math.sqrt(features))));
        Node db = g.parameter(new Parameter("dense.bias", Tensor.randn(new int[] {n, 1}, rng)));
        Node z = g.apply("dense", op(m, Linear.class, new Linear(), planted), flat, dw, db);          // classes × batch
        Tensor y = Tensor.zeros(n, n);
        for (int j = 0; j < n; j++) {
            y.set(rng.nextInt(n), j, 1.0);
        }
        Node loss = g.apply("loss", op(m, SoftmaxCrossEntropy.class, new SoftmaxCrossEntropy(), planted), z, g.input("labels", y));
        Node[] byKind = {conv, relu, pool, flat, z, loss};
        Node buggy = null;
        for (int k = 0; k < KINDS.size(); k++) {
            if (KINDS.get(k).isInstance(m.op().inner())) {
                buggy = byKind[k];
            }
        }
        return new Net(g, loss, buggy);
    }

    /** The network where the bug shows at its node, and whether it changes a parameter's gradient. */
    private record Drawn(Net net, boolean visibleEndToEnd) {
    }

    private static Drawn netWhereItShows(Mutants.Mutant m, long seed) {
        Well19937c rng = new Well19937c(seed);
        for (int k = 0; k < REDRAWS; k++) {
            long draw = rng.nextLong();
            Net candidate = build(m, new Well19937c(draw), true);
            if (untiedWindows(candidate) && OpMutantTest.showsAt(m, Graph.inputValues(candidate.buggy()), seed)) {
                Net correct = build(m, new Well19937c(draw), false);
                return new Drawn(candidate, changesParameterGradients(candidate, correct));
            }
        }
        return fail("%s never shows in the network", m);
    }

    /**
     * Whether every 2×2 window of the max-pool's input has one largest entry. A window of dead
     * ReLUs (all zero) is a tie, a kink at every entry, which the checker skips by design; a point
     * full of them verifies nothing, so such points are drawn again.
     */
    private static boolean untiedWindows(Net net) {
        Tensor x = net.graph().node("pool").inputs().get(0).value();
        int[] d = x.dims();
        for (int a = 0; a < d[0]; a++) {
            for (int c = 0; c < d[1]; c++) {
                for (int i = 0; i < d[2]; i += 2) {
                    for (int j = 0; j < d[3]; j += 2) {
                        double[] w = {x.at(a, c, i, j), x.at(a, c, i, j + 1), x.at(a, c, i + 1, j), x.at(a, c, i + 1, j + 1)};
                        java.util.Arrays.sort(w);
                        if (w[3] == w[2]) {
                            return false;
                        }
                    }
                }
            }
        }
        return true;
    }

    /** Whether the bug moves some parameter's gradient of the loss by more than 1e-6 of its scale. */
    private static boolean changesParameterGradients(Net buggy, Net correct) {
        Node[] pb = buggy.graph().nodes().stream().filter(n -> n.parameter() != null).toArray(Node[]::new);
        Node[] pc = correct.graph().nodes().stream().filter(n -> n.parameter() != null).toArray(Node[]::new);
        Tensor[] gb = buggy.graph().gradients(buggy.loss(), pb);
        Tensor[] gc = correct.graph().gradients(correct.loss(), pc);
        for (int i = 0; i < gb.length; i++) {
            if (gb[i].subtract(gc[i]).maxAbs() > 1e-6 * Math.max(gc[i].maxAbs(), Double.MIN_NORMAL)) {
                return true;
            }
        }
        return false;
    }

    @ParameterizedTest(name = "{0}, seed {1}")
    @MethodSource("mutantsAndSeeds")
    void plantedBugIsFoundAtItsNodeAndEndToEnd(Mutants.Mutant m, long seed) {
        Drawn d = netWhereItShows(m, seed);
        assertFound(m, d, CHECKER.withSeed(seed).checkGraph(d.net().graph(), d.net().loss()), true);
    }

    @ParameterizedTest(name = "fast: {0}, seed {1}")
    @MethodSource("mutantsAndFewSeeds")
    void plantedBugIsFoundInFastMode(Mutants.Mutant m, long seed) {
        Drawn d = netWhereItShows(m, seed);
        assertFound(m, d, CHECKER.fast(2).withSeed(seed).checkGraph(d.net().graph(), d.net().loss()), false);
    }

    private static void assertFound(Mutants.Mutant m, Drawn d, CheckReport r, boolean diagnosis) {
        Net net = d.net();
        String report = r.render();
        List<InputResult> nodeFailures = r.failures().stream().filter(f -> !f.endToEnd()).toList();
        assertThat(nodeFailures).as("only the buggy node's input fails:%n%s", report).hasSize(1);
        InputResult f = nodeFailures.get(0);
        assertThat(f.node()).as(report).isEqualTo(net.buggy().label());
        assertThat(f.inputIndex()).as(report).isEqualTo(m.input());
        assertThat(f.verdict()).as(report).isEqualTo(m.verdict());
        if (diagnosis) {
            assertThat(f.diagnosis()).as(report).containsSubsequence(m.expectedText()).contains(m.where());
        } else {
            assertThat(f.diagnosis()).as(report).contains(m.op().inputName(m.input()));
        }
        List<InputResult> e2e = r.failures().stream().filter(InputResult::endToEnd).toList();
        if (d.visibleEndToEnd()) {
            assertThat(e2e).as("the end-to-end check fails too:%n%s", report).isNotEmpty();
        } else {
            // No parameter's gradient changes at this point: end to end cannot see it, and must not invent it.
            assertThat(e2e).as("end to end cannot see it:%n%s", report).isEmpty();
        }
        VISIBLE.merge(d.visibleEndToEnd(), 1, Integer::sum);
    }

    /** How many cases were visible end to end and how many not, printed for docs/reliability.md. */
    private static final java.util.Map<Boolean, Integer> VISIBLE = new java.util.concurrent.ConcurrentHashMap<>();

    @org.junit.jupiter.api.AfterAll
    static void printCounts() {
        System.out.printf("CNN mutants: %d cases visible end to end, %d invisible there (found by the per-node check)%n",
                VISIBLE.getOrDefault(true, 0), VISIBLE.getOrDefault(false, 0));
    }
}
