package org.autodifflite.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.commons.math3.random.Well19937c;
import org.autodifflite.check.CheckReport;
import org.autodifflite.check.GradientChecker;
import org.autodifflite.core.Graph;
import org.autodifflite.core.Node;
import org.autodifflite.core.Op;
import org.autodifflite.core.Parameter;
import org.autodifflite.core.Tensor;
import org.autodifflite.core.ops.Sigmoid;
import org.autodifflite.core.ops.Tanh;
import org.autodifflite.layers.ops.BinaryCrossEntropy;
import org.autodifflite.layers.ops.Linear;
import org.autodifflite.layers.ops.SigmoidBinaryCrossEntropy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Nothing is lost: parameters (values and accumulated gradients) and node values are bit for bit
 * what they were after any check — a check that passes, one interrupted by an exception thrown
 * from an op's forward or backward at any point of the check, two checkers on two graphs on two
 * threads at once, and two graphs that share the same {@link Parameter} objects checked at once.
 */
class NothingLostTest {

    /** The op that throws: wraps a real op and throws on its n-th forward or backward call once armed. */
    static final class Tripwire implements Op {
        private final Op inner;
        private final AtomicInteger forwards = new AtomicInteger(Integer.MAX_VALUE);
        private final AtomicInteger backwards = new AtomicInteger(Integer.MAX_VALUE);
        private final AtomicInteger forwardCalls = new AtomicInteger();

        Tripwire(Op inner) {
            this.inner = inner;
        }

        void armForward(int n) {
            forwards.set(n);
        }

        void armBackward(int n) {
            backwards.set(n);
        }

        void disarm() {
            forwards.set(Integer.MAX_VALUE);
            backwards.set(Integer.MAX_VALUE);
        }

        int forwardCalls() {
            return forwardCalls.get();
        }

        @Override
        public String name() {
            return inner.name();
        }

        @Override
        public int arity() {
            return inner.arity();
        }

        @Override
        public Tensor forward(Tensor... inputs) {
            forwardCalls.incrementAndGet();
            if (forwards.decrementAndGet() == 0) {
                throw new IllegalStateException("tripwire: forward failed mid-check");
            }
            return inner.forward(inputs);
        }

        @Override
        public Tensor[] backward(Tensor[] inputs, Tensor output, Tensor gradOutput) {
            if (backwards.decrementAndGet() == 0) {
                throw new IllegalStateException("tripwire: backward failed mid-check");
            }
            return inner.backward(inputs, output, gradOutput);
        }
    }

    /** A small network X → Linear → tanh (tripwire) → Linear → sigmoid → BCE, on the given parameters. */
    record Net(Graph graph, Node loss, Tripwire tripwire) {
        static Net build(List<Parameter> p, long dataSeed) {
            Well19937c rng = new Well19937c(dataSeed);
            Graph g = new Graph();
            Node x = g.input("X", Tensor.randn(3, 5, rng));
            Node y = g.input("Y", RandomInputs.labels(1, 5, rng));
            Tripwire trip = new Tripwire(new Tanh());
            Node h = g.apply("fc1", new Linear(), x, g.parameter(p.get(0)), g.parameter(p.get(1)));
            Node a = g.apply("tanh", trip, h);
            Node z = g.apply("fc2", new Linear(), a, g.parameter(p.get(2)), g.parameter(p.get(3)));
            Node s = g.apply("sigmoid", new Sigmoid(), z);
            Node loss = g.apply("loss", new BinaryCrossEntropy(), s, y);
            return new Net(g, loss, trip);
        }
    }

    /** Parameters with non-zero accumulated gradients, so that restoring them is visible. */
    static List<Parameter> parameters(long seed) {
        Well19937c rng = new Well19937c(seed);
        List<Parameter> p = List.of(new Parameter("fc1.weight", Tensor.randn(4, 3, rng)),
                new Parameter("fc1.bias", Tensor.randn(4, 1, rng)),
                new Parameter("fc2.weight", Tensor.randn(1, 4, rng)),
                new Parameter("fc2.bias", Tensor.randn(1, 1, rng)));
        for (Parameter q : p) {
            q.grad().copyFrom(Tensor.randn(q.value().rows(), q.value().cols(), rng));
        }
        return p;
    }

    /** Every bit of every parameter value and gradient and of every node value. */
    static List<long[]> snapshot(List<Parameter> params, Graph... graphs) {
        List<long[]> out = new ArrayList<>();
        for (Parameter p : params) {
            out.add(bits(p.value()));
            out.add(bits(p.grad()));
        }
        for (Graph g : graphs) {
            for (Node n : g.nodes()) {
                out.add(bits(n.value()));
            }
        }
        return out;
    }

    private static long[] bits(Tensor t) {
        double[] d = t.data();
        long[] b = new long[d.length];
        for (int i = 0; i < d.length; i++) {
            b[i] = Double.doubleToRawLongBits(d[i]);
        }
        return b;
    }

    static void assertSame(List<long[]> before, List<long[]> after) {
        assertThat(after).hasSameSizeAs(before);
        for (int i = 0; i < before.size(); i++) {
            assertThat(after.get(i)).as("tensor %d of the snapshot", i).isEqualTo(before.get(i));
        }
    }

    @Test
    void aPassingCheckLeavesEverythingBitForBit() {
        List<Parameter> p = parameters(1);
        Net net = Net.build(p, 2);
        List<long[]> before = snapshot(p, net.graph());
        CheckReport r = GradientChecker.defaults().checkGraph(net.graph(), net.loss());
        assertThat(r.passed()).as(r.render()).isTrue();
        assertSame(before, snapshot(p, net.graph()));
        GradientChecker.defaults().fast(2).checkEndToEnd(net.graph(), net.loss());
        GradientChecker.defaults().subset(3).seedMode().checkGraph(net.graph(), net.loss());
        assertSame(before, snapshot(p, net.graph()));
    }

    /**
     * checkOp on every op leaves the caller's input tensors bit for bit, also for an op that
     * writes into its input (the checker works on copies and reports the breach as CONTRACT).
     */
    @Test
    void checkOpLeavesTheCallersInputsBitForBitEvenWhenTheOpWritesIntoThem() {
        for (Op op : Mutants.ops()) {
            Tensor[] in = RandomInputs.draw(op, new Well19937c(21), RandomInputs.ANY);
            List<long[]> before = inputBits(in);
            assertThat(GradientChecker.defaults().checkOp(op, in).passed()).isTrue();
            assertSame(before, inputBits(in));
            Op vandal = new PlantedBug(op, (x, y, g) -> {
                Tensor[] grads = op.backward(x, y, g);
                x[0].data()[0] += 1.0;   // writes into its input
                return grads;
            });
            CheckReport r = GradientChecker.defaults().checkOp(vandal, in);
            assertThat(r.failures()).as("%s", r.render()).isNotEmpty()
                    .allSatisfy(f -> assertThat(f.verdict()).isEqualTo(org.autodifflite.check.Verdict.CONTRACT));
            assertSame(before, inputBits(in));
        }
    }

    private static List<long[]> inputBits(Tensor[] in) {
        List<long[]> out = new ArrayList<>();
        for (Tensor t : in) {
            out.add(bits(t));
        }
        return out;
    }

    static Stream<Arguments> tripPoints() {
        List<Arguments> out = new ArrayList<>();
        for (int threads : new int[] {1, 2}) {
            for (double where : new double[] {0.0, 0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99, 1.0}) {
                out.add(Arguments.of(threads, where));
            }
        }
        return out.stream();
    }

    /**
     * The op throws on its n-th forward call, n spread from the first call (preparing the node's
     * own check) to the last (end to end): the exception reaches the caller unchanged and nothing
     * is changed.
     */
    @ParameterizedTest(name = "{0} thread(s), forward throws at {1} of the check")
    @MethodSource("tripPoints")
    void aCheckInterruptedByAnOpsForwardLeavesEverythingBitForBit(int threads, double where) {
        List<Parameter> p = parameters(3);
        Net net = Net.build(p, 4);
        GradientChecker checker = GradientChecker.defaults().withThreads(threads);
        int before0 = net.tripwire().forwardCalls();
        checker.checkGraph(net.graph(), net.loss());
        int calls = net.tripwire().forwardCalls() - before0;
        assertThat(calls).as("forward calls of the tanh node in one check").isGreaterThan(50);

        List<long[]> before = snapshot(p, net.graph());
        net.tripwire().armForward(Math.max(1, (int) Math.round(where * calls)));
        assertThatThrownBy(() -> checker.checkGraph(net.graph(), net.loss()))
                .isInstanceOf(IllegalStateException.class).hasMessage("tripwire: forward failed mid-check");
        net.tripwire().disarm();
        assertSame(before, snapshot(p, net.graph()));
        // And the graph is still usable: the same check passes afterwards.
        assertThat(checker.checkGraph(net.graph(), net.loss()).passed()).isTrue();
    }

    /** Backward throws: on preparing the node's check (call 1), its linearity probes, or in the end-to-end backward. */
    @ParameterizedTest(name = "backward throws at call {0}")
    @MethodSource("backwardTrips")
    void aCheckInterruptedByAnOpsBackwardLeavesEverythingBitForBit(int n) {
        List<Parameter> p = parameters(5);
        Net net = Net.build(p, 6);
        List<long[]> before = snapshot(p, net.graph());
        net.tripwire().armBackward(n);
        assertThatThrownBy(() -> GradientChecker.defaults().checkGraph(net.graph(), net.loss()))
                .isInstanceOf(IllegalStateException.class).hasMessage("tripwire: backward failed mid-check");
        assertSame(before, snapshot(p, net.graph()));
    }

    static Stream<Integer> backwardTrips() {
        return Stream.of(1, 2, 3, 4);  // 1–3: the node's own check (u, 2u, 0); 4: the end-to-end backward
    }

    /** Two checkers, two graphs with their own parameters, two threads at once, many rounds. */
    @Test
    void twoCheckersOnTwoGraphsAtOnceLeaveEverythingBitForBitAndAgreeWithRunningAlone() throws Exception {
        List<Parameter> p1 = parameters(7);
        List<Parameter> p2 = parameters(7);
        Net n1 = Net.build(p1, 8);
        Net n2 = Net.build(p2, 9);
        GradientChecker c1 = GradientChecker.defaults().withThreads(2);
        GradientChecker c2 = GradientChecker.defaults().withSeed(99).withThreads(2);
        String alone1 = c1.checkGraph(n1.graph(), n1.loss()).render();
        String alone2 = c2.checkGraph(n2.graph(), n2.loss()).render();
        List<long[]> before1 = snapshot(p1, n1.graph());
        List<long[]> before2 = snapshot(p2, n2.graph());
        runTogether(20, () -> c1.checkGraph(n1.graph(), n1.loss()).render(),
                () -> c2.checkGraph(n2.graph(), n2.loss()).render(), alone1, alone2);
        assertSame(before1, snapshot(p1, n1.graph()));
        assertSame(before2, snapshot(p2, n2.graph()));
    }

    /**
     * Two graphs built on the SAME parameter objects (two batches of one model), checked at once
     * by two checkers: the checker perturbs private copies of the values, and its end-to-end
     * check saves, accumulates into and restores the shared gradients one checker at a time (see
     * the class comment of {@code GradientChecker}), so both reports equal those of running alone
     * and every bit is as before.
     */
    @Test
    void twoGraphsSharingTheirParametersCheckedAtOnceLeaveEverythingBitForBit() throws Exception {
        List<Parameter> p = parameters(11);
        Net n1 = Net.build(p, 12);
        Net n2 = Net.build(p, 13);
        GradientChecker c1 = GradientChecker.defaults().withThreads(1);
        GradientChecker c2 = GradientChecker.defaults().withThreads(1).withSeed(5);
        String alone1 = c1.checkGraph(n1.graph(), n1.loss()).render();
        String alone2 = c2.checkGraph(n2.graph(), n2.loss()).render();
        List<long[]> before = snapshot(p, n1.graph(), n2.graph());
        runTogether(ROUNDS, () -> c1.checkEndToEnd(n1.graph(), n1.loss()).render(),
                () -> c2.checkEndToEnd(n2.graph(), n2.loss()).render(),
                c1.checkEndToEnd(n1.graph(), n1.loss()).render(), c2.checkEndToEnd(n2.graph(), n2.loss()).render());
        assertSame(before, snapshot(p, n1.graph(), n2.graph()));
        runTogether(10, () -> c1.checkGraph(n1.graph(), n1.loss()).render(),
                () -> c2.checkGraph(n2.graph(), n2.loss()).render(), alone1, alone2);
        assertSame(before, snapshot(p, n1.graph(), n2.graph()));
    }

    /**
     * The same with the race made likely: one wide shared weight (1 × 20,000) and one entry per
     * parameter checked, so that most of each check is spent saving, accumulating into and
     * restoring the shared gradient. Without the checker's lock this loses the gradients within
     * a few rounds; with it, every bit survives.
     */
    @Test
    void checksOfTwoGraphsSharingAWideWeightAtOnceLeaveItsGradientBitForBit() throws Exception {
        int n = 20_000;
        Well19937c rng = new Well19937c(17);
        Parameter w = new Parameter("fc.weight", Tensor.randn(1, n, rng).scale(0.01));
        Parameter b = new Parameter("fc.bias", Tensor.zeros(1, 1));
        w.grad().copyFrom(Tensor.randn(1, n, rng));
        b.grad().copyFrom(Tensor.randn(1, 1, rng));
        Graph[] graphs = new Graph[2];
        Node[] losses = new Node[2];
        for (int k = 0; k < 2; k++) {
            Graph g = new Graph();
            Node x = g.input("X", Tensor.randn(n, 2, rng));
            Node z = g.apply("fc", new Linear(), x, g.parameter(w), g.parameter(b));
            losses[k] = g.apply("loss", new SigmoidBinaryCrossEntropy(), z, g.input("Y", Tensor.row(1, 0)));
            graphs[k] = g;
        }
        GradientChecker checker = GradientChecker.defaults().withThreads(1).subset(1);
        List<long[]> before = snapshot(List.of(w, b), graphs);
        String alone0 = checker.checkEndToEnd(graphs[0], losses[0]).render();
        String alone1 = checker.checkEndToEnd(graphs[1], losses[1]).render();
        runTogether(ROUNDS, () -> checker.checkEndToEnd(graphs[0], losses[0]).render(),
                () -> checker.checkEndToEnd(graphs[1], losses[1]).render(), alone0, alone1);
        assertSame(before, snapshot(List.of(w, b), graphs));
    }

    static final int ROUNDS = Integer.getInteger("rounds", 100);

    /** Runs two tasks at once, {@code rounds} times each, and requires their results to be the expected ones. */
    private static void runTogether(int rounds, Callable<String> a, Callable<String> b, String expectA,
            String expectB) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<?> fa = pool.submit(() -> loop(rounds, a, expectA));
            Future<?> fb = pool.submit(() -> loop(rounds, b, expectB));
            fa.get(2, TimeUnit.MINUTES);
            fb.get(2, TimeUnit.MINUTES);
        } finally {
            pool.shutdownNow();
        }
    }

    private static Void loop(int rounds, Callable<String> task, String expected) throws Exception {
        for (int i = 0; i < rounds; i++) {
            assertThat(task.call()).as("round %d", i).isEqualTo(expected);
        }
        return null;
    }
}
