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
import org.autodifflite.core.Graph;
import org.autodifflite.core.Node;
import org.autodifflite.core.Op;
import org.autodifflite.core.Parameter;
import org.autodifflite.core.Tensor;
import org.autodifflite.core.ops.LeakyReLU;
import org.autodifflite.core.ops.ReLU;
import org.autodifflite.core.ops.Sigmoid;
import org.autodifflite.core.ops.Tanh;
import org.autodifflite.layers.ops.BinaryCrossEntropy;
import org.autodifflite.layers.ops.Dropout;
import org.autodifflite.layers.ops.Linear;
import org.autodifflite.layers.ops.MeanSquaredError;
import org.autodifflite.layers.ops.SigmoidBinaryCrossEntropy;
import org.autodifflite.layers.ops.SoftmaxCrossEntropy;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every planted bug of {@link Mutants}, placed inside a whole network, is found by
 * {@link GradientChecker#checkGraph} at its own node and input only (with the same verdict and
 * diagnosis as alone), and the end-to-end check fails too: a wrong node is found without being
 * looked for. One kind of bug is invisible end to end and found by the per-node check alone: a
 * loss that ignores its upstream gradient (the graph seeds the loss with exactly 1).
 *
 * <p>The network, X (3×4) → fc1 → activation → dropout → fc2 (4×4) → [sigmoid] → loss, has a
 * batch of 4 and 4 units, so that every input a bug can be planted in is square.
 */
class GraphMutantTest {

    private static final int SEEDS = 5;
    private static final int REDRAWS = 50;
    private static final GradientChecker CHECKER = GradientChecker.defaults().withThreads(1);

    static Stream<Arguments> mutantsAndSeeds() {
        SplittableRandom seeds = new SplittableRandom(2026L);
        List<Arguments> out = new ArrayList<>();
        for (Mutants.Mutant m : Mutants.all()) {
            for (int k = 0; k < SEEDS; k++) {
                out.add(Arguments.of(m, seeds.nextLong()));
            }
        }
        return out.stream();
    }

    /** The network with the bug planted in the node of its op; returns the graph, its loss and the bug's node. */
    private record Net(Graph graph, Node loss, Node buggy) {
    }

    private static Net build(Mutants.Mutant m, Well19937c rng) {
        Op inner = m.op().inner();
        Op act = inner instanceof ReLU || inner instanceof LeakyReLU || inner instanceof Sigmoid
                || inner instanceof Tanh ? m.op() : new Tanh();
        Op drop = inner instanceof Dropout ? m.op() : new Dropout();
        Op fc2 = inner instanceof Linear ? m.op() : new Linear();
        boolean probabilities = inner instanceof BinaryCrossEntropy;
        boolean isLoss = probabilities || inner instanceof SigmoidBinaryCrossEntropy
                || inner instanceof MeanSquaredError || inner instanceof SoftmaxCrossEntropy;
        Op loss = isLoss ? m.op() : new SigmoidBinaryCrossEntropy();
        Graph g = new Graph();
        Node x = g.input("X", Tensor.randn(3, 4, rng));
        Node h = g.apply("fc1", new Linear(), x, g.parameter(new Parameter("fc1.weight", Tensor.randn(4, 3, rng))),
                g.parameter(new Parameter("fc1.bias", Tensor.randn(4, 1, rng))));
        Node a = g.apply("act", act, h);
        Node d = g.apply("dropout", drop, a, g.input("mask", Dropout.mask(4, 4, 0.7, rng)));
        Node z = g.apply("fc2", fc2, d, g.parameter(new Parameter("fc2.weight", Tensor.randn(4, 4, rng))),
                g.parameter(new Parameter("fc2.bias", Tensor.randn(4, 1, rng))));
        Node p = probabilities ? g.apply("sigmoid", new Sigmoid(), z) : z;
        Tensor y;
        if (inner instanceof SoftmaxCrossEntropy) {
            y = Tensor.zeros(4, 4);
            for (int j = 0; j < 4; j++) {
                y.set(rng.nextInt(4), j, 1.0);
            }
        } else {
            y = RandomInputs.labels(4, 4, rng);
        }
        Node l = g.apply("loss", loss, p, g.input("Y", y));
        Node buggy = act == m.op() ? a : drop == m.op() ? d : fc2 == m.op() ? z : l;
        return new Net(g, l, buggy);
    }

    @ParameterizedTest(name = "{0}, seed {1}")
    @MethodSource("mutantsAndSeeds")
    void plantedBugIsFoundAtItsNodeAndEndToEnd(Mutants.Mutant m, long seed) {
        Well19937c rng = new Well19937c(seed);
        Net net = null;
        for (int k = 0; k < REDRAWS && net == null; k++) {
            Net candidate = build(m, rng);
            if (OpMutantTest.showsAt(m, Graph.inputValues(candidate.buggy()), seed)) {
                net = candidate;
            }
        }
        if (net == null) {
            fail("%s never shows in the network", m);
            return;
        }
        CheckReport r = CHECKER.withSeed(seed).checkGraph(net.graph(), net.loss());
        String report = r.render();
        List<InputResult> nodeFailures = r.failures().stream().filter(f -> !f.endToEnd()).toList();
        assertThat(nodeFailures).as("only the buggy node's input fails:%n%s", report).hasSize(1);
        InputResult f = nodeFailures.get(0);
        assertThat(f.node()).as(report).isEqualTo(net.buggy().label());
        assertThat(f.inputIndex()).as(report).isEqualTo(m.input());
        assertThat(f.verdict()).as(report).isEqualTo(m.verdict());
        assertThat(f.diagnosis()).as(report).containsSubsequence(m.expectedText()).contains(m.where());
        List<InputResult> e2e = r.failures().stream().filter(InputResult::endToEnd).toList();
        if (m.kind() == Mutants.Kind.IGNORES_UPSTREAM && net.buggy() == net.loss()) {
            // The loss node's upstream gradient is the seed 1, so a loss that ignores it gives
            // the right gradients end to end: a latent bug (it shows once the loss is weighted
            // or summed with another) that only the per-node check finds.
            assertThat(e2e).as("end to end cannot see it:%n%s", report).isEmpty();
        } else {
            assertThat(e2e).as("the end-to-end check fails too:%n%s", report).isNotEmpty();
        }
    }
}
